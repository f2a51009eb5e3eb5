package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Values exactly at a limit: a breaker's own latency view at its threshold, the largest settings
 * that are still allowed, and rule text that ends where an operator or a number gets too long.
 */
class ThresholdEdgesTest {

    @Test
    void aBreakerTripsWhenItsAverageLatencyReachesTheThresholdExactly() throws Exception {
        TestTicker ticker = new TestTicker();
        CircuitBreaker cb = CircuitBreaker.builder("latency").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.avgLatency(Duration.ofMillis(100))).build();

        cb.call(() -> {
            ticker.advance(Duration.ofMillis(100).minusNanos(1));
            return "just under";
        });
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        cb.call(() -> {
            ticker.advance(Duration.ofMillis(100).plusNanos(1)); // the average is now exactly 100 ms
            return "at the threshold";
        });

        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aSlowRateOnEitherSideOfACompositeRuleGetsItsThresholdMeasured() throws Exception {
        Duration slow = Duration.ofMillis(100);
        for (Tripper rule : new Tripper[] {Tripper.slowRate(0.5, slow).or(Tripper.failureStreak(100)),
            Tripper.failureStreak(100).or(Tripper.slowRate(0.5, slow)),
            Tripper.not(Tripper.not(Tripper.slowRate(0.5, slow)))}) {
            TestTicker ticker = new TestTicker();
            CircuitBreaker cb = CircuitBreaker.builder("slow").ticker(ticker).tripper(rule).build();
            assertThat(cb.slowCallThresholds()).as("%s", rule).containsExactly(slow);

            cb.call(() -> {
                ticker.advance(Duration.ofMillis(200));
                return "slow";
            });

            assertThat(cb.state()).as("%s", rule).isEqualTo(State.OPEN);
        }
    }

    @Test
    void theLargestSettingsThatAreAllowedBuild() {
        CircuitBreaker.Builder b = CircuitBreaker.builder("limits")
                .maxHalfOpenCalls(CircuitBreaker.Builder.MAX_HALF_OPEN_CALLS)
                .permit(Permit.random(1.0));
        for (int i = 1; i <= 30; i++) {
            b.slowCallThreshold(Duration.ofMillis(i));
        }
        CircuitBreaker cb = b.build();
        assertThat(cb.slowCallThresholds()).hasSize(30);
        assertThat(cb.configuration()).containsEntry("permit", "Permit.random(1.0)");
    }

    @Test
    void ruleTextEndingInAnOperatorSaysWhereARuleWasExpected() {
        for (String text : new String[] {"closed() &", "closed() |", "closed()&", "closed()|"}) {
            assertThatThrownBy(() -> Tripper.parse(text)).as(text).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("at position " + (text.length() + 1) + ": expected a rule (")
                    .hasMessageContaining("but found end of text");
        }
    }

    @Test
    void aDurationOfTwoToTheSixtySecondSecondsIsTooLongAndSaysSo() {
        String text = "avgLatency(4611686018427387904s)"; // 2^62 s: fits a long, not a Duration of nanoseconds
        assertThatThrownBy(() -> Tripper.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("at position 12: avgLatency threshold must be a positive duration of at most ")
                .hasMessageContaining("(292 years)");
    }

    @Test
    void aOneMillisecondThresholdReadsInSeconds() {
        assertThat(Tripper.avgLatency(Duration.ofMillis(1))).hasToString("avgLatency(0.001s)");
        assertThat(Tripper.parse("avgLatency(0.001s)")).isEqualTo(Tripper.avgLatency(Duration.ofMillis(1)));
    }
}
