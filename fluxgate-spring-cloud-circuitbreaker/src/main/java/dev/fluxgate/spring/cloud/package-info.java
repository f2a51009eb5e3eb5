/**
 * Spring Cloud CircuitBreaker on Fluxgate: {@link dev.fluxgate.spring.cloud.FluxgateCircuitBreakerFactory}
 * and {@link dev.fluxgate.spring.cloud.FluxgateReactiveCircuitBreakerFactory}, auto-configured for
 * Spring Cloud Gateway, Gateway Server MVC, OpenFeign and HTTP service clients.
 *
 * <h2>Thread safety</h2>
 * The factories and the circuit breakers they create are safe for concurrent use. Configuration
 * ({@code configure}, {@code configureDefault}) is meant for startup, before the first
 * {@code create} of an id: a breaker keeps the configuration it was created with.
 */
@NullMarked
package dev.fluxgate.spring.cloud;

import org.jspecify.annotations.NullMarked;
