package dev.fluxgate.redis;

import dev.fluxgate.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether Redis answers, shared by every limiter of one {@link RedisRateLimits} (they share one
 * connection). While Redis answers, every call asks it. After a failure, calls do not ask it (each would
 * wait for the timeout) but take the {@link OnRedisFailure} path at once, except one probe per probe
 * interval: the first call after the interval asks Redis, and when it answers, every call asks again.
 * Lock-free.
 */
final class RedisHealth {

    private static final System.Logger LOG = System.getLogger(RedisRateLimits.class.getName());
    /** {@link #nextProbe} while Redis answers. */
    private static final long UP = Long.MIN_VALUE;

    /** A failure and when it happened, on the ticker. */
    record Failure(RuntimeException error, long at) {}

    private final Ticker ticker;
    private final long probeNanos;
    /** {@link #UP}, or the ticker reading from which the next call probes Redis. */
    private final AtomicLong nextProbe = new AtomicLong(UP);
    /** The latest failure (a placeholder until there is one; read only while down). */
    private volatile Failure last = new Failure(new IllegalStateException("Redis has not failed"), 0);
    private volatile long downSince;

    RedisHealth(Ticker ticker, Duration probeInterval) {
        this.ticker = ticker;
        this.probeNanos = probeInterval.toNanos();
    }

    /** Whether this call should ask Redis: it answers, or this call takes the probe that is due. */
    boolean mayAsk() {
        long next = nextProbe.get();
        if (next == UP) {
            return true;
        }
        long now = ticker.read();
        return now - next >= 0 && nextProbe.compareAndSet(next, now + probeNanos);
    }

    /** Whether Redis answered the latest call that asked it. */
    boolean isUp() {
        return nextProbe.get() == UP;
    }

    /** Redis answered. */
    void answered() {
        if (nextProbe.get() != UP && nextProbe.getAndSet(UP) != UP) {
            LOG.log(System.Logger.Level.INFO, "Redis answers again after " + millis(ticker.read() - downSince)
                    + ": Redis-backed rate limiters share their limits again");
        }
    }

    /** Redis did not answer. */
    void failed(RuntimeException error) {
        long now = ticker.read();
        last = new Failure(error, now);
        if (nextProbe.compareAndSet(UP, now + probeNanos)) {
            downSince = now;
            LOG.log(System.Logger.Level.WARNING, "Redis did not answer (" + describe(error) + "): Redis-backed"
                    + " rate limiters follow their onRedisFailure choice (refuse calls, or limit them locally)"
                    + " and ask Redis again every " + millis(probeNanos), error);
        }
    }

    /** The latest failure. */
    Failure last() {
        return last;
    }

    /** Nanoseconds since Redis stopped answering, on the ticker. */
    long downForNanos() {
        return ticker.read() - downSince;
    }

    /** Nanoseconds until the next probe (0 when one is due). */
    long nextProbeInNanos() {
        long next = nextProbe.get();
        return next == UP ? 0 : Math.max(0, next - ticker.read());
    }

    long probeNanos() {
        return probeNanos;
    }

    /** The class and message of a Redis client's exception (they never carry the password). */
    static String describe(Throwable error) {
        String message = error.getMessage();
        return error.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    static String millis(long nanos) {
        return Duration.ofNanos(Math.max(0, nanos)).toMillis() + " ms";
    }

    @Override
    public String toString() {
        return isUp() ? "Redis answering" : "Redis not answering for " + millis(downForNanos());
    }
}
