package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;

/**
 * Adjusts the builder of every breaker the starter creates, after the properties were applied: for
 * what properties cannot say (a {@code failureOnResult} predicate, a lambda {@code Tracker}, a
 * listener, a test {@code Ticker}). Declare one or more as beans; they run in {@code @Order}.
 *
 * <pre>{@code
 * @Bean
 * CircuitBreakerCustomizer httpErrors() {
 *     return (name, builder) -> builder.failureOnResult(r -> r instanceof ResponseEntity<?> e && e.getStatusCode().is5xxServerError());
 * }
 * }</pre>
 *
 * <p>Customizers apply to the breakers under {@code fluxgate.circuitbreaker.instances} (built at
 * startup) and to those first named by a {@code @CircuitBreaker} annotation. A breaker made by
 * calling {@code CircuitBreakerRegistry.get(name)} directly gets the registry's defaults only.
 */
@FunctionalInterface
public interface CircuitBreakerCustomizer {

    /**
     * Customizes the builder of breaker {@code name}.
     *
     * @param name the breaker's name
     * @param builder its builder, with the properties already applied
     */
    void customize(String name, CircuitBreaker.Builder builder);
}
