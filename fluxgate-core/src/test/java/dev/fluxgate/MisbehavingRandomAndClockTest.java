package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Regression: a random source (for jitter) or a clock (for transition timestamps) that threw while
 * the breaker tripped replaced the caller's own outcome with its exception ({@code call} promises the
 * task's exception instance unchanged), and a throwing clock also cost the listeners their event.
 * Now the trip goes ahead without jitter, or with the system clock's instant, and the fault is logged.
 */
class MisbehavingRandomAndClockTest {

    private final TestTicker ticker = new TestTicker();

    @Test
    void aRandomSourceThatThrowsDuringTheTripLeavesTheCallerItsOwnExceptionAndTripsWithoutJitter() {
        RandomGenerator broken = () -> {
            throw new IllegalStateException("random source down");
        };
        CircuitBreaker cb = CircuitBreaker.builder("random").tripper(Tripper.failureStreak(1))
                .window(Window.count(2)).cooldown(Cooldown.fixed(Duration.ofSeconds(10)).withJitter(0.5))
                .random(broken).ticker(ticker).build();
        IOException own = new IOException("the task's own");

        assertThatThrownBy(() -> cb.call(() -> {
            throw own;
        })).isSameAs(own);

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThatThrownBy(() -> cb.get(() -> "x")).isInstanceOfSatisfying(CallNotPermittedException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(10)));
    }

    @Test
    void aClockThatThrowsLeavesTheCallerItsResultAndTheListenersTheirEvent() {
        List<Transition> heard = new ArrayList<>();
        CircuitBreaker cb = CircuitBreaker.builder("clock").tripper(Tripper.minRequests(2).and(Tripper.failureRate(0.5)))
                .window(Window.count(2)).clock(() -> {
                    throw new IllegalStateException("clock down");
                }).ticker(ticker).listener(heard::add).build();

        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalArgumentException("first");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(cb.get(() -> "the caller's result")).isEqualTo("the caller's result"); // this one trips

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(heard).singleElement().satisfies(t -> {
            assertThat(t.to()).isEqualTo(State.OPEN);
            assertThat(t.at()).isAfter(Instant.EPOCH);
        });
    }
}
