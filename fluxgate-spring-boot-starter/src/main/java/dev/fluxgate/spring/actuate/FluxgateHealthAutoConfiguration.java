package dev.fluxgate.spring.actuate;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.spring.FluxgateAutoConfiguration;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code fluxgate} health contributor (off with
 * {@code management.health.fluxgate.enabled=false}). It is not added to any group by itself: put it
 * in the readiness group, never in liveness (see {@link FluxgateHealthIndicator}).
 */
@AutoConfiguration(after = FluxgateAutoConfiguration.class)
@ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
@ConditionalOnBean(CircuitBreakerRegistry.class)
@ConditionalOnEnabledHealthIndicator("fluxgate")
public class FluxgateHealthAutoConfiguration {

    /** Creates the configuration (called by Spring). */
    public FluxgateHealthAutoConfiguration() {
    }

    /**
     * The contributor, named {@code fluxgate} after its bean.
     *
     * @param registry the breakers it reports on
     * @param properties which breakers take part ({@code health-indicator})
     * @return the contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "fluxgateHealthIndicator")
    public FluxgateHealthIndicator fluxgateHealthIndicator(CircuitBreakerRegistry registry,
            FluxgateCircuitBreakerProperties properties) {
        return new FluxgateHealthIndicator(registry, properties::healthIndicator);
    }
}
