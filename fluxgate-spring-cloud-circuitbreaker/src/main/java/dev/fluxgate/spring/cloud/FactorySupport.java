package dev.fluxgate.spring.cloud;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Timeout;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What the blocking and the reactive factory share (Spring's two base classes have no common parent
 * that could hold it): one circuit breaker per id, created once from the {@link BreakerSource} with the
 * code configuration of the id, else of its group, else {@link #configureDefault}. Safe for concurrent
 * use.
 *
 * @param <B> the factory's circuit breaker type
 */
final class FactorySupport<B> {

    /** Makes the factory's circuit breaker around a Fluxgate breaker and its timeout (null: none). */
    interface Wrapper<B> {
        B wrap(CircuitBreaker breaker, @Nullable Timeout timeout);
    }

    private final BreakerSource source;
    private final Wrapper<B> wrapper;
    private final ConcurrentHashMap<String, B> breakers = new ConcurrentHashMap<>();
    private volatile @Nullable Function<String, FluxgateCircuitBreakerConfig> defaultConfiguration;

    FactorySupport(BreakerSource source, Wrapper<B> wrapper) {
        this.source = source;
        this.wrapper = wrapper;
    }

    /**
     * The circuit breaker of {@code id}, created on the first call.
     *
     * @param id the id
     * @param group the group, or null
     * @param configurations the factory's code configurations by id or group (Spring's base class holds them)
     * @return the same circuit breaker for the id on every call
     */
    B create(String id, @Nullable String group, Map<String, FluxgateCircuitBreakerConfig> configurations) {
        Objects.requireNonNull(id, "id");
        B known = breakers.get(id);
        if (known != null) {
            return known;
        }
        return breakers.computeIfAbsent(id, key -> {
            BreakerSource.Resolved r = source.resolve(key, group, codeConfiguration(key, group, configurations));
            return wrapper.wrap(r.breaker(), r.timeout());
        });
    }

    void configureDefault(Function<String, FluxgateCircuitBreakerConfig> defaultConfiguration) {
        this.defaultConfiguration = Objects.requireNonNull(defaultConfiguration, "defaultConfiguration");
    }

    private @Nullable FluxgateCircuitBreakerConfig codeConfiguration(String id, @Nullable String group,
            Map<String, FluxgateCircuitBreakerConfig> configurations) {
        FluxgateCircuitBreakerConfig own = configurations.get(id);
        if (own != null) {
            return own;
        }
        FluxgateCircuitBreakerConfig ofGroup = group == null ? null : configurations.get(group);
        if (ofGroup != null) {
            return ofGroup;
        }
        Function<String, FluxgateCircuitBreakerConfig> fallback = defaultConfiguration;
        return fallback == null ? null : fallback.apply(id);
    }
}
