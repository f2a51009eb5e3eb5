package dev.fluxgate;

import java.time.Duration;

/** Fixed window figures for asking a tripper directly; every lifetime counter is zero. */
record WindowFigures(int calls, int failures, int slow, Duration averageDuration, int consecutiveFailures)
        implements Metrics {

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
