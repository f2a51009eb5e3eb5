package dev.fluxgate.internal;

import dev.fluxgate.Metrics;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** An immutable copy of a breaker's window figures and lifetime counters. */
public final class MetricsSnapshot implements Metrics {

    /**
     * The lifetime counters, copied at the moment of the snapshot.
     *
     * @param successes successful calls since the breaker was built
     * @param failures tracked failures since the breaker was built
     * @param ignored errors the tracker did not count
     * @param rejected calls rejected with {@code CallNotPermittedException}
     * @param stale outcomes that arrived after the breaker had moved to a new generation
     * @param transitions state transitions since the breaker was built
     * @param probesInUse half-open probes in flight now
     * @param timeInStateNanos how long the breaker has been in its current state, in nanoseconds
     */
    public record Lifetime(long successes, long failures, long ignored, long rejected, long stale, long transitions,
            int probesInUse, long timeInStateNanos) {

        /** All zero: for windows no breaker owns yet. */
        public static final Lifetime ZERO = new Lifetime(0, 0, 0, 0, 0, 0, 0, 0);
    }

    private final int calls;
    private final int failures;
    private final long[] thresholds;
    private final int[] slow;
    private final boolean measured;
    /** -1 when empty or not measured. */
    private final long averageNanos;
    private final int streak;
    private final Lifetime lifetime;
    private final double effectiveCalls;
    private final double effectiveFailures;
    /** The weighted slow calls per threshold (a decaying window), or null when they are the whole counts in {@code slow}. */
    /** The weighted slow-call sums of a decaying window; null for a window of whole counts. */
    private final double @Nullable [] effectiveSlow;

    MetricsSnapshot(int calls, int failures, long[] thresholds, int[] slow, boolean measured, long averageNanos,
            int streak, Lifetime lifetime, double effectiveCalls, double effectiveFailures, double @Nullable [] effectiveSlow) {
        this.effectiveCalls = effectiveCalls;
        this.effectiveFailures = effectiveFailures;
        this.effectiveSlow = effectiveSlow;
        this.calls = calls;
        this.failures = failures;
        this.thresholds = thresholds;
        this.slow = slow;
        this.measured = measured;
        this.averageNanos = averageNanos;
        this.streak = streak;
        this.lifetime = lifetime;
    }

    @Override
    public int calls() {
        return calls;
    }

    @Override
    public int failures() {
        return failures;
    }

    @Override
    public int slowCalls(Duration threshold) {
        return slow[WindowStore.index(measured, thresholds, threshold)];
    }

    @Override
    public double effectiveCalls() {
        return effectiveCalls;
    }

    @Override
    public double failureRate() {
        return effectiveCalls == 0 ? Double.NaN : effectiveFailures / effectiveCalls;
    }

    @Override
    public double slowRate(Duration threshold) {
        int i = WindowStore.index(measured, thresholds, threshold); // first: fails even when empty
        if (effectiveCalls == 0) {
            return Double.NaN;
        }
        return (effectiveSlow == null ? slow[i] : effectiveSlow[i]) / effectiveCalls;
    }

    @Override
    public Optional<Duration> averageDuration() {
        return averageNanos < 0 ? Optional.empty() : Optional.of(Duration.ofNanos(averageNanos));
    }

    @Override
    public boolean durationsMeasured() {
        return measured;
    }

    @Override
    public int consecutiveFailures() {
        return streak;
    }

    @Override
    public long successfulCalls() {
        return lifetime.successes();
    }

    @Override
    public long failedCalls() {
        return lifetime.failures();
    }

    @Override
    public long ignoredCalls() {
        return lifetime.ignored();
    }

    @Override
    public long rejectedCalls() {
        return lifetime.rejected();
    }

    @Override
    public long staleCalls() {
        return lifetime.stale();
    }

    @Override
    public long transitions() {
        return lifetime.transitions();
    }

    @Override
    public int probesInUse() {
        return lifetime.probesInUse();
    }

    @Override
    public Duration timeInState() {
        return Duration.ofNanos(lifetime.timeInStateNanos());
    }

    @Override
    public String toString() {
        boolean weighted = effectiveSlow != null; // a decaying window: show the real sums
        String c = weighted ? String.format(Locale.ROOT, "%.2f", effectiveCalls) : Integer.toString(calls);
        String f = weighted ? String.format(Locale.ROOT, "%.2f", effectiveFailures) : Integer.toString(failures);
        return String.format(Locale.ROOT, "Metrics[calls=%s, failures=%s, failureRate=%.3f, streak=%d, avg=%s, "
                + "rejected=%d, transitions=%d]", c, f, failureRate(), streak, !measured ? "not measured"
                        : averageNanos < 0 ? "none" : Duration.ofNanos(averageNanos),
                lifetime.rejected(), lifetime.transitions());
    }
}
