package dev.fluxgate.test;

import dev.fluxgate.Ticker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when told to, so tests of time-dependent behaviour never sleep.
 *
 * <pre>{@code
 * ManualTicker ticker = new ManualTicker();
 * CircuitBreaker cb = CircuitBreaker.builder("test").ticker(ticker).build();
 * ticker.advance(Duration.ofSeconds(60));
 * }</pre>
 *
 * <p>Safe for concurrent use: reads and advances are atomic.
 */
public final class ManualTicker implements Ticker {

    private final AtomicLong nanos;

    /** A ticker starting at 0. */
    public ManualTicker() {
        this(0);
    }

    /**
     * A ticker starting at {@code startNanos} (negative values are allowed, like {@link System#nanoTime()}).
     *
     * @param startNanos the first reading, in nanoseconds
     */
    public ManualTicker(long startNanos) {
        this.nanos = new AtomicLong(startNanos);
    }

    @Override
    public long read() {
        return nanos.get();
    }

    /**
     * Moves the ticker forward by {@code duration}.
     *
     * @param duration how far to move, zero or positive
     * @return this ticker
     * @throws IllegalArgumentException if {@code duration} is negative (a ticker never goes back)
     */
    public ManualTicker advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("duration must be >= 0 (a ticker never goes back), was " + duration);
        }
        nanos.addAndGet(duration.toNanos());
        return this;
    }

    /**
     * Moves the ticker forward by {@code nanos} nanoseconds ({@code >= 0}).
     *
     * @param nanos how far to move, in nanoseconds, zero or positive
     * @return this ticker
     */
    public ManualTicker advanceNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("nanos must be >= 0 (a ticker never goes back), was " + nanos);
        }
        this.nanos.addAndGet(nanos);
        return this;
    }

    @Override
    public String toString() {
        return "ManualTicker[" + nanos.get() + " ns]";
    }
}
