package dev.fluxgate.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.State;
import dev.fluxgate.spring.CircuitBreakerCustomizer;
import dev.fluxgate.spring.FluxgateAutoConfiguration;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The readiness deadlock: an instance out of readiness gets no calls, so an opted-in OPEN breaker
 * must not wait for a call to leave OPEN once its cooldown has passed. Needs the core's
 * {@code state()} to make the due OPEN to HALF_OPEN move when asked.
 */
class RecoveringBreakerHealthTest {

    private final ManualTicker ticker = new ManualTicker();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class,
                    FluxgateHealthAutoConfiguration.class))
            .withBean(CircuitBreakerCustomizer.class, () -> (name, builder) -> builder.ticker(ticker))
            .withPropertyValues("fluxgate.circuitbreaker.instances.payments.allow-health-indicator-to-fail=true",
                    "fluxgate.circuitbreaker.instances.payments.cooldown.duration=10s",
                    "fluxgate.circuitbreaker.instances.payments.tripper.failure-streak=1");

    @Test
    void anOptedInBreakerWhoseCooldownHasPassedNoLongerKeepsTheInstanceOutOfServiceWithoutACall() {
        runner.run(context -> {
            CircuitBreaker payments = context.getBean(CircuitBreakerRegistry.class).find("payments").orElseThrow();
            FluxgateHealthIndicator health = context.getBean(FluxgateHealthIndicator.class);
            payments.get(() -> {
                throw new IllegalStateException("down");
            }, e -> "fallback");
            assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

            ticker.advance(Duration.ofSeconds(9));
            assertThat(health.health().getStatus()).as("cooling down").isEqualTo(Status.OUT_OF_SERVICE);

            ticker.advance(Duration.ofSeconds(1)); // no call arrives: the instance is out of readiness
            assertThat(health.health().getStatus()).as("recovering, not down").isEqualTo(Status.UP);
            assertThat(payments.state()).isEqualTo(State.HALF_OPEN);
        });
    }
}
