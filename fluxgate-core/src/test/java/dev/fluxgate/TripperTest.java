package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TripperTest {

    static WindowFigures window(int calls, int failures) {
        return new WindowFigures(calls, failures, 0, Duration.ZERO, 0);
    }

    @Test
    void failureRateFiresAtExactlyTheThreshold() {
        Tripper t = Tripper.failureRate(0.5);
        assertThat(t.shouldTrip(State.CLOSED, window(10, 5))).isTrue();
        assertThat(t.shouldTrip(State.CLOSED, window(10, 4))).isFalse();
        assertThat(Tripper.failureRate(0.3).shouldTrip(State.CLOSED, window(10, 3))).isTrue();
        assertThat(Tripper.failureRate(0.1).shouldTrip(State.CLOSED, window(10, 1))).isTrue();
    }

    @Test
    void rateRulesNeverFireOnAnEmptyWindow() {
        WindowFigures empty = window(0, 0);
        assertThat(empty.failureRate()).isNaN();
        assertThat(Tripper.failureRate(0.01).shouldTrip(State.CLOSED, empty)).isFalse();
        assertThat(Tripper.slowRate(0.01, Duration.ofMillis(1)).shouldTrip(State.CLOSED, empty)).isFalse();
        assertThat(Tripper.avgLatency(Duration.ofNanos(1)).shouldTrip(State.CLOSED, empty)).isFalse();
    }

    @Test
    void minRequestsCountsCallsWithGreaterOrEqual() {
        assertThat(Tripper.minRequests(10).shouldTrip(State.CLOSED, window(10, 0))).isTrue();
        assertThat(Tripper.minRequests(10).shouldTrip(State.CLOSED, window(9, 9))).isFalse();
    }

    @Test
    void slowRateStreakAndLatencyCompareWithGreaterOrEqual() {
        Duration t = Duration.ofMillis(100);
        assertThat(Tripper.slowRate(0.5, t).shouldTrip(State.CLOSED, new WindowFigures(4, 0, 2, Duration.ZERO, 0))).isTrue();
        assertThat(Tripper.slowRate(0.5, t).shouldTrip(State.CLOSED, new WindowFigures(4, 0, 1, Duration.ZERO, 0))).isFalse();
        assertThat(Tripper.failureStreak(3).shouldTrip(State.CLOSED, new WindowFigures(3, 3, 0, Duration.ZERO, 3))).isTrue();
        assertThat(Tripper.failureStreak(3).shouldTrip(State.CLOSED, new WindowFigures(3, 2, 0, Duration.ZERO, 2))).isFalse();
        assertThat(Tripper.avgLatency(t).shouldTrip(State.CLOSED, new WindowFigures(1, 0, 0, t, 0))).isTrue();
        assertThat(Tripper.avgLatency(t).shouldTrip(State.CLOSED, new WindowFigures(1, 0, 0, t.minusNanos(1), 0))).isFalse();
    }

    @Test
    void stateRulesSelectTheState() {
        Tripper rule = Tripper.closed().and(Tripper.failureRate(0.5))
                .or(Tripper.halfOpened().and(Tripper.failureRate(0.3)));
        WindowFigures fortyPercent = window(10, 4);
        assertThat(rule.shouldTrip(State.CLOSED, fortyPercent)).isFalse();
        assertThat(rule.shouldTrip(State.HALF_OPEN, fortyPercent)).isTrue();
    }

    @Test
    void notAndNegateInvert() {
        Tripper t = Tripper.minRequests(5);
        assertThat(Tripper.not(t).shouldTrip(State.CLOSED, window(4, 0))).isTrue();
        assertThat(t.negate().negate()).isSameAs(t);
    }

    @Test
    void toStringPrintsTheRuleAsTheFactoriesWriteIt() {
        Tripper rule = Tripper.minRequests(10).and(
                Tripper.closed().and(Tripper.failureRate(0.5)).or(Tripper.halfOpened().and(Tripper.failureRate(0.3))));
        assertThat(rule).hasToString(
                "minRequests(10) and ((closed() and failureRate(0.5)) or (halfOpened() and failureRate(0.3)))");
        assertThat(Tripper.slowRate(0.8, Duration.ofMillis(250))).hasToString("slowRate(0.8, 0.25s)");
        assertThat(Tripper.avgLatency(Duration.ofNanos(2_182_050_944L))).hasToString("avgLatency(2.182050944s)");
        assertThat(Tripper.avgLatency(Duration.ofNanos(500))).hasToString("avgLatency(500ns)");
    }

    @Test
    void explainSaysEachRuleInWordsWithItsFigures() {
        Duration slow = Duration.ofNanos(2_182_050_944L);
        WindowFigures m = new WindowFigures(4, 2, 2, Duration.ofSeconds(3), 1);
        assertThat(Tripper.slowRate(0.5, slow).explain(State.CLOSED, m)).isEqualTo("slowRate(2.182050944s) >= 0.5 (0.50 of 4 calls)");
        assertThat(Tripper.avgLatency(slow).explain(State.CLOSED, m)).isEqualTo("avgLatency >= 2.182050944s (3s over 4 calls)");
        Tripper a = Tripper.minRequests(1);
        assertThat(a.and(a.and(Tripper.failureRate(0.5))).explain(State.CLOSED, m))
                .as("an explanation is read, not parsed: no brackets in a chain of one kind")
                .isEqualTo("minRequests(1) and minRequests(1) and failureRate >= 0.5 (0.50 of 4 calls)");
    }

    @Test
    void explainGivesTheFiguresOfTheRuleThatFired() {
        Tripper rule = Tripper.minRequests(10).and(Tripper.failureRate(0.5));
        assertThat(rule.explain(State.CLOSED, window(100, 62)))
                .isEqualTo("minRequests(10) and failureRate >= 0.5 (0.62 of 100 calls)");
        Tripper either = Tripper.failureStreak(5).or(Tripper.failureRate(0.9));
        assertThat(either.explain(State.CLOSED, new WindowFigures(20, 5, 0, Duration.ZERO, 5)))
                .isEqualTo("failureStreak(5) (5 in a row)");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.1, 1.0001, Double.NaN, Double.POSITIVE_INFINITY})
    void ratiosOutsideZeroToOneAreRejectedWithTheirRange(double ratio) {
        assertThatThrownBy(() -> Tripper.failureRate(ratio)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("failureRate ratio").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> Tripper.slowRate(ratio, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slowRate ratio");
    }

    @Test
    void countsAndDurationsAreValidated() {
        assertThatThrownBy(() -> Tripper.minRequests(0)).hasMessageContaining("minRequests n must be >= 1");
        assertThatThrownBy(() -> Tripper.failureStreak(-1)).hasMessageContaining("failureStreak n must be >= 1");
        assertThatThrownBy(() -> Tripper.avgLatency(Duration.ZERO)).hasMessageContaining("avgLatency threshold");
        assertThatThrownBy(() -> Tripper.slowRate(0.5, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("slowRate threshold");
        assertThatThrownBy(() -> Tripper.not(null)).isInstanceOf(NullPointerException.class);
    }
}
