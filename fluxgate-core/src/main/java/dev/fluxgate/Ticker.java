package dev.fluxgate;

/**
 * A monotonic source of nanoseconds, used for every duration the library measures (cooldowns,
 * call durations, time windows, timeouts). Only differences between two readings are meaningful.
 *
 * <p>Tests pass a fake ticker (see {@code dev.fluxgate.test.ManualTicker} in {@code fluxgate-test})
 * so that time-dependent behaviour is checked without sleeping. Implementations must be safe for
 * concurrent use and must never go backwards.
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
