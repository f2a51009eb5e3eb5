package dev.fluxgate.spring.reconfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Registry;
import dev.fluxgate.spring.FluxgateAutoConfiguration;
import dev.fluxgate.spring.LiveReconfiguration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;

/**
 * A limiter whose permits live in a custom store (Redis, say) keeps its own limit, so a changed limit
 * cannot reach it at run time. The reload must refuse that before changing anything: it used to throw
 * part-way through, after the policies checked before it had already changed.
 */
class CustomStoreReconfigurationTest {

    /** A store that grants everything: only its being custom matters here. */
    private static final RateLimiter.Store GRANTS_ALL = new RateLimiter.Store() {
        @Override
        public long tryReserve(int permits, long maxWaitNanos) {
            return 0;
        }

        @Override
        public long availablePermits() {
            return Long.MAX_VALUE;
        }
    };

    /** Every limiter of the application keeps its permits in the shared store (typed, so the starter backs off). */
    @Configuration(proxyBeanMethods = false)
    static class SharedStore {
        @Bean
        Registry<RateLimiter, RateLimiter.Builder> limiters() {
            return Registry.ofRateLimiters(RateLimiter.builder("d").store(limit -> GRANTS_ALL));
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class))
            .withUserConfiguration(SharedStore.class)
            .withPropertyValues("fluxgate.ratelimiter.instances.shared.permits=10",
                    "fluxgate.ratelimiter.instances.shared.period=1s",
                    "fluxgate.circuitbreaker.instances.payments.max-half-open-calls=3");

    @Test
    void aChangedLimitOfACustomStoreLimiterIsRefusedNamingItAndNothingChanges() {
        runner.run(context -> {
            CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
            Registry<?, ?> limiters = context.getBean("limiters", Registry.class);
            assertThat(((RateLimiter) limiters.find("shared").orElseThrow()).isReconfigurable()).isFalse();
            assertThat(breakers.find("payments").orElseThrow().configuration().get("maxHalfOpenCalls")).isEqualTo("3");
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("changed", Map.of(
                    "fluxgate.ratelimiter.instances.shared.permits", "20",
                    "fluxgate.circuitbreaker.instances.payments.max-half-open-calls", "5")));

            assertThatThrownBy(() -> context.getBean(LiveReconfiguration.class).apply())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("fluxgate.ratelimiter.instances.shared").hasMessageContaining("custom store");
            assertThat(breakers.find("payments").orElseThrow().configuration().get("maxHalfOpenCalls"))
                    .as("all or nothing: the breaker checked alongside kept its configuration").isEqualTo("3");
        });
    }

    @Test
    void anUnchangedCustomStoreLimiterDoesNotStopOtherChanges() {
        runner.run(context -> {
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("changed", Map.of(
                    "fluxgate.circuitbreaker.instances.payments.max-half-open-calls", "5")));
            context.getBean(LiveReconfiguration.class).apply();
            assertThat(context.getBean(CircuitBreakerRegistry.class).find("payments").orElseThrow().configuration()
                    .get("maxHalfOpenCalls")).isEqualTo("5");
        });
    }
}
