package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Listeners get what they ask for without changing how the window records (regressions). */
class CallListenerCostTest {

    private final TestTicker ticker = new TestTicker();

    @Test
    void aRejectionOnlyListenerDoesNotTurnOnTheClock() {
        CircuitBreaker cb = CircuitBreaker.builder("r").ticker(ticker).build();
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition transition) {
            }

            @Override
            public void onRejected(CircuitBreaker breaker, State state) {
            }
        });
        assertThat(cb.isTimed()).isFalse();
    }

    @Test
    void aDurationListenerGetsDurationsButTheUntimedWindowKeepsNone() {
        List<Long> heard = new ArrayList<>();
        CircuitBreaker cb = CircuitBreaker.builder("d").ticker(ticker).window(Window.count(3)).build();
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition transition) {
            }

            @Override
            public void onSuccess(CircuitBreaker breaker, long durationNanos) {
                heard.add(durationNanos);
            }
        });
        for (int i = 0; i < 10; i++) {
            cb.run(() -> ticker.advanceMillis(7));
        }
        assertThat(heard).hasSize(10).containsOnly(Duration.ofMillis(7).toNanos());
        assertThat(cb.metrics().calls()).isEqualTo(3);
        assertThat(cb.metrics().durationsMeasured()).isFalse();
        assertThat(cb.metrics().averageDuration()).as("not measured, rather than a zero").isEmpty();
        assertThat(cb.metrics().successfulCalls()).isEqualTo(10);
    }

    @Test
    void slowCallThresholdsListsTheRulesAndTheSettingsAscending() {
        CircuitBreaker cb = CircuitBreaker.builder("s")
                .tripper(Tripper.minRequests(5).and(Tripper.slowRate(0.5, Duration.ofSeconds(2))))
                .slowCallThreshold(Duration.ofMillis(500)).slowCallThreshold(Duration.ofSeconds(2))
                .build();
        assertThat(cb.slowCallThresholds()).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(2));
        assertThat(CircuitBreaker.ofDefaults("none").slowCallThresholds()).isEmpty();
    }
}
