package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code window.half-life} and {@code window.type=decaying} build {@code Window.decaying}. */
class DecayingWindowPropertiesTest {

    private static final String P = "fluxgate.circuitbreaker.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class));

    @Test
    void aHalfLifeImpliesADecayingWindowAndALayerAboveMayPickAnotherKind() {
        runner.withPropertyValues(
                P + "configs.default.window.half-life=5s",
                P + "instances.implied.tripper.min-requests=20",
                P + "instances.named.window.type=decaying",
                P + "instances.named.window.half-life=1500ms",
                P + "instances.counted.window.size=20").run(context -> {
                    assertThat(context).hasNotFailed();
                    CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
                    Map<String, String> implied = registry.find("implied").orElseThrow().configuration();
                    assertThat(implied).containsEntry("window", "Window.decaying(5s)")
                            .containsEntry("tripper", "minRequests(20) and failureRate(0.5)");
                    assertThat(registry.find("named").orElseThrow().configuration())
                            .containsEntry("window", "Window.decaying(1.5s)");
                    assertThat(registry.find("counted").orElseThrow().configuration())
                            .containsEntry("window", "Window.count(20)");
                });
    }

    @Test
    void aDecayingWindowWithoutAHalfLifeOrWithABadOneStopsTheApplicationNamingTheProperty() {
        runner.withPropertyValues(P + "instances.a.window.type=decaying").run(context -> {
            assertThat(context).hasFailed();
            assertThat(invalid(context.getStartupFailure()).getMessage())
                    .contains(P + "instances.a.window.half-life").contains("needs a half-life");
        });
        runner.withPropertyValues(P + "instances.a.window.half-life=0s").run(context -> {
            assertThat(context).hasFailed();
            assertThat(invalid(context.getStartupFailure()).getMessage())
                    .contains(P + "instances.a.window.half-life").contains("window halfLife must be a positive duration");
        });
    }

    private static InvalidPropertyException invalid(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidPropertyException e) {
                return e;
            }
        }
        throw new AssertionError("no InvalidPropertyException in " + t, t);
    }
}
