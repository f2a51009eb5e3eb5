package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Applies the {@code fluxgate.circuitbreaker} properties of one configured instance to a builder of
 * any name: for integrations that create breakers under names of their own but configure them like
 * an instance (Spring Cloud CircuitBreaker's ids, which take their group's configuration when they
 * have none of their own). The layers and their order are those of
 * {@link FluxgateCircuitBreakerProperties}: {@code configs.default}, the instance's base config, the
 * instance. Stateless; safe for concurrent use.
 */
public final class ConfiguredBreakerSettings {

    private ConfiguredBreakerSettings() {
    }

    /**
     * Sets on {@code builder} every option the layers of instance {@code instance} set; options no
     * layer sets keep the builder's values.
     *
     * @param properties the bound properties
     * @param instance the name under {@code fluxgate.circuitbreaker.instances}, or null for
     *     {@code configs.default} alone (so also for a name the properties do not list)
     * @param builder the builder to configure
     * @param classLoader loads the exception classes the properties name
     * @return {@code builder}
     * @throws IllegalArgumentException when a value is invalid; the message names its property
     */
    public static CircuitBreaker.Builder applyTo(FluxgateCircuitBreakerProperties properties, @Nullable String instance,
            CircuitBreaker.Builder builder, ClassLoader classLoader) {
        Objects.requireNonNull(builder, "builder");
        new BreakerSettings(BreakerSettings.layersOf(properties, instance), classLoader).applyTo(builder);
        return builder;
    }
}
