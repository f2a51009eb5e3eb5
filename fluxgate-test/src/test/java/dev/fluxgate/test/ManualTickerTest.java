package dev.fluxgate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Permit;
import dev.fluxgate.State;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ManualTickerTest {

    @Test
    void advancesOnlyWhenTold() {
        ManualTicker ticker = new ManualTicker(-5);
        assertThat(ticker.read()).isEqualTo(-5);
        ticker.advance(Duration.ofMillis(2)).advanceNanos(5);
        assertThat(ticker.read()).isEqualTo(2_000_000);
        assertThatThrownBy(() -> ticker.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duration must be >= 0");
    }

    @Test
    void drivesABreakerThroughItsCooldownWithoutSleeping() {
        ManualTicker ticker = new ManualTicker();
        CircuitBreaker cb = CircuitBreaker.builder("t").ticker(ticker).window(Window.count(5))
                .tripper(Tripper.failureStreak(2)).cooldown(Cooldown.fixed(Duration.ofSeconds(30)))
                .permit(Permit.all()).build();
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cb.run(() -> {
                throw new IllegalStateException();
            })).isInstanceOf(IllegalStateException.class);
        }
        BreakerAssert.assertThat(cb).isIn(State.OPEN).hasCalls(0).hasTransitions(1);
        ticker.advance(Duration.ofSeconds(29));
        assertThatThrownBy(() -> cb.run(() -> { })).isInstanceOf(CallNotPermittedException.class);
        BreakerAssert.assertThat(cb).hasRejected(1);
        ticker.advance(Duration.ofSeconds(1));
        cb.run(() -> { });
        BreakerAssert.assertThat(cb).isIn(State.CLOSED);
    }

    @Test
    void breakerAssertFailuresShowTheFigures() {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("shown");
        assertThatThrownBy(() -> BreakerAssert.assertThat(cb).isIn(State.OPEN))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("expected circuit breaker 'shown' to have state OPEN but was CLOSED");
        assertThatThrownBy(() -> BreakerAssert.assertThat(cb).hasFailureRate(0.5, 0.01))
                .isInstanceOf(AssertionError.class).hasMessageContaining("failure rate 0.5");
    }
}
