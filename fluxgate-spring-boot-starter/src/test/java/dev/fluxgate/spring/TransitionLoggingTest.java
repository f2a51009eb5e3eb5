package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Tripper;
import java.util.logging.LogManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

/**
 * Transitions are logged by default, for configured breakers and for breakers created later through
 * the registry bean, and {@code fluxgate.circuitbreaker.log-transitions=false} silences both. A real
 * {@code SpringApplication}, so that Boot's logging is set up as in an application: the core logs on
 * {@code System.Logger}, which goes to {@code java.util.logging}, which Boot bridges to SLF4J (Logback
 * here) when it initializes logging.
 */
@ExtendWith(OutputCaptureExtension.class)
class TransitionLoggingTest {

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(FluxgateAutoConfiguration.class)
    static class App {
    }

    private static ConfigurableApplicationContext run(String... properties) {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
                .properties("fluxgate.circuitbreaker.instances.configured.window.size=4")
                .properties(properties).run();
    }

    @Test
    void transitionsOfConfiguredAndLaterCreatedBreakersAreLoggedByDefault(CapturedOutput output) {
        try (ConfigurableApplicationContext context = run()) {
            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            registry.get("configured").forceOpen();
            registry.get("created-later", b -> b.tripper(Tripper.failureStreak(1))).get(() -> {
                throw new IllegalStateException("down");
            }, e -> "fallback");

            assertThat(output.getAll()).contains("CircuitBreaker 'configured' CLOSED -> FORCED_OPEN")
                    .contains("CircuitBreaker 'created-later' CLOSED -> OPEN").contains("failureStreak");
            assertThat(output.getAll()).as("through Boot's SLF4J bridge, with Logback's level and logger name")
                    .containsPattern("WARN +dev\\.fluxgate\\.CircuitBreaker - CircuitBreaker 'configured'");
            assertThat(LogManager.getLogManager().getLogger("").getHandlers())
                    .anyMatch(h -> h.getClass().getName().equals("org.slf4j.bridge.SLF4JBridgeHandler"));
        }
    }

    @Test
    void logTransitionsFalseSilencesEveryBreaker(CapturedOutput output) {
        try (ConfigurableApplicationContext context = run("fluxgate.circuitbreaker.log-transitions=false")) {
            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            registry.get("configured").forceOpen();
            registry.get("created-later").forceOpen();

            assertThat(registry.get("configured").state()).hasToString("FORCED_OPEN");
            assertThat(output.getAll()).doesNotContain("CircuitBreaker 'configured'")
                    .doesNotContain("CircuitBreaker 'created-later'");
        }
    }
}
