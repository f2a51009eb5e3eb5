package dev.fluxgate.test;

import dev.fluxgate.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Retry.Sleeper} that never sleeps: each wait advances a {@link ManualTicker} by its length
 * and is recorded, so a test of a {@link Retry} or of an injected {@link dev.fluxgate.Chaos} latency
 * runs at once and can check exactly how long the code waited.
 *
 * <pre>{@code
 * ManualTicker ticker = new ManualTicker();
 * ManualSleeper sleeper = new ManualSleeper(ticker);
 * Retry retry = Retry.builder("test").sleeper(sleeper).build();
 * }</pre>
 *
 * <p>Safe for concurrent use: waits from several threads are all recorded and all advance the ticker.
 */
public final class ManualSleeper implements Retry.Sleeper {

    private final ManualTicker ticker;
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    /**
     * A sleeper that advances {@code ticker}.
     *
     * @param ticker the ticker each wait moves forward
     * @throws NullPointerException if {@code ticker} is null
     */
    public ManualSleeper(ManualTicker ticker) {
        this.ticker = Objects.requireNonNull(ticker, "ticker");
    }

    /**
     * Records the wait and advances the ticker by it; a wait of zero or less is recorded as zero and
     * moves nothing. Never blocks, never throws {@link InterruptedException}.
     *
     * @param nanos how long the caller asked to wait
     */
    @Override
    public void sleep(long nanos) {
        long wait = Math.max(0, nanos);
        waits.add(Duration.ofNanos(wait));
        ticker.advanceNanos(wait);
    }

    /**
     * The waits so far, in the order they were asked for.
     *
     * @return a copy of the recorded waits
     */
    public List<Duration> waits() {
        return new ArrayList<>(waits);
    }

    /**
     * The sum of the waits so far.
     *
     * @return the total time waited
     */
    public Duration total() {
        Duration sum = Duration.ZERO;
        for (Duration d : waits) {
            sum = sum.plus(d);
        }
        return sum;
    }

    @Override
    public String toString() {
        return "ManualSleeper[" + waits.size() + " waits, " + total() + "]";
    }
}
