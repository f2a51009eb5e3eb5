package dev.fluxgate.spring.actuate;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.spring.FluxgateAutoConfiguration;
import dev.fluxgate.spring.LiveReconfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/** Auto-configuration of the {@code fluxgate} actuator endpoint, when the actuator is present and the endpoint exposed. */
@AutoConfiguration(after = FluxgateAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(CircuitBreakerRegistry.class)
public class FluxgateEndpointAutoConfiguration {

    /** Creates the configuration (called by Spring). */
    public FluxgateEndpointAutoConfiguration() {
    }

    /**
     * The endpoint.
     *
     * @param registry the breakers it shows
     * @param live applies changed properties on POST, when the starter configured the breakers
     * @return the endpoint
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    public FluxgateEndpoint fluxgateEndpoint(CircuitBreakerRegistry registry, ObjectProvider<LiveReconfiguration> live) {
        return new FluxgateEndpoint(registry, live.getIfAvailable());
    }

    /**
     * The endpoint's HTTP command, answering bad requests with the valid values.
     *
     * @param registry the breakers it moves
     * @param live applies changed properties on POST, when the starter configured the breakers
     * @return the extension
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(FluxgateEndpoint.class)
    @ConditionalOnAvailableEndpoint(endpoint = FluxgateEndpoint.class, exposure = EndpointExposure.WEB)
    public FluxgateEndpointWebExtension fluxgateEndpointWebExtension(CircuitBreakerRegistry registry,
            ObjectProvider<LiveReconfiguration> live) {
        return new FluxgateEndpointWebExtension(registry, live.getIfAvailable());
    }
}
