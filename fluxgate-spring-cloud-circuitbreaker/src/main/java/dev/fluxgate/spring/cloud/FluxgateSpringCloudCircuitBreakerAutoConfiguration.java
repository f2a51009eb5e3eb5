package dev.fluxgate.spring.cloud;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.Timeout;
import dev.fluxgate.reactor.CircuitBreakerOperator;
import dev.fluxgate.spring.ConfiguredBreakerSettings;
import dev.fluxgate.spring.FluxgateAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * Auto-configuration of Spring Cloud CircuitBreaker on Fluxgate: a {@link FluxgateCircuitBreakerFactory}
 * unless the application has a {@link CircuitBreakerFactory}, and, with Reactor and fluxgate-reactor on
 * the class path, a {@link FluxgateReactiveCircuitBreakerFactory} unless it has a
 * {@link ReactiveCircuitBreakerFactory}. {@code Customizer<FluxgateCircuitBreakerFactory>} (and reactive)
 * beans adjust them. {@code spring.cloud.circuitbreaker.fluxgate.enabled=false} turns it off.
 *
 * <p>It runs after the starter (whose registry and properties it uses) and before the auto-configurations
 * that are conditional on a factory bean: Spring Cloud Commons' HTTP service group configurers,
 * OpenFeign's circuit breaker targeter, Spring Cloud Gateway, and Resilience4j's own (which backs off).
 */
@AutoConfiguration(after = FluxgateAutoConfiguration.class, beforeName = {
        "org.springframework.cloud.client.CommonsClientAutoConfiguration",
        "org.springframework.cloud.client.ReactiveCommonsClientAutoConfiguration",
        "org.springframework.cloud.openfeign.FeignAutoConfiguration",
        "org.springframework.cloud.gateway.config.GatewayAutoConfiguration",
        "org.springframework.cloud.gateway.server.mvc.filter.FilterAutoConfiguration",
        "org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JAutoConfiguration",
        "org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JAutoConfiguration"})
@ConditionalOnClass(CircuitBreakerFactory.class)
@ConditionalOnProperty(prefix = "spring.cloud.circuitbreaker.fluxgate", name = "enabled", matchIfMissing = true)
public class FluxgateSpringCloudCircuitBreakerAutoConfiguration {

    /** Creates the configuration (called by Spring). */
    public FluxgateSpringCloudCircuitBreakerAutoConfiguration() {
    }

    /**
     * The blocking factory, with the customizers applied.
     *
     * @param settings the starter's configured breakers (properties and customizers, kept live)
     * @param registry the starter's breakers
     * @param timeouts the starter's timeouts
     * @param customizers adjust the factory
     * @return the factory
     */
    @Bean
    @ConditionalOnMissingBean(CircuitBreakerFactory.class)
    public FluxgateCircuitBreakerFactory fluxgateCircuitBreakerFactory(ConfiguredBreakerSettings settings,
            CircuitBreakerRegistry registry, Registry<Timeout, Timeout.Builder> timeouts,
            ObjectProvider<Customizer<FluxgateCircuitBreakerFactory>> customizers) {
        FluxgateCircuitBreakerFactory factory = new FluxgateCircuitBreakerFactory(settings, registry, timeouts);
        customizers.orderedStream().forEach(c -> c.customize(factory));
        return factory;
    }

    /**
     * Gateway Server MVC: its {@code CircuitBreakerFilterFunctions} answers 503 only for Resilience4j's
     * rejection, so Fluxgate's rejections get a resolver of their own.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions")
    static class GatewayMvcConfiguration {

        @Bean
        @ConditionalOnMissingBean
        FluxgateRejectionExceptionResolver fluxgateRejectionExceptionResolver() {
            return new FluxgateRejectionExceptionResolver();
        }
    }

    /** The reactive factory, when Reactor and fluxgate-reactor are present. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({Mono.class, CircuitBreakerOperator.class})
    static class ReactiveConfiguration {

        @Bean
        @ConditionalOnMissingBean(ReactiveCircuitBreakerFactory.class)
        FluxgateReactiveCircuitBreakerFactory fluxgateReactiveCircuitBreakerFactory(ConfiguredBreakerSettings settings,
                CircuitBreakerRegistry registry, Registry<Timeout, Timeout.Builder> timeouts,
                ObjectProvider<Customizer<FluxgateReactiveCircuitBreakerFactory>> customizers) {
            FluxgateReactiveCircuitBreakerFactory factory = new FluxgateReactiveCircuitBreakerFactory(settings, registry,
                    timeouts);
            customizers.orderedStream().forEach(c -> c.customize(factory));
            return factory;
        }
    }
}
