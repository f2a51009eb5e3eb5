package dev.fluxgate;

import java.time.Duration;
import java.util.Optional;

/**
 * Fixed window figures for asking a tripper directly; durations measured, {@code mean} the average of a
 * non-empty window; every lifetime counter is zero.
 */
record WindowFigures(int calls, int failures, int slow, Duration mean, int consecutiveFailures)
        implements Metrics {

    @Override
    public boolean durationsMeasured() {
        return true;
    }

    @Override
    public Optional<Duration> averageDuration() {
        return calls == 0 ? Optional.empty() : Optional.of(mean);
    }

    @Override
    public int slowCalls(Duration threshold) {
        return slow;
    }

    @Override
    public long successfulCalls() {
        return 0;
    }

    @Override
    public long failedCalls() {
        return 0;
    }

    @Override
    public long ignoredCalls() {
        return 0;
    }

    @Override
    public long rejectedCalls() {
        return 0;
    }

    @Override
    public long staleCalls() {
        return 0;
    }

    @Override
    public long transitions() {
        return 0;
    }

    @Override
    public int probesInUse() {
        return 0;
    }

    @Override
    public Duration timeInState() {
        return Duration.ZERO;
    }
}
