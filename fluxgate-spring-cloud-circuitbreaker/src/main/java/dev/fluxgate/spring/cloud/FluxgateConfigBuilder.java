package dev.fluxgate.spring.cloud;

import dev.fluxgate.CircuitBreaker;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.circuitbreaker.ConfigBuilder;

/**
 * Builds a {@link FluxgateCircuitBreakerConfig}: what {@code factory.configure(builder -> ..., ids)}
 * and {@code Customizer<FluxgateCircuitBreakerFactory>} beans use.
 *
 * <pre>{@code
 * @Bean
 * Customizer<FluxgateCircuitBreakerFactory> inventory() {
 *     return factory -> factory.configure(b -> b
 *             .breaker(cb -> cb.failureOnResult(r -> r instanceof ResponseEntity<?> e && e.getStatusCode().is5xxServerError()))
 *             .timeout(Duration.ofSeconds(2)), "inventory");
 * }
 * }</pre>
 *
 * <p>Not safe for concurrent use (a builder is used by one thread, then dropped).
 */
public final class FluxgateConfigBuilder implements ConfigBuilder<FluxgateCircuitBreakerConfig> {

    private final String id;
    private Consumer<CircuitBreaker.Builder> breaker = b -> { };
    private @Nullable Duration timeout;

    /**
     * A builder for {@code id}, with no breaker adjustments and no timeout of its own.
     *
     * @param id the id (or group) being configured
     */
    public FluxgateConfigBuilder(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    /**
     * Adds an adjustment of the breaker's builder; it runs after the properties, the starter's
     * {@code CircuitBreakerCustomizer}s and the adjustments added before it. For what properties
     * cannot say: a {@code failureOnResult} predicate, a lambda {@code Tracker}, a listener, a test
     * {@code Ticker}.
     *
     * @param customizer adjusts the builder
     * @return this builder
     */
    public FluxgateConfigBuilder breaker(Consumer<CircuitBreaker.Builder> customizer) {
        Objects.requireNonNull(customizer, "customizer");
        this.breaker = this.breaker.andThen(customizer);
        return this;
    }

    /**
     * Bounds each call by {@code timeout}, instead of {@code fluxgate.timeout.instances}. A call that
     * takes longer is cancelled (a blocking one interrupted) and fails with a
     * {@link java.util.concurrent.TimeoutException}, which the breaker records as a failure.
     *
     * @param timeout the limit, positive
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public FluxgateConfigBuilder timeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    @Override
    public FluxgateCircuitBreakerConfig build() {
        return new FluxgateCircuitBreakerConfig(id, breaker, timeout);
    }
}
