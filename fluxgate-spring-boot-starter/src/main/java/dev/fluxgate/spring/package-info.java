/**
 * Spring Boot auto-configuration for Fluxgate: {@link dev.fluxgate.spring.FluxgateAutoConfiguration},
 * the {@code fluxgate.circuitbreaker.*} properties ({@link dev.fluxgate.spring.FluxgateCircuitBreakerProperties}),
 * {@link dev.fluxgate.spring.CircuitBreakerCustomizer} and the aspect behind
 * {@link dev.fluxgate.spring.annotation.CircuitBreaker}.
 *
 * <h2>Thread safety</h2>
 * The beans defined here are safe for concurrent use once the application context has started. The
 * property records are immutable. The aspect caches per-method plans in a concurrent map and holds
 * no lock while user code runs.
 */
@NullMarked
package dev.fluxgate.spring;

import org.jspecify.annotations.NullMarked;
