package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import java.util.List;
import java.util.function.Function;

/**
 * Gets breakers from the registry with their properties and the customizers applied, and builds the
 * configured instances at startup so that bad properties fail the application before any call.
 */
final class ConfiguredBreakers implements Function<String, CircuitBreaker> {

    private final CircuitBreakerRegistry registry;
    private final FluxgateCircuitBreakerProperties properties;
    private final List<CircuitBreakerCustomizer> customizers;
    private final ClassLoader classLoader;

    ConfiguredBreakers(CircuitBreakerRegistry registry, FluxgateCircuitBreakerProperties properties,
            List<CircuitBreakerCustomizer> customizers, ClassLoader classLoader) {
        this.registry = registry;
        this.properties = properties;
        this.customizers = List.copyOf(customizers);
        this.classLoader = classLoader;
    }

    /** Checks every config and builds every instance; throws {@link InvalidPropertyException} on the first problem. */
    void initialize() {
        for (String config : properties.configs().keySet()) {
            List<BreakerSettings.Layer> layers = BreakerSettings.layersOfConfig(properties, config);
            String prefix = layers.get(layers.size() - 1).prefix();
            CircuitBreaker.Builder b = CircuitBreaker.builder(config);
            new BreakerSettings(layers, classLoader).applyTo(b);
            build(prefix, b);
        }
        for (String name : properties.instances().keySet()) {
            apply(name);
        }
    }

    /** The breaker called {@code name}, created with its properties and the customizers if absent. */
    @Override
    public CircuitBreaker apply(String name) {
        CircuitBreaker existing = registry.find(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        String prefix = FluxgateCircuitBreakerProperties.PREFIX + (properties.instances().containsKey(name)
                ? ".instances." + name : ".configs." + FluxgateCircuitBreakerProperties.DEFAULT_CONFIG);
        BreakerSettings settings = new BreakerSettings(BreakerSettings.layersOf(properties, name), classLoader);
        try {
            return registry.get(name, b -> {
                settings.applyTo(b);
                customizers.forEach(c -> c.customize(name, b));
            });
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            // The options are valid one by one but not together (e.g. minRequests above the window size).
            throw new InvalidPropertyException(prefix, e.getMessage(), e);
        }
    }

    /** Configures the registry's shared default builder from {@code configs.default}. */
    static CircuitBreaker.Builder defaults(FluxgateCircuitBreakerProperties properties, ClassLoader classLoader) {
        CircuitBreaker.Builder b = CircuitBreaker.builder(FluxgateCircuitBreakerProperties.DEFAULT_CONFIG);
        new BreakerSettings(BreakerSettings.layersOf(properties, null), classLoader).applyTo(b);
        return b;
    }

    private static void build(String prefix, CircuitBreaker.Builder b) {
        try {
            b.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(prefix, e.getMessage(), e);
        }
    }
}
