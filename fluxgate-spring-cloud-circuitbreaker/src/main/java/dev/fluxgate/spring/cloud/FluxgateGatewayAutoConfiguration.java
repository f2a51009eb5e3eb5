package dev.fluxgate.spring.cloud;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.gateway.filter.factory.SpringCloudCircuitBreakerFilterFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * Registers Spring Cloud Gateway's {@code CircuitBreaker} route filter on Fluxgate
 * ({@link FluxgateCircuitBreakerFilterFactory}) when the application is a WebFlux gateway whose
 * reactive circuit breakers are Fluxgate's, and no other {@code CircuitBreaker} filter factory exists.
 */
@AutoConfiguration(after = FluxgateSpringCloudCircuitBreakerAutoConfiguration.class,
        beforeName = "org.springframework.cloud.gateway.config.GatewayAutoConfiguration")
@ConditionalOnClass({DispatcherHandler.class, SpringCloudCircuitBreakerFilterFactory.class})
@ConditionalOnProperty(name = "spring.cloud.gateway.server.webflux.enabled", matchIfMissing = true)
public class FluxgateGatewayAutoConfiguration {

    /** Creates the configuration (called by Spring). */
    public FluxgateGatewayAutoConfiguration() {
    }

    /**
     * The {@code CircuitBreaker} filter on Fluxgate's reactive factory.
     *
     * @param factory the reactive factory
     * @param dispatcherHandler the gateway's dispatcher, for fallback URIs
     * @return the filter factory
     */
    @Bean
    @ConditionalOnBean(FluxgateReactiveCircuitBreakerFactory.class)
    @ConditionalOnMissingBean(SpringCloudCircuitBreakerFilterFactory.class)
    public FluxgateCircuitBreakerFilterFactory fluxgateCircuitBreakerFilterFactory(
            FluxgateReactiveCircuitBreakerFactory factory, ObjectProvider<DispatcherHandler> dispatcherHandler) {
        return new FluxgateCircuitBreakerFilterFactory(factory, dispatcherHandler);
    }
}
