package dev.fluxgate.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Chaos;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Resilience;
import dev.fluxgate.State;
import dev.fluxgate.Tripper;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The test helpers for fault injection: TestChaos, ManualSleeper and ChaosAssert. */
class ChaosAssertTest {

    private final ManualTicker ticker = new ManualTicker();
    private final ManualSleeper sleeper = new ManualSleeper(ticker);

    @Test
    void testChaosIsSeededEnabledAndWaitsOnTheManualTicker() throws Exception {
        Chaos a = TestChaos.builder("a", 42, sleeper).latency(0.5, Duration.ofSeconds(1)).build();
        Chaos b = TestChaos.builder("b", 42, new ManualSleeper(new ManualTicker())).latency(0.5, Duration.ofSeconds(1))
                .build();
        ChaosAssert.assertThat(a).isEnabled();
        for (int i = 0; i < 100; i++) {
            a.call(() -> "x");
            b.call(() -> "x");
        }
        long slowed = a.injected(Chaos.Kind.LATENCY);
        assertThat(slowed).isBetween(1L, 99L);
        ChaosAssert.assertThat(b).hasInjected(Chaos.Kind.LATENCY, slowed).hasPassedThrough(100 - slowed);
        assertThat(sleeper.waits()).hasSize((int) slowed).containsOnly(Duration.ofSeconds(1));
        assertThat(sleeper.total()).isEqualTo(Duration.ofSeconds(slowed));
        assertThat(ticker.read()).isEqualTo(Duration.ofSeconds(slowed).toNanos());
    }

    @Test
    void chaosAssertFailsWithTheCountersInItsMessage() {
        Chaos chaos = TestChaos.builder("payments", 1, sleeper).exception(1).build();
        assertThatThrownBy(() -> chaos.call(() -> "x")).satisfies(ChaosAssert::assertInjected);
        assertThatThrownBy(() -> ChaosAssert.assertThat(chaos).hasInjected(Chaos.Kind.EXCEPTION, 2))
                .isInstanceOf(AssertionError.class).hasMessageContaining("expected 2 injected EXCEPTION but was 1")
                .hasMessageContaining("passedThrough=0");
        assertThatThrownBy(() -> ChaosAssert.assertThat(chaos).isDisabled()).isInstanceOf(AssertionError.class);
        chaos.disable();
        ChaosAssert.assertThat(chaos).isDisabled().hasPassedThrough(0);
        assertThatThrownBy(() -> ChaosAssert.assertInjected(new IOException("real")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("real one");
        ChaosAssert.assertNotInjected(new IOException("real"));
    }

    @Test
    void aBreakerOpensOnInjectedFailuresAndTheTestCanTellThemFromRealOnes() {
        CircuitBreaker cb = CircuitBreaker.builder("payments").ticker(ticker).tripper(Tripper.failureStreak(2))
                .cooldown(Cooldown.fixed(Duration.ofMinutes(1))).build();
        Chaos chaos = TestChaos.builder("payments", 7, sleeper).exception(1, () -> new IOException("reset")).build();
        Resilience pipeline = Resilience.of(cb, chaos);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> pipeline.call(() -> "paid")).isInstanceOf(IOException.class)
                    .satisfies(ChaosAssert::assertInjected);
        }
        BreakerAssert.assertThat(cb).isIn(State.OPEN);
    }
}
