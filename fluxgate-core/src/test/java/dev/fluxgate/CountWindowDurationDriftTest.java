package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Regression: a count window built for a breaker that did not need durations kept adding reported
 * durations to its total but subtracted nothing when calls were evicted, so {@code averageDuration()}
 * grew without bound once a listener with call events (a meter) made the breaker time its calls, or a
 * permit-API caller reported durations. Now an untimed window's average stays zero, and a timed one's
 * is the mean of the calls it holds.
 */
class CountWindowDurationDriftTest {

    @Test
    void averageDurationOfAnEvictingCountWindowStaysTheMeanOfTheCallsItHolds() throws Exception {
        AtomicLong now = new AtomicLong();
        CircuitBreaker cb = CircuitBreaker.builder("drift")
                .window(Window.count(2))
                .tripper(Tripper.failureStreak(100))
                .ticker(now::get)
                .listener(new Listener() {
                    @Override
                    public void onTransition(Transition transition) {
                    }

                    @Override
                    public void onSuccess(CircuitBreaker breaker, long durationNanos) {
                    }
                })
                .build();

        for (int i = 0; i < 5; i++) {
            cb.call(() -> now.addAndGet(Duration.ofSeconds(1).toNanos()));
        }

        assertThat(cb.metrics().calls()).isEqualTo(2);
        assertThat(cb.metrics().averageDuration()).as("untimed configuration: not measured").isEmpty();
    }

    @Test
    void averageDurationOfATimedEvictingCountWindowIsTheMeanOfTheCallsItHolds() throws Exception {
        AtomicLong now = new AtomicLong();
        CircuitBreaker cb = CircuitBreaker.builder("drift")
                .window(Window.count(2))
                .tripper(Tripper.failureStreak(100))
                .slowCallThreshold(Duration.ofSeconds(5))
                .ticker(now::get)
                .build();

        for (int i = 1; i <= 5; i++) {
            long seconds = i;
            cb.call(() -> now.addAndGet(Duration.ofSeconds(seconds).toNanos()));
        }

        assertThat(cb.metrics().calls()).isEqualTo(2);
        assertThat(cb.metrics().averageDuration()).contains(Duration.ofMillis(4_500));
    }

    @Test
    void durationsReportedThroughThePermitApiLeaveWithTheCallsTheyBelongTo() {
        CircuitBreaker cb = CircuitBreaker.builder("drift")
                .window(Window.count(1))
                .tripper(Tripper.failureStreak(100))
                .ticker(() -> 0L)
                .build();

        cb.recordError(cb.acquirePermission(), Duration.ofSeconds(7).toNanos(), new java.io.IOException());
        cb.recordError(cb.acquirePermission(), Duration.ofSeconds(1).toNanos(), new java.io.IOException());

        assertThat(cb.metrics().averageDuration()).as("untimed configuration: not measured").isEmpty();
    }
}
