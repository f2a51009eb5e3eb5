package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Applies the {@code fluxgate.circuitbreaker} properties of one configured instance to a builder of
 * any name: for integrations that create breakers under names of their own but configure them like
 * an instance (Spring Cloud CircuitBreaker's ids, which take their group's configuration when they
 * have none of their own). The layers and their order are those of
 * {@link FluxgateCircuitBreakerProperties}: {@code configs.default}, the instance's base config, the
 * instance. Safe for concurrent use.
 */
public final class ConfiguredBreakerSettings {

    private final ConfiguredBreakers breakers;

    /** The starter's bean; integrations receive it by injection. */
    ConfiguredBreakerSettings(ConfiguredBreakers breakers) {
        this.breakers = Objects.requireNonNull(breakers, "breakers");
    }

    /**
     * The breaker called {@code name} from the starter's registry; if absent, it is created configured
     * like instance {@code instance} (the layers of {@link #applyTo}), then by the starter's
     * {@link CircuitBreakerCustomizer}s, then by {@code code}, and a live reconfiguration
     * ({@link LiveReconfiguration}) later applies that same chain to the new properties, keeping the
     * breaker's state. A breaker that already exists is returned as it is.
     *
     * @param name the breaker's name
     * @param instance the name under {@code fluxgate.circuitbreaker.instances} whose settings it takes, or
     *     null for {@code configs.default} alone
     * @param code the integration's own configuration, applied last (again at each reconfiguration)
     * @return the breaker
     * @throws IllegalArgumentException when the resulting configuration is invalid
     */
    public CircuitBreaker breakerLike(String name, @Nullable String instance, Consumer<? super CircuitBreaker.Builder> code) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(code, "code");
        return breakers.breakerLike(name, instance, code);
    }

    /**
     * The {@code fluxgate.circuitbreaker} properties as last applied (at startup, then by each live
     * reconfiguration).
     *
     * @return the properties
     */
    public FluxgateCircuitBreakerProperties properties() {
        return breakers.properties();
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
