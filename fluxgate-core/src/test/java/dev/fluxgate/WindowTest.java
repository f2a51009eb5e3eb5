package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.internal.CountWindow;
import dev.fluxgate.internal.TimeWindow;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WindowTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void countWindowKeepsOnlyTheLastSizeCalls() {
        CountWindow w = new CountWindow(3, new long[0]);
        w.record(0, true, 0);
        w.record(0, true, 0);
        w.record(0, false, 0);
        assertThat(w.calls()).isEqualTo(3);
        assertThat(w.failures()).isEqualTo(2);
        w.record(0, false, 0); // evicts the first failure
        assertThat(w.calls()).isEqualTo(3);
        assertThat(w.failures()).isEqualTo(1);
        w.recordSuccesses(0, 10); // a batch larger than the ring
        assertThat(w.calls()).isEqualTo(3);
        assertThat(w.failures()).isZero();
    }

    @Test
    void countWindowTracksSlowCallsAndDurationsThroughEviction() {
        CountWindow w = new CountWindow(2, new long[] {100, 200});
        w.record(0, false, 250);
        w.record(0, false, 150);
        assertThat(w.slowCalls(Duration.ofNanos(100))).isEqualTo(2);
        assertThat(w.slowCalls(Duration.ofNanos(200))).isEqualTo(1);
        assertThat(w.averageDuration()).contains(Duration.ofNanos(200));
        w.record(0, false, 100); // evicts the 250 ns call; 100 is slow for ">= 100"
        assertThat(w.slowCalls(Duration.ofNanos(100))).isEqualTo(2);
        assertThat(w.slowCalls(Duration.ofNanos(200))).isZero();
        assertThat(w.averageDuration()).contains(Duration.ofNanos(125));
        assertThatThrownBy(() -> w.slowCalls(Duration.ofNanos(300))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not tracked");
    }

    @Test
    void anUntimedCountWindowIgnoresReportedDurationsSoNothingDrifts() {
        CountWindow w = new CountWindow(2, new long[0], false);
        for (int i = 0; i < 10; i++) {
            w.record(0, false, 1_000_000);
        }
        assertThat(w.totalDurationNanos()).isZero();
        assertThat(w.averageDuration()).as("not measured").isEmpty();
        assertThat(w.calls()).isEqualTo(2);
    }

    @Test
    void streakCountsTrackedFailuresInARowAndASuccessEndsIt() {
        CountWindow w = new CountWindow(10, new long[0]);
        w.record(0, true, 0);
        w.record(0, true, 0);
        assertThat(w.streak()).isEqualTo(2);
        w.record(0, false, 0);
        assertThat(w.streak()).isZero();
    }

    @Test
    void timeWindowExpiresWholeBucketsOnRead() {
        TimeWindow w = new TimeWindow(10 * SECOND, SECOND, new long[0]);
        w.record(0, true, 0);
        w.record(SECOND / 2, false, 0);
        w.record(5 * SECOND, true, 0);
        w.roll(9 * SECOND + SECOND / 2);
        assertThat(w.calls()).isEqualTo(3);
        w.roll(10 * SECOND); // bucket [0, 1s) leaves the window
        assertThat(w.calls()).isEqualTo(1);
        assertThat(w.failures()).isEqualTo(1);
        w.roll(3600 * SECOND); // an idle hour leaves nothing behind
        assertThat(w.calls()).isZero();
        assertThat(w.failures()).isZero();
    }

    @Test
    void timeWindowAcceptsNegativeTickerReadings() {
        TimeWindow w = new TimeWindow(2 * SECOND, SECOND, new long[0]);
        w.record(-3 * SECOND, true, 0);
        w.record(-2 * SECOND, true, 0);
        w.roll(-SECOND);
        assertThat(w.calls()).isEqualTo(1);
    }

    @Test
    void timeWindowDropsARecordOlderThanTheSpan() {
        TimeWindow w = new TimeWindow(2 * SECOND, SECOND, new long[0]);
        w.record(10 * SECOND, false, 0);
        w.record(5 * SECOND, true, 0); // a lagging thread's reading, already outside the window
        assertThat(w.calls()).isEqualTo(1);
        assertThat(w.failures()).isZero();
    }

    @Test
    void timeWindowFactoryPicksSixtyBucketsAndValidates() {
        assertThat(Window.time(Duration.ofSeconds(60)).bucket()).isEqualTo(Duration.ofSeconds(1));
        assertThat(Window.time(Duration.ofMillis(500), Duration.ofMillis(100)).bucket()).isEqualTo(Duration.ofMillis(100));
        assertThat(Window.count(100)).hasToString("count(100)");
        assertThat(Window.time(Duration.ofSeconds(1))).hasToString("time(1s)");
        assertThat(Window.time(Duration.ofMinutes(1), Duration.ofMillis(250))).hasToString("time(1m, 0.25s)");
        assertThatThrownBy(() -> Window.count(0)).hasMessageContaining("window size must be >= 1");
        assertThatThrownBy(() -> Window.time(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                .hasMessageContaining("window bucket must be <= span");
        assertThatThrownBy(() -> Window.time(Duration.ofHours(1), Duration.ofMillis(1)))
                .hasMessageContaining("<= 10000 buckets");
        assertThatThrownBy(() -> Window.time(Duration.ofSeconds(-1))).hasMessageContaining("window span");
    }

    @Test
    void breakerTimeWindowForgetsFailuresAfterAnIdleSpan() {
        TestTicker ticker = new TestTicker();
        CircuitBreaker cb = CircuitBreaker.builder("tw").ticker(ticker)
                .window(Window.time(Duration.ofSeconds(10)))
                .tripper(Tripper.minRequests(5).and(Tripper.failureRate(0.5)))
                .build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        assertThat(cb.metrics().failures()).isEqualTo(4);
        ticker.advance(Duration.ofSeconds(11));
        assertThat(cb.metrics().calls()).isZero();
        fail(cb); // one failure in a fresh window: 1 call, not enough to trip
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    static void fail(CircuitBreaker cb) {
        try {
            cb.run(() -> {
                throw new IllegalStateException("boom");
            });
        } catch (IllegalStateException expected) {
            // the task's own exception
        }
    }
}
