package dev.fluxgate.redis;

import dev.fluxgate.RateLimiter;

/**
 * What a Redis-backed limiter does while Redis does not answer (down, unreachable, too slow, refusing
 * the credentials): the user's choice between failing closed and failing open with a local share.
 *
 * <ul>
 *   <li>{@link #failClosed()} (the default): every call is refused with a {@link RedisUnavailableException}
 *       (a local rejection, so a breaker outside the limiter does not count it as a failure of the
 *       downstream). Nothing runs that the fleet-wide limit did not allow.</li>
 *   <li>{@link #localShare(int)}: fail open, within limits: each instance limits its calls on its own, in
 *       this process, to its share of the fleet-wide limit, {@code max(1, permits / instances)} per period
 *       with a burst of {@code max(1, burst / instances)}, in the same shape. With the expected number of
 *       instances, the fleet as a whole stays near its limit while Redis is away.</li>
 * </ul>
 *
 * <p>Either way the limiter keeps probing Redis (see {@link RedisRateLimits.Builder#probeInterval}) and
 * goes back to the shared limit as soon as it answers. Immutable and thread-safe.
 */
public final class OnRedisFailure {

    private static final OnRedisFailure FAIL_CLOSED = new OnRedisFailure(0);

    /** 0: fail closed; otherwise the expected number of instances. */
    private final int instances;

    private OnRedisFailure(int instances) {
        this.instances = instances;
    }

    /**
     * Refuse every call with a {@link RedisUnavailableException} while Redis does not answer.
     *
     * @return the fail-closed choice
     */
    public static OnRedisFailure failClosed() {
        return FAIL_CLOSED;
    }

    /**
     * Fail open with a local share: while Redis does not answer, this instance admits
     * {@code max(1, permits / instances)} permits per period (burst {@code max(1, burst / instances)}) on
     * its own; beyond them the limiter refuses or waits as usual ({@link dev.fluxgate.RateLimitedException}).
     *
     * @param instances the number of instances expected to share the limit, from 1 to 1,000,000
     * @return the local-share choice
     * @throws IllegalArgumentException if {@code instances} is outside 1 to 1,000,000
     */
    public static OnRedisFailure localShare(int instances) {
        if (instances < 1 || instances > 1_000_000) {
            throw new IllegalArgumentException("instances must be between 1 and 1000000, was " + instances);
        }
        return new OnRedisFailure(instances);
    }

    /**
     * Whether calls are refused while Redis does not answer.
     *
     * @return true for {@link #failClosed()}
     */
    public boolean isFailClosed() {
        return instances == 0;
    }

    /**
     * The number of instances the limit is shared by, for {@link #localShare(int)}.
     *
     * @return the instances, or 0 for {@link #failClosed()}
     */
    public int instances() {
        return instances;
    }

    /** The local limit of one instance: its share of {@code limit}. */
    RateLimiter.Limit shareOf(RateLimiter.Limit limit) {
        return new RateLimiter.Limit(limit.name(), Math.max(1, limit.permits() / instances), limit.period(),
                Math.max(1, limit.burst() / instances), limit.shape(), limit.ticker());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnRedisFailure other && other.instances == instances;
    }

    @Override
    public int hashCode() {
        return instances;
    }

    @Override
    public String toString() {
        return instances == 0 ? "failClosed" : "localShare(" + instances + " instances)";
    }
}
