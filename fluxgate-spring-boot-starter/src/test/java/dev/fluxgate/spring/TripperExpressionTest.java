package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Tripper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TripperExpressionTest {

    @Test
    void andBindsTighterThanOrAndNotTighterThanAnd() {
        assertThat(TripperExpression.parse("failureStreak(3) or minRequests(10) and failureRate(0.5)"))
                .hasToString(Tripper.failureStreak(3).or(Tripper.minRequests(10).and(Tripper.failureRate(0.5)))
                        .toString());
        assertThat(TripperExpression.parse("not closed() and failureRate(0.5)"))
                .hasToString(Tripper.not(Tripper.closed()).and(Tripper.failureRate(0.5)).toString());
    }

    @Test
    void parenthesesSymbolsAndDurationsParse() {
        Tripper expected = Tripper.minRequests(10).and(Tripper.failureRate(0.5)
                .or(Tripper.slowRate(0.8, Duration.ofSeconds(2))).or(Tripper.avgLatency(Duration.ofMillis(500))));
        assertThat(TripperExpression.parse("minRequests(10) & (failureRate(0.5) | slowRate(0.8, 2s) || avgLatency(PT0.5S))"))
                .hasToString(expected.toString());
        assertThat(TripperExpression.parse("~halfOpened() && failureStreak(2)"))
                .hasToString(Tripper.halfOpened().negate().and(Tripper.failureStreak(2)).toString());
    }

    @Test
    void errorsSayWhereAndWhat() {
        assertThatThrownBy(() -> TripperExpression.parse("failureRate(0.5) and")).hasMessageContaining("expected a rule")
                .hasMessageContaining("the end");
        assertThatThrownBy(() -> TripperExpression.parse("failureRate(0.5) failureStreak(2)"))
                .hasMessageContaining("expected 'and', 'or' or the end").hasMessageContaining("position 18");
        assertThatThrownBy(() -> TripperExpression.parse("(failureRate(0.5)")).hasMessageContaining("expected ')'");
        assertThatThrownBy(() -> TripperExpression.parse("slowRate(0.5)")).hasMessageContaining("takes 2 argument(s)");
        assertThatThrownBy(() -> TripperExpression.parse("failureRate(2)")).hasMessageContaining("(0, 1]")
                .hasMessageContaining("position 1");
        assertThatThrownBy(() -> TripperExpression.parse("avgLatency(soon)")).hasMessageContaining("a duration");
        assertThatThrownBy(() -> TripperExpression.parse("minRequests(1.5)")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> TripperExpression.parse("failureRate(0.5) ; x")).hasMessageContaining("unexpected ';'");
        assertThatThrownBy(() -> TripperExpression.parse("  ")).hasMessageContaining("empty");
    }
}
