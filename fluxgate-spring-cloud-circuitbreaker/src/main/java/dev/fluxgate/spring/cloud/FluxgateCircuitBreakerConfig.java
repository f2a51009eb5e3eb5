package dev.fluxgate.spring.cloud;

import dev.fluxgate.CircuitBreaker;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The configuration that code gives one Spring Cloud circuit breaker id (or group, or every id
 * through {@code configureDefault}), on top of the {@code fluxgate.circuitbreaker} properties. Built
 * with {@link FluxgateConfigBuilder}. Immutable.
 *
 * @param id the id (or group) it was built for
 * @param breaker adjusts the breaker's builder after the properties and the starter's
 *     {@code CircuitBreakerCustomizer}s
 * @param timeout the time limit of each call, or null to take it from {@code fluxgate.timeout.instances}
 *     (the id's, then the group's; none when neither is set)
 */
public record FluxgateCircuitBreakerConfig(String id, Consumer<CircuitBreaker.Builder> breaker,
        @Nullable Duration timeout) {

    /**
     * Checks the arguments.
     *
     * @param id the id (or group) it was built for
     * @param breaker adjusts the breaker's builder
     * @param timeout the time limit of each call, or null
     * @throws NullPointerException if {@code id} or {@code breaker} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public FluxgateCircuitBreakerConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(breaker, "breaker");
        if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
    }
}
