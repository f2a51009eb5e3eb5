package dev.fluxgate.internal;

import java.time.Duration;
import java.util.Arrays;

/**
 * The mutable store behind a {@code Window}. Not thread-safe: the owning breaker reads and writes it
 * only while holding its lock. It knows nothing of breaker states.
 */
public abstract class WindowStore {

    /** Slow-call thresholds in nanoseconds, ascending; a call is slow for threshold i when its duration is >= it. */
    protected final long[] thresholds;
    /** Window totals, kept incrementally so that reads are O(1). */
    protected int calls;
    protected int failures;
    protected final int[] slow;
    protected long totalDurationNanos;
    private int streak;

    protected WindowStore(long[] thresholds) {
        if (thresholds.length > 30) {
            throw new IllegalArgumentException("at most 30 slow-call thresholds, was " + thresholds.length);
        }
        this.thresholds = thresholds.clone();
        Arrays.sort(this.thresholds);
        this.slow = new int[thresholds.length];
    }

    /**
     * Records one call.
     *
     * @param nowNanos the ticker now (time windows use it; count windows ignore it)
     * @param failure whether it was a tracked failure
     * @param durationNanos its duration, 0 when untimed
     */
    public final void record(long nowNanos, boolean failure, long durationNanos) {
        streak = failure ? streak + 1 : 0;
        add(nowNanos, failure, durationNanos, slowMask(durationNanos), 1);
    }

    /** Records {@code n} untimed successes at once (a drained buffer). */
    public final void recordSuccesses(long nowNanos, int n) {
        if (n > 0) {
            streak = 0;
            add(nowNanos, false, 0, 0, n);
        }
    }

    /**
     * Whether recording one more untimed success (duration 0) would leave every figure this store
     * reports unchanged. False unless a subclass knows better.
     */
    public boolean absorbsSuccess() {
        return false;
    }

    /** Expires what has aged out as of {@code nowNanos}; a no-op for count windows. */
    public abstract void roll(long nowNanos);

    /** Whether this window needs the ticker to place a record. */
    public abstract boolean needsTime();

    /** Forgets everything, including the failure streak. */
    public void clear() {
        calls = 0;
        failures = 0;
        Arrays.fill(slow, 0);
        totalDurationNanos = 0;
        streak = 0;
    }

    protected abstract void add(long nowNanos, boolean failure, long durationNanos, int slowMask, int n);

    private int slowMask(long durationNanos) {
        int mask = 0;
        for (int i = 0; i < thresholds.length && durationNanos >= thresholds[i]; i++) {
            mask |= 1 << i;
        }
        return mask;
    }

    protected final void count(boolean failure, long durationNanos, int slowMask, int n, int sign) {
        calls += sign * n;
        if (failure) {
            failures += sign * n;
        }
        totalDurationNanos += sign * durationNanos;
        for (int m = slowMask, i = 0; m != 0; m >>>= 1, i++) {
            if ((m & 1) != 0) {
                slow[i] += sign * n;
            }
        }
    }

    public final int calls() {
        return calls;
    }

    public final int failures() {
        return failures;
    }

    public final int streak() {
        return streak;
    }

    public final long totalDurationNanos() {
        return totalDurationNanos;
    }

    /** The slow calls for {@code threshold}, which must be one of the tracked thresholds. */
    public final int slowCalls(Duration threshold) {
        return slow[index(thresholds, threshold)];
    }

    public final Duration averageDuration() {
        return calls == 0 ? Duration.ZERO : Duration.ofNanos(totalDurationNanos / calls);
    }

    /** Copies the figures into an immutable snapshot, adding the breaker's lifetime counters. */
    public final MetricsSnapshot snapshot(MetricsSnapshot.Lifetime lifetime) {
        return new MetricsSnapshot(calls, failures, thresholds, slow.clone(), averageDuration(), streak, lifetime);
    }

    static int index(long[] thresholds, Duration threshold) {
        long nanos = threshold.toNanos();
        int i = Arrays.binarySearch(thresholds, nanos);
        if (i < 0) {
            throw new IllegalArgumentException("slow-call threshold " + threshold + " is not tracked by this breaker; "
                    + "tracked: " + Arrays.stream(thresholds).mapToObj(Duration::ofNanos).toList()
                    + " (add it with a Tripper.slowRate rule or Builder.slowCallThreshold)");
        }
        return i;
    }
}
