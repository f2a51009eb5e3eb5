package dev.fluxgate.internal;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

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
    /** Tracked failures in the window. */
    protected int failures;
    /** Calls in the window slower than each threshold, by threshold index. */
    protected final int[] slow;
    /** Sum of the durations of the calls in the window, in nanoseconds (0 for an untimed store). */
    protected long totalDurationNanos;
    private int streak;
    /** Whether this store keeps durations; an untimed one records every call as taking 0. */
    private final boolean timed;

    /**
     * An empty store.
     *
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

    /**
     * Whether this store keeps durations (then {@link #averageDuration()} and slow calls mean something).
     *
     * @return whether durations are kept
     */
    public final boolean timed() {
        return timed;
    }

    /**
     * Records {@code n} untimed successes at once (a drained buffer).
     *
     * @param nowNanos the ticker now
     * @param n the number of successes
     */
    public final void recordSuccesses(long nowNanos, int n) {
        if (n > 0) {
            streak = 0;
            add(nowNanos, false, 0, 0, n);
        }
    }

    /**
     * Whether recording one more untimed success (duration 0) would leave every figure this store
     * reports unchanged. False unless a subclass knows better.
     *
     * @return whether a success may be dropped without changing any figure
     */
    public boolean absorbsSuccess() {
        return false;
    }

    /**
     * Expires what has aged out as of {@code nowNanos}; a no-op for count windows.
     *
     * @param nowNanos the ticker now
     */
    public abstract void roll(long nowNanos);

    /**
     * Whether this window needs the ticker to place a record.
     *
     * @return true for a time window
     */
    public abstract boolean needsTime();

    /** Forgets everything, including the failure streak. */
    public void clear() {
        calls = 0;
        failures = 0;
        Arrays.fill(slow, 0);
        totalDurationNanos = 0;
        streak = 0;
    }

    /**
     * Puts {@code n} calls with the same outcome into the window at {@code nowNanos}, evicting what they
     * push out.
     *
     * @param nowNanos the ticker now
     * @param failure whether the calls were tracked failures
     * @param durationNanos the duration of each call (already 0 for an untimed store)
     * @param slowMask bit i set when the calls are slow for threshold i
     * @param n the number of calls
     */
    protected abstract void add(long nowNanos, boolean failure, long durationNanos, int slowMask, int n);

    private int slowMask(long durationNanos) {
        int mask = 0;
        for (int i = 0; i < thresholds.length && durationNanos >= thresholds[i]; i++) {
            mask |= 1 << i;
        }
        return mask;
    }

    /**
     * Adds ({@code sign} 1) or takes out ({@code sign} -1) {@code n} calls in the window totals.
     *
     * @param failure whether the calls were tracked failures
     * @param durationNanos the total duration to add or take out
     * @param slowMask bit i set when the calls are slow for threshold i
     * @param n the number of calls
     * @param sign 1 to add, -1 to take out
     */
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

    /** {@return the calls in the window} */
    public final int calls() {
        return calls;
    }

    /** {@return the tracked failures in the window} */
    public final int failures() {
        return failures;
    }

    /** {@return the tracked failures in a row, most recent last} */
    public final int streak() {
        return streak;
    }

    /** {@return the sum of the durations of the calls in the window, in nanoseconds} */
    public final long totalDurationNanos() {
        return totalDurationNanos;
    }

    /**
     * The slow calls for {@code threshold}, which must be one of the tracked thresholds.
     *
     * @param threshold one of the tracked thresholds
     * @return the slow calls in the window
     * @throws IllegalStateException if this store does not keep durations
     * @throws IllegalArgumentException if {@code threshold} is not tracked
     */
    public final int slowCalls(Duration threshold) {
        return slow[index(timed, thresholds, threshold)];
    }

    /**
     * The mean duration of the calls held, or empty when there are none or the store keeps no durations.
     *
     * @return the mean duration, or empty
     */
    public final Optional<Duration> averageDuration() {
        long avg = averageNanos();
        return avg < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(avg));
    }

    /**
     * The mean duration in nanoseconds, or -1 when there are no calls or the store keeps no durations.
     *
     * @return the mean duration in nanoseconds, or -1
     */
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

    /**
     * Copies the figures into an immutable snapshot, adding the breaker's lifetime counters.
     *
     * @param lifetime the breaker's lifetime counters
     * @return a snapshot that does not change afterwards
     */
    public final MetricsSnapshot snapshot(MetricsSnapshot.Lifetime lifetime) {
        double @Nullable [] effectiveSlow = null;
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
