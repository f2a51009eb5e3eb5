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
 * Auto-configuration of the {@code fluxgate} health contributor. Like every contributor it is part of
 * the root {@code /actuator/health}; by default it is UP whatever the breakers' states (it lists them),
 * and only breakers with {@code allow-health-indicator-to-fail: true} can make it OUT_OF_SERVICE.
 * {@code management.health.fluxgate.enabled=false} removes it; to have it in the readiness probe, add
 * it to that group ({@code management.endpoint.health.group.readiness.include=readinessState,fluxgate}),
 * never to liveness. See {@link FluxgateHealthIndicator}.
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
     * @param properties which breakers are listed ({@code health-indicator}) and which may take it
     *     out of service ({@code allow-health-indicator-to-fail})
     * @return the contributor
     */
    @Bean
    @ConditionalOnMissingBean(name = "fluxgateHealthIndicator")
    public FluxgateHealthIndicator fluxgateHealthIndicator(CircuitBreakerRegistry registry,
            FluxgateCircuitBreakerProperties properties) {
        return new FluxgateHealthIndicator(registry, properties::healthIndicator,
                properties::allowHealthIndicatorToFail);
    }
}
