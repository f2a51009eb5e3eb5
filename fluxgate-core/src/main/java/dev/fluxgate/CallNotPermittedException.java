package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown (or used to fail a future) when a {@link CircuitBreaker} rejects a call.
 *
 * <p>The exception carries no stack trace: a rejection is an expected, frequent event on a hot
 * path, and its cause is the breaker's state, not the caller's stack. Its message is built only
 * when asked for. Like every {@link RejectedException} it is a local decision, which a breaker
 * outside this one does not count as a failure.
 */
public final class CallNotPermittedException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /** The internal retry hint of a rejection with no automatic recovery. */
    static final long NO_RECOVERY = -1L;

    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private final String breakerName;
    private final State state;
    /** Nanoseconds until the breaker may admit a call again, or {@link #NO_RECOVERY}. */
    private final long retryAfterNanos;

    /**
     * Creates the exception for a breaker that recovers by itself.
     *
     * @param breakerName the name of the breaker that rejected the call
     * @param state the state it was in
     * @param retryAfter how long until it may admit a call again; a negative one is taken as zero, one
     *     beyond {@code Long.MAX_VALUE} nanoseconds (about 292 years) as that
     */
    public CallNotPermittedException(String breakerName, State state, Duration retryAfter) {
        this(breakerName, state, toNanos(retryAfter));
    }

    /**
     * Creates the exception for a breaker that only a manual command can open to calls again (forced
     * open, manual cooldown): {@link #retryAfter()} is empty.
     *
     * @param breakerName the name of the breaker that rejected the call
     * @param state the state it was in
     */
    public CallNotPermittedException(String breakerName, State state) {
        this(breakerName, state, NO_RECOVERY);
    }

    /** {@code retryAfterNanos}: {@link #NO_RECOVERY}, or the wait (a negative one other than that is zero). */
    CallNotPermittedException(String breakerName, State state, long retryAfterNanos) {
        super(null);
        this.breakerName = Objects.requireNonNull(breakerName, "breakerName");
        this.state = Objects.requireNonNull(state, "state");
        this.retryAfterNanos = retryAfterNanos == NO_RECOVERY ? NO_RECOVERY : Math.max(0, retryAfterNanos);
    }

    private static long toNanos(Duration d) {
        Objects.requireNonNull(d, "retryAfter");
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }

    /** {@return the name of the breaker that rejected the call} */
    public String breakerName() {
        return breakerName;
    }

    /** {@return the state the breaker was in when it rejected the call} */
    public State state() {
        return state;
    }

    /**
     * How long until the breaker may admit a call again, or empty when it will not do so by itself.
     *
     * <ul>
     *   <li>{@link State#OPEN}: exactly the cooldown left on the breaker's ticker;</li>
     *   <li>{@link State#HALF_OPEN}: {@link Duration#ZERO}: the breaker is probing and will decide as
     *       its probes settle (a probe that ends without an outcome frees its slot at once);</li>
     *   <li>empty when only a manual command can admit calls again ({@link State#FORCED_OPEN}, or
     *       OPEN with {@link Cooldown#manual()}): there is no wait to honour, so a retry should give up.</li>
     * </ul>
     *
     * A present value is always a {@code Duration} of at most {@code Long.MAX_VALUE} nanoseconds, so
     * {@code toMillis()} and {@code toNanos()} on it cannot overflow.
     *
     * @return the time until the breaker may admit a call, or empty
     */
    public Optional<Duration> retryAfter() {
        return retryAfterNanos == NO_RECOVERY ? Optional.empty() : Optional.of(Duration.ofNanos(retryAfterNanos));
    }

    @Override
    public String getMessage() {
        String wait = retryAfterNanos == NO_RECOVERY
                ? "until reset manually"
                : "retry after " + Duration.ofNanos(retryAfterNanos);
        return "CircuitBreaker '" + breakerName + "' is " + state + " and does not permit further calls ("
                + wait + ")";
    }
}
