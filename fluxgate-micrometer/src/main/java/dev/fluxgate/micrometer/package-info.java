/**
 * Micrometer meters for Fluxgate circuit breakers: {@link dev.fluxgate.micrometer.CircuitBreakerMeters}
 * binds a breaker or a whole {@link dev.fluxgate.CircuitBreakerRegistry} to a
 * {@link io.micrometer.core.instrument.MeterRegistry}; {@link dev.fluxgate.micrometer.MeterNaming}
 * chooses Fluxgate's meter names or Resilience4j's.
 *
 * <h2>Thread safety</h2>
 * {@code CircuitBreakerMeters} is immutable. Bindings are safe for concurrent use: per-call meters are
 * updated from whichever thread made the call (Micrometer's timers and counters are lock-free), gauges
 * are read from the scraping thread and take the breaker's lock only for the brief
 * {@link dev.fluxgate.CircuitBreaker#metrics()} snapshot. {@code close()} may race with calls and
 * transitions; a meter created by a transition during {@code close()} is removed too.
 */
@NullMarked
package dev.fluxgate.micrometer;

import org.jspecify.annotations.NullMarked;
