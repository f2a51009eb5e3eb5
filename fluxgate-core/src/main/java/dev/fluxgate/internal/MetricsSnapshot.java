package dev.fluxgate.internal;

import dev.fluxgate.Metrics;
import java.time.Duration;
import java.util.Locale;

/** An immutable copy of a breaker's window figures and lifetime counters. */
public final class MetricsSnapshot implements Metrics {

    /** The lifetime counters, copied at the moment of the snapshot. */
    public record Lifetime(long successes, long failures, long ignored, long rejected, long stale, long transitions,
            int probesInUse, long timeInStateNanos) {

        /** All zero: for windows no breaker owns yet. */
        public static final Lifetime ZERO = new Lifetime(0, 0, 0, 0, 0, 0, 0, 0);
    }

    private final int calls;
    private final int failures;
    private final long[] thresholds;
    private final int[] slow;
    private final Duration averageDuration;
    private final int streak;
    private final Lifetime lifetime;

    MetricsSnapshot(int calls, int failures, long[] thresholds, int[] slow, Duration averageDuration, int streak,
            Lifetime lifetime) {
        this.calls = calls;
        this.failures = failures;
        this.thresholds = thresholds;
        this.slow = slow;
        this.averageDuration = averageDuration;
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
        return slow[WindowStore.index(thresholds, threshold)];
    }

    @Override
    public Duration averageDuration() {
        return averageDuration;
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
        return String.format(Locale.ROOT, "Metrics[calls=%d, failures=%d, failureRate=%.3f, streak=%d, avg=%s, "
                + "rejected=%d, transitions=%d]", calls, failures, failureRate(), streak, averageDuration,
                lifetime.rejected(), lifetime.transitions());
    }
}
