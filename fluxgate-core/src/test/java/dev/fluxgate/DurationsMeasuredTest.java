package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Regression: an untimed window reported {@code averageDuration()} zero while a Micrometer timer of
 * the same breaker showed 150 ms. A window that keeps no durations now says "not measured": the
 * average is empty, slow-call figures throw, and the text forms print "not measured".
 */
class DurationsMeasuredTest {

    private static final Duration SLOW = Duration.ofMillis(100);

    private final TestTicker ticker = new TestTicker();

    private void callTaking(CircuitBreaker cb, Duration d) {
        cb.run(() -> ticker.advance(d));
    }

    @Test
    void anUntimedWindowSaysItsDurationsAreNotMeasuredInsteadOfZero() {
        CircuitBreaker cb = CircuitBreaker.builder("untimed").ticker(ticker).build();
        callTaking(cb, Duration.ofMillis(150));
        Metrics m = cb.metrics();
        assertThat(m.calls()).isEqualTo(1);
        assertThat(m.durationsMeasured()).isFalse();
        assertThat(m.averageDuration()).isEmpty();
        assertThatThrownBy(() -> m.slowRate(SLOW)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not measured").hasMessageContaining("slowCallThreshold");
        assertThatThrownBy(() -> m.slowCalls(SLOW)).isInstanceOf(IllegalStateException.class);
        assertThat(m.toString()).contains("avg=not measured");
        assertThat(HealthReport.of(List.of(cb), List.of()).toJson()).contains("\"averageDuration\":\"not measured\"");
    }

    @Test
    void anEmptyUntimedWindowStillSaysNotMeasuredRatherThanNaN() {
        Metrics m = CircuitBreaker.builder("untimed").ticker(ticker).build().metrics();
        assertThat(m.averageDuration()).isEmpty();
        assertThatThrownBy(() -> m.slowRate(SLOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTimedWindowHasNoAverageWhileEmptyAsItsRatesAreNaN() {
        CircuitBreaker cb = CircuitBreaker.builder("timed").ticker(ticker).slowCallThreshold(SLOW).build();
        Metrics empty = cb.metrics();
        assertThat(empty.durationsMeasured()).isTrue();
        assertThat(empty.averageDuration()).isEmpty();
        assertThat(empty.slowRate(SLOW)).isNaN();
        assertThat(empty.slowCalls(SLOW)).isZero();
        assertThat(empty.toString()).contains("avg=none");
        assertThat(HealthReport.of(List.of(cb), List.of()).toJson()).contains("\"averageDuration\":null");

        callTaking(cb, Duration.ofMillis(150));
        callTaking(cb, Duration.ofMillis(50));
        Metrics m = cb.metrics();
        assertThat(m.averageDuration()).contains(SLOW);
        assertThat(m.slowRate(SLOW)).isEqualTo(0.5);
        assertThat(m.toString()).contains("avg=PT0.1S");
        assertThat(HealthReport.of(List.of(cb), List.of()).breakers().get(0).averageDuration()).contains(SLOW);
        assertThat(HealthReport.of(List.of(cb), List.of()).toJson()).contains("\"averageDuration\":\"PT0.1S\"");
        assertThatThrownBy(() -> m.slowRate(Duration.ofSeconds(3))).as("a threshold the breaker does not track")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void avgLatencyMakesTheWindowTimedAndStillTrips() {
        List<Transition> transitions = new CopyOnWriteArrayList<>();
        CircuitBreaker cb = CircuitBreaker.builder("latency").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.minRequests(2).and(Tripper.avgLatency(SLOW))).listener(transitions::add).build();
        callTaking(cb, Duration.ofMillis(60));
        assertThat(cb.metrics().durationsMeasured()).isTrue();
        assertThat(cb.metrics().averageDuration()).contains(Duration.ofMillis(60));
        callTaking(cb, Duration.ofMillis(139));
        assertThat(cb.state()).as("mean 99.5 ms").isEqualTo(State.CLOSED);
        callTaking(cb, Duration.ofMillis(101));
        assertThat(cb.state()).as("mean 100 ms").isEqualTo(State.OPEN);
        assertThat(transitions.get(0).reason()).isEqualTo("minRequests(2) and avgLatency >= 0.1s (0.1s over 3 calls)");
    }

    @Test
    void avgLatencyNeverTripsOnAWindowWithoutAnAverage() {
        CircuitBreaker untimed = CircuitBreaker.builder("untimed").ticker(ticker).build();
        callTaking(untimed, Duration.ofSeconds(5));
        assertThat(Tripper.avgLatency(SLOW).shouldTrip(State.CLOSED, untimed.metrics())).as("not measured").isFalse();
        assertThat(Tripper.avgLatency(SLOW).shouldTrip(State.CLOSED, new WindowFigures(0, 0, 0, SLOW, 0))).as("empty")
                .isFalse();
        assertThat(Tripper.avgLatency(SLOW).shouldTrip(State.CLOSED, new WindowFigures(3, 0, 0, SLOW, 0))).isTrue();
    }
}
