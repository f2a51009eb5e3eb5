package dev.fluxgate;

/**
 * A monotonic source of nanoseconds. A {@link CircuitBreaker} measures everything on its ticker
 * (cooldowns, call durations, time windows, the half-open timeout and ramp-up); {@link Retry} its
 * {@code maxDuration}, {@link Bulkhead} its maximum wait and {@link LastKnownGood} the age of results.
 * {@link Timeout} does not use a ticker: it waits on the system clock, or on the scheduler given to
 * {@link Timeout#withScheduler}. Only differences between two readings are meaningful, and they are
 * compared as {@link System#nanoTime()}'s are ({@code t1 - t0 < 0}), so readings may wrap around.
 *
 * <p>Tests pass a fake ticker (see {@code dev.fluxgate.test.ManualTicker} in {@code fluxgate-test})
 * so that time-dependent behaviour is checked without sleeping.
 *
 * <p>What implementations must provide, since nothing checks it: safety for concurrent use, and
 * readings that do not go backwards (a ticker that does makes waits last longer and durations come out
 * negative or zero; it is not detected). {@link #read()} is called on the call path, sometimes while a
 * breaker holds its window lock, so it must be fast and must not block. A ticker is not plugged-in
 * code in the sense of the rule for listeners and predicates: an exception it throws is not caught and
 * reaches the caller (a half-open probe admitted just before is then freed only by the half-open
 * timeout). A ticker orders nothing between threads: the library never relies on readings for
 * happens-before.
 */
@FunctionalInterface
public interface Ticker {

    /** {@return the current reading in nanoseconds} */
    long read();

    /** {@return the system ticker, {@link System#nanoTime()}} */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}

/** The one system ticker; a named class so that its {@code toString} reads well in configuration dumps. */
enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long read() {
        return System.nanoTime();
    }

    @Override
    public String toString() {
        return "Ticker.system()";
    }
}
