package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Reconfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Gets breakers from the registry with their properties and the customizers applied, and builds the
 * configured instances at startup so that bad properties fail the application before any call.
 */
final class ConfiguredBreakers implements Function<String, CircuitBreaker> {

    private final CircuitBreakerRegistry registry;
    /** Replaced by {@link #reconfigure}, so breakers created later get the new properties too. */
    private volatile FluxgateCircuitBreakerProperties properties;
    private final List<CircuitBreakerCustomizer> customizers;
    private final ClassLoader classLoader;
    /**
     * Breakers created for an integration under a name of their own but configured like an instance
     * (a Spring Cloud id takes its group's settings), with the integration's own code configuration:
     * a reconfiguration rebuilds them from the same layers of the new properties.
     */
    private final ConcurrentHashMap<String, Source> sources = new ConcurrentHashMap<>();

    /** How an integration configures its breaker: like {@code instance} (null: defaults alone), then {@code code}. */
    private record Source(@Nullable String instance, Consumer<? super CircuitBreaker.Builder> code) {
    }

    ConfiguredBreakers(CircuitBreakerRegistry registry, FluxgateCircuitBreakerProperties properties,
            List<CircuitBreakerCustomizer> customizers, ClassLoader classLoader) {
        this.registry = registry;
        this.properties = properties;
        this.customizers = List.copyOf(customizers);
        this.classLoader = classLoader;
    }

    /** Checks every config and builds every instance; throws {@link InvalidPropertyException} on the first problem. */
    void initialize() {
        FluxgateCircuitBreakerProperties properties = this.properties;
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
        FluxgateCircuitBreakerProperties properties = this.properties;
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

    /** The properties as last applied. */
    FluxgateCircuitBreakerProperties properties() {
        return properties;
    }

    /**
     * The breaker called {@code name}; if absent, created like instance {@code instance}, then the
     * customizers, then {@code code}, and remembered so that {@link #reconfigure} applies the same chain.
     */
    CircuitBreaker breakerLike(String name, @Nullable String instance, Consumer<? super CircuitBreaker.Builder> code) {
        CircuitBreaker existing = registry.find(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        FluxgateCircuitBreakerProperties properties = this.properties;
        BreakerSettings settings = new BreakerSettings(BreakerSettings.layersOf(properties, instance), classLoader);
        sources.put(name, new Source(instance, code)); // before it exists, so a reload racing this sees it
        return registry.get(name, b -> {
            settings.applyTo(b);
            customizers.forEach(c -> c.customize(name, b));
            code.accept(b);
        });
    }

    /**
     * Applies {@code next} to every breaker of the registry, keeping each one's state
     * ({@link CircuitBreaker#reconfigure}); a breaker whose effective configuration is unchanged is left
     * alone. All or nothing: every breaker's new configuration is checked first (its properties, the
     * customizers and the combination, as at startup), and the first bad value is thrown as an
     * {@link InvalidPropertyException} naming the property before any breaker changes. Caller serializes.
     *
     * @return what changed, by breaker name (only the breakers that changed)
     */
    Map<String, Reconfiguration> reconfigure(FluxgateCircuitBreakerProperties next) {
        Map<String, BreakerSettings> settings = new LinkedHashMap<>();
        for (String config : next.configs().keySet()) {
            List<BreakerSettings.Layer> layers = BreakerSettings.layersOfConfig(next, config);
            CircuitBreaker.Builder b = CircuitBreaker.builder(config);
            new BreakerSettings(layers, classLoader).applyTo(b);
            build(layers.get(layers.size() - 1).prefix(), b);
        }
        List<CircuitBreaker> breakers = registry.all();
        Map<String, Map<String, String>> wanted = new LinkedHashMap<>();
        for (CircuitBreaker cb : breakers) {
            String name = cb.name();
            Source source = sources.get(name);
            String instance = source != null ? source.instance() : name;
            BreakerSettings s = new BreakerSettings(BreakerSettings.layersOf(next, instance), classLoader);
            CircuitBreaker.Builder b = CircuitBreaker.builder(name);
            s.applyTo(b);
            customizers.forEach(c -> c.customize(name, b));
            if (source != null) {
                source.code().accept(b);
            }
            wanted.put(name, build(prefix(next, instance), b).configuration());
            settings.put(name, s);
        }
        this.properties = next;
        Map<String, Reconfiguration> changed = new LinkedHashMap<>();
        for (CircuitBreaker cb : breakers) {
            String name = cb.name();
            if (cb.configuration().equals(wanted.get(name))) {
                continue;
            }
            BreakerSettings s = Objects.requireNonNull(settings.get(name), name);
            try {
                Source source = sources.get(name);
                registry.reconfigure(name, b -> {
                    s.applyTo(b);
                    customizers.forEach(c -> c.customize(name, b));
                    if (source != null) {
                        source.code().accept(b);
                    }
                }).filter(r -> !r.changed().isEmpty()).ifPresent(r -> changed.put(name, r)); // as ConfiguredPatterns
            } catch (InvalidPropertyException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                Source source = sources.get(name);
                throw new InvalidPropertyException(prefix(next, source != null ? source.instance() : name), e.getMessage(), e);
            }
        }
        return changed;
    }

    private static String prefix(FluxgateCircuitBreakerProperties properties, @Nullable String name) {
        return FluxgateCircuitBreakerProperties.PREFIX + (name != null && properties.instances().containsKey(name)
                ? ".instances." + name : ".configs." + FluxgateCircuitBreakerProperties.DEFAULT_CONFIG);
    }

    /** Configures the registry's shared default builder from {@code configs.default}. */
    static CircuitBreaker.Builder defaults(FluxgateCircuitBreakerProperties properties, ClassLoader classLoader) {
        CircuitBreaker.Builder b = CircuitBreaker.builder(FluxgateCircuitBreakerProperties.DEFAULT_CONFIG);
        new BreakerSettings(BreakerSettings.layersOf(properties, null), classLoader).applyTo(b);
        return b;
    }

    private static CircuitBreaker build(String prefix, CircuitBreaker.Builder b) {
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(prefix, e.getMessage(), e);
        }
    }
}
