package dev.fluxgate.spring.cloud;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.Timeout;
import dev.fluxgate.spring.CircuitBreakerCustomizer;
import dev.fluxgate.spring.ConfiguredBreakerSettings;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Fluxgate breaker and timeout of one Spring Cloud id, shared by both factories: the
 * breaker lives in the starter's registry under the id (so meters, health and the actuator endpoint
 * see it), configured by {@code fluxgate.circuitbreaker.instances.<id>}, else {@code .instances.<group>},
 * else {@code configs.default}; then the starter's customizers; then the code configuration.
 */
final class BreakerSource {

    private static final Logger log = LoggerFactory.getLogger(BreakerSource.class);

    /** A breaker and the timeout inside it (null: none). */
    record Resolved(CircuitBreaker breaker, @Nullable Timeout timeout) {
    }

    private final CircuitBreakerRegistry registry;
    private final Registry<Timeout, Timeout.Builder> timeouts;
    private final FluxgateCircuitBreakerProperties properties;
    private final List<CircuitBreakerCustomizer> customizers;
    private final ClassLoader classLoader;
    /** The starter's, when the factory is its bean: live reconfiguration then reaches these breakers. */
    private final @Nullable ConfiguredBreakerSettings settings;

    BreakerSource(CircuitBreakerRegistry registry, Registry<Timeout, Timeout.Builder> timeouts,
            FluxgateCircuitBreakerProperties properties, List<CircuitBreakerCustomizer> customizers) {
        this(registry, timeouts, properties, customizers, null);
    }

    BreakerSource(ConfiguredBreakerSettings settings, CircuitBreakerRegistry registry,
            Registry<Timeout, Timeout.Builder> timeouts) {
        this(registry, timeouts, settings.properties(), List.of(), settings);
    }

    private BreakerSource(CircuitBreakerRegistry registry, Registry<Timeout, Timeout.Builder> timeouts,
            FluxgateCircuitBreakerProperties properties, List<CircuitBreakerCustomizer> customizers,
            @Nullable ConfiguredBreakerSettings settings) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.properties = Objects.requireNonNull(properties, "properties");
        this.customizers = List.copyOf(customizers);
        this.classLoader = BreakerSource.class.getClassLoader();
        this.settings = settings;
    }

    Resolved resolve(String id, @Nullable String group, @Nullable FluxgateCircuitBreakerConfig code) {
        Objects.requireNonNull(id, "id");
        CircuitBreaker existing = registry.find(id).orElse(null);
        FluxgateCircuitBreakerProperties properties = settings != null ? settings.properties() : this.properties;
        if (existing != null && code != null && code.id().equals(id) && properties.instances().containsKey(id)) {
            // Listed under instances: the starter built it at startup, before any code configuration. (A
            // breaker the other factory made for this id already had the same code applied: no warning.)
            log.warn("Fluxgate breaker '{}' already exists (fluxgate.circuitbreaker.instances.{} builds it at startup): "
                    + "the breaker(...) adjustments configured for it in code do not apply; use a CircuitBreakerCustomizer bean",
                    id, id);
        }
        String instance = properties.instances().containsKey(id) ? id
                : group != null && properties.instances().containsKey(group) ? group : null;
        CircuitBreaker breaker;
        if (existing != null) {
            breaker = existing;
        } else if (settings != null) {
            // The starter remembers the instance and the code, so a live reconfiguration re-applies both.
            breaker = settings.breakerLike(id, instance, b -> {
                if (code != null) {
                    code.breaker().accept(b);
                }
            });
        } else {
            breaker = registry.get(id, b -> {
                ConfiguredBreakerSettings.applyTo(properties, instance, b, classLoader);
                customizers.forEach(c -> c.customize(id, b));
                if (code != null) {
                    code.breaker().accept(b);
                }
            });
        }
        return new Resolved(breaker, timeout(id, group, code));
    }

    private @Nullable Timeout timeout(String id, @Nullable String group, @Nullable FluxgateCircuitBreakerConfig code) {
        Duration limit = code == null ? null : code.timeout();
        if (limit != null) {
            return Timeout.builder(id).timeout(limit).build();
        }
        Timeout own = timeouts.find(id).orElse(null);
        if (own != null || group == null) {
            return own;
        }
        return timeouts.find(group).orElse(null);
    }
}
