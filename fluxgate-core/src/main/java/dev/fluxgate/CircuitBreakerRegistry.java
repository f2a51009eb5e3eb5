package dev.fluxgate;

import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Named circuit breakers that share a default configuration: the breakers' {@link Registry}, with the
 * same contract as every other pattern's.
 *
 * <pre>{@code
 * CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(
 *     CircuitBreaker.builder("defaults").tripper(Tripper.minRequests(20).and(Tripper.failureRate(0.5))));
 * CircuitBreaker payments = registry.get("payments");                        // get or create
 * CircuitBreaker search = registry.get("search", b -> b.window(Window.count(50))); // defaults, then this
 * }</pre>
 *
 * <p>Configuration is merged in one order: the built-in defaults, then the registry's default builder,
 * then the customizer given to {@link #get(String, Consumer)}. The default builder is copied when the
 * registry is made; later changes to it do not reach the registry. Removing a breaker drops its
 * {@link Listener}s and tells the entry listeners.
 *
 * <p>Thread safety: all methods are safe for concurrent use; concurrent {@code get}s of one name
 * build one breaker.
 */
public final class CircuitBreakerRegistry extends Registry<CircuitBreaker, CircuitBreaker.Builder> {

    private final CircuitBreaker.Builder defaults;

    private CircuitBreakerRegistry(CircuitBreaker.Builder defaults) {
        super("CircuitBreaker", defaults::copy, CircuitBreaker.Builder::build, CircuitBreakerRegistry::dropListeners);
        reconfiguredBy(CircuitBreaker::reconfigure);
        this.defaults = defaults;
    }

    /**
     * A registry whose breakers start from {@code defaults} (its name is not used; its listeners are
     * given to every breaker).
     *
     * @param defaults the configuration every new breaker starts from
     * @return a new, empty registry
     * @throws IllegalArgumentException if the defaults cannot build a breaker (an impossible combination)
     */
    public static CircuitBreakerRegistry of(CircuitBreaker.Builder defaults) {
        CircuitBreaker.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        // Fail now, not at the first get(), if the shared configuration is impossible.
        shared.copy("defaults").build();
        return new CircuitBreakerRegistry(shared);
    }

    /**
     * A registry whose breakers use the built-in defaults.
     *
     * @return a new, empty registry
     */
    public static CircuitBreakerRegistry ofDefaults() {
        return of(CircuitBreaker.builder("defaults"));
    }

    /** {@return the effective default configuration of this registry's breakers, option by option} */
    public Map<String, String> defaultConfiguration() {
        return defaults.copy("defaults").build().configuration();
    }

    private static void dropListeners(CircuitBreaker breaker) {
        if (breaker instanceof FluxgateCircuitBreaker f) {
            f.removeAllListeners();
        }
    }
}
