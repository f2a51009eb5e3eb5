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
import org.springframework.cloud.client.circuitbreaker.CircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;

/**
 * Spring Cloud's blocking {@link CircuitBreakerFactory} on Fluxgate: what OpenFeign, Gateway Server MVC,
 * {@code RestClient} HTTP service groups and application code get when they ask for a circuit breaker.
 *
 * <p><b>Configuration.</b> The breaker of id {@code id} (group {@code group}) is the Fluxgate breaker
 * named {@code id} in the starter's {@code CircuitBreakerRegistry}, configured from
 * {@code fluxgate.circuitbreaker.instances.<id>} when that exists, else from
 * {@code fluxgate.circuitbreaker.instances.<group>}, else from {@code configs.default} alone; then the
 * starter's {@code CircuitBreakerCustomizer} beans; then the code configuration
 * ({@link #configure configure(builder -> ..., ids)} for the id, else for the group, else
 * {@link #configureDefault}). Each id has its own breaker, even when it takes its group's
 * configuration. The time limit of a call is the code configuration's {@code timeout}, else
 * {@code fluxgate.timeout.instances.<id>}, else {@code .<group>}; with none, calls are not timed.
 * An id listed under {@code instances} is built by the starter at startup, so code
 * {@code breaker(...)} adjustments for that id do not reach it (a warning says so): use a
 * {@code CircuitBreakerCustomizer} there.
 *
 * <p><b>Calls.</b> {@code run(toRun, fallback)} runs {@code toRun} through the breaker (and inside it the
 * timeout, on a worker thread that is interrupted when the time is up). The fallback gets the
 * exception: the call's own, Fluxgate's {@link dev.fluxgate.CallNotPermittedException} while the
 * breaker rejects calls, or a {@link java.util.concurrent.TimeoutException} when the time ran out (the
 * type Spring Cloud's integrations turn into a 504).
 *
 * <p>Safe for concurrent use; {@code create} returns the same circuit breaker for an id every time.
 * Configure before the first {@code create} of an id: a breaker keeps the configuration it was created
 * with.
 */
public class FluxgateCircuitBreakerFactory
        extends CircuitBreakerFactory<FluxgateCircuitBreakerConfig, FluxgateConfigBuilder> {

    private final FactorySupport<FluxgateSpringCircuitBreaker> support;

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
    public FluxgateCircuitBreakerFactory(ConfiguredBreakerSettings settings, CircuitBreakerRegistry registry,
            Registry<Timeout, Timeout.Builder> timeouts) {
        this.support = new FactorySupport<>(new BreakerSource(settings, registry, timeouts),
                FluxgateSpringCircuitBreaker::new);
    }

    /**
     * A factory whose breakers live in {@code registry}.
     *
     * @param registry the breakers, shared with the rest of the application (the starter's bean)
     * @param timeouts the timeouts configured by {@code fluxgate.timeout.instances}
     * @param properties the {@code fluxgate.circuitbreaker} properties
     * @param customizers the starter's customizers, applied to every breaker this factory creates, in order
     */
    public FluxgateCircuitBreakerFactory(CircuitBreakerRegistry registry, Registry<Timeout, Timeout.Builder> timeouts,
            FluxgateCircuitBreakerProperties properties, List<CircuitBreakerCustomizer> customizers) {
        this.support = new FactorySupport<>(new BreakerSource(registry, timeouts, properties, customizers),
                FluxgateSpringCircuitBreaker::new);
    }

    @Override
    public CircuitBreaker create(String id) {
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
    public CircuitBreaker create(String id, @Nullable String groupName) {
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
