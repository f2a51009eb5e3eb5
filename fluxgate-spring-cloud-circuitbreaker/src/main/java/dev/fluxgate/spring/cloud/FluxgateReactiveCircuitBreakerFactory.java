package dev.fluxgate.spring.cloud;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.Timeout;
import dev.fluxgate.spring.CircuitBreakerCustomizer;
import dev.fluxgate.spring.ConfiguredBreakerSettings;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;

/**
 * Spring Cloud's {@link ReactiveCircuitBreakerFactory} on Fluxgate: what Spring Cloud Gateway's
 * {@code CircuitBreaker} filter, {@code WebClient} HTTP service groups and reactive application code get.
 * Configured exactly like {@link FluxgateCircuitBreakerFactory} (id, then group, then defaults; both
 * factories share the starter's registry, so one id is one breaker in both).
 *
 * <p><b>Calls.</b> {@code run(mono, fallback)} subscribes to the {@code Mono} through the breaker
 * (fluxgate-reactor's {@code CircuitBreakerOperator}) and, inside it, the timeout; a {@code Flux} gets
 * the limit per element. The fallback gets the error: the call's own,
 * {@link dev.fluxgate.CallNotPermittedException} while the breaker rejects calls, or a
 * {@link java.util.concurrent.TimeoutException} when the time ran out.
 *
 * <p>Safe for concurrent use; {@code create} returns the same circuit breaker for an id every time.
 */
public class FluxgateReactiveCircuitBreakerFactory
        extends ReactiveCircuitBreakerFactory<FluxgateCircuitBreakerConfig, FluxgateConfigBuilder> {

    private final FactorySupport<FluxgateReactiveCircuitBreaker> support;

    /**
     * A factory whose breakers live in the starter's registry and follow its live reconfiguration: each
     * id is configured like its instance (or its group's) from the properties as they are now, then by
     * the starter's customizers, then by this factory's code configuration, and a changed property
     * re-applies that chain to the running breaker, keeping its state. The auto-configuration uses this.
     *
     * @param settings the starter's configured breakers
     * @param registry the starter's breaker registry
     * @param timeouts the timeouts configured by {@code fluxgate.timeout.instances}
     */
    public FluxgateReactiveCircuitBreakerFactory(ConfiguredBreakerSettings settings, CircuitBreakerRegistry registry,
            Registry<Timeout, Timeout.Builder> timeouts) {
        this.support = new FactorySupport<>(new BreakerSource(settings, registry, timeouts),
                FluxgateReactiveCircuitBreaker::new);
    }

    /**
     * A factory whose breakers live in {@code registry}.
     *
     * @param registry the breakers, shared with the rest of the application (the starter's bean)
     * @param timeouts the timeouts configured by {@code fluxgate.timeout.instances}
     * @param properties the {@code fluxgate.circuitbreaker} properties
     * @param customizers the starter's customizers, applied to every breaker this factory creates, in order
     */
    public FluxgateReactiveCircuitBreakerFactory(CircuitBreakerRegistry registry, Registry<Timeout, Timeout.Builder> timeouts,
            FluxgateCircuitBreakerProperties properties, List<CircuitBreakerCustomizer> customizers) {
        this.support = new FactorySupport<>(new BreakerSource(registry, timeouts, properties, customizers),
                FluxgateReactiveCircuitBreaker::new);
    }

    @Override
    public ReactiveCircuitBreaker create(String id) {
        return create(id, null);
    }

    /**
     * The circuit breaker of {@code id}, configured by the id, else its group, else the defaults.
     *
     * @param id the id
     * @param groupName the group, or null
     * @return the same circuit breaker for the id on every call
     */
    @Override
    public ReactiveCircuitBreaker create(String id, @Nullable String groupName) {
        return support.create(id, groupName, getConfigurations());
    }

    @Override
    protected FluxgateConfigBuilder configBuilder(String id) {
        return new FluxgateConfigBuilder(id);
    }

    /**
     * Sets the code configuration of ids that have none of their own or of their group.
     *
     * @param defaultConfiguration the configuration of an id
     */
    @Override
    public void configureDefault(Function<String, FluxgateCircuitBreakerConfig> defaultConfiguration) {
        support.configureDefault(defaultConfiguration);
    }
}
