package dev.fluxgate.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * The mutable store behind a {@code Window}. Not thread-safe: the owning breaker reads and writes it
 * only while holding its lock. It knows nothing of breaker states.
 */
public abstract class WindowStore {

    /** Slow-call thresholds in nanoseconds, ascending; a call is slow for threshold i when its duration is >= it. */
    protected final long[] thresholds;
    /**
     * Window totals, kept incrementally so that reads are O(1). A weighted store keeps its own real
     * sums and these as their whole parts.
     */
    protected int calls;
    protected int failures;
    protected final int[] slow;
    protected long totalDurationNanos;
    private int streak;
    /** Whether this store keeps durations; an untimed one records every call as taking 0. */
    private final boolean timed;

    /**
     * @param thresholds slow-call thresholds in nanoseconds; only a timed store may have any
     * @param timed whether the store keeps durations
     */
    protected WindowStore(long[] thresholds, boolean timed) {
        if (thresholds.length > 30) {
            throw new IllegalArgumentException("at most 30 slow-call thresholds, was " + thresholds.length);
        }
        if (!timed && thresholds.length > 0) {
            throw new IllegalArgumentException("slow-call thresholds need a timed window");
        }
        this.timed = timed;
        this.thresholds = thresholds.clone();
        Arrays.sort(this.thresholds);
        this.slow = new int[thresholds.length];
    }

    /**
     * Records one call.
     *
     * @param nowNanos the ticker now (time windows use it; count windows ignore it)
     * @param failure whether it was a tracked failure
     * @param durationNanos its duration (ignored by an untimed store)
     */
    public final void record(long nowNanos, boolean failure, long durationNanos) {
        streak = failure ? streak + 1 : 0;
        long d = timed ? durationNanos : 0L;
        add(nowNanos, failure, d, slowMask(d), 1);
    }

    /** Whether this store keeps durations (then {@link #averageDuration()} and slow calls mean something). */
    public final boolean timed() {
        return timed;
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

    /**
     * The slow calls for {@code threshold}, which must be one of the tracked thresholds.
     *
     * @throws IllegalStateException if this store does not keep durations
     * @throws IllegalArgumentException if {@code threshold} is not tracked
     */
    public final int slowCalls(Duration threshold) {
        return slow[index(timed, thresholds, threshold)];
    }

    /** The mean duration of the calls held, or empty when there are none or the store keeps no durations. */
    public final Optional<Duration> averageDuration() {
        long avg = averageNanos();
        return avg < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(avg));
    }

    /** The mean duration in nanoseconds, or -1 when there are no calls or the store keeps no durations. */
    public long averageNanos() {
        return timed && calls > 0 ? totalDurationNanos / calls : -1L;
    }

    /**
     * The effective number of calls: {@link #calls()} for a window that counts whole calls, the sum of
     * the weights for a decaying one.
     *
     * @return the effective number of calls, 0 when empty
     */
    public double effectiveCalls() {
        return calls;
    }

    /**
     * The effective number of tracked failures; see {@link #effectiveCalls()}.
     *
     * @return the effective number of failures
     */
    public double effectiveFailures() {
        return failures;
    }

    /**
     * The effective number of slow calls for the i-th tracked threshold; see {@link #effectiveCalls()}.
     *
     * @param i the index of the threshold, in ascending order
     * @return the effective number of slow calls
     */
    protected double effectiveSlow(int i) {
        return slow[i];
    }

    /**
     * Effective failures over effective calls.
     *
     * @return the failure rate, or NaN when the window is empty
     */
    public final double failureRate() {
        double c = effectiveCalls();
        return c == 0 ? Double.NaN : effectiveFailures() / c;
    }

    /**
     * Effective slow calls over effective calls.
     *
     * @param threshold one of the tracked slow-call thresholds
     * @return the slow rate, or NaN when the window is empty
     * @throws IllegalStateException if this store does not keep durations
     * @throws IllegalArgumentException if {@code threshold} is not tracked
     */
    public final double slowRate(Duration threshold) {
        int i = index(timed, thresholds, threshold); // first: an unknown threshold fails even when empty
        double c = effectiveCalls();
        return c == 0 ? Double.NaN : effectiveSlow(i) / c;
    }

    /** Copies the figures into an immutable snapshot, adding the breaker's lifetime counters. */
    public final MetricsSnapshot snapshot(MetricsSnapshot.Lifetime lifetime) {
        double[] effectiveSlow = null;
        if (weighted()) {
            effectiveSlow = new double[slow.length];
            for (int i = 0; i < slow.length; i++) {
                effectiveSlow[i] = effectiveSlow(i);
            }
        }
        return new MetricsSnapshot(calls, failures, thresholds, slow.clone(), timed, averageNanos(), streak, lifetime,
                effectiveCalls(), effectiveFailures(), effectiveSlow);
    }

    /**
     * Whether the effective figures are weighted (real numbers) rather than the whole counts.
     *
     * @return true for a decaying window
     */
    protected boolean weighted() {
        return false;
    }

    /** Why slow calls cannot be counted in a window that keeps no durations. */
    static final String NOT_MEASURED = "durations are not measured: this breaker's window keeps none, since none of "
            + "its rules needs them (a Tripper.slowRate or Tripper.avgLatency rule, or Builder.slowCallThreshold, "
            + "turns them on)";

    static int index(boolean timed, long[] thresholds, Duration threshold) {
        if (!timed) {
            throw new IllegalStateException(NOT_MEASURED);
        }
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
