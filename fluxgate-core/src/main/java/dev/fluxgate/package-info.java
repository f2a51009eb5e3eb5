/**
 * Fluxgate: a circuit breaker assembled from small composable parts, and the resilience patterns
 * that sit beside it.
 *
 * <ul>
 *   <li>{@link dev.fluxgate.CircuitBreaker} runs calls; {@link dev.fluxgate.CircuitBreakerRegistry}
 *       names and shares them.
 *   <li>Every pattern is a {@link dev.fluxgate.Policy}: one way to compose
 *       ({@code Resilience.of(retry, breaker, bulkhead, timeout)}), one way to decorate
 *       ({@code policy.decorate(...)}), and one way to look up by name (a {@link dev.fluxgate.Registry}
 *       per pattern).
 *   <li>{@link dev.fluxgate.Window} says which calls are judged, {@link dev.fluxgate.Tracker} which
 *       exceptions count, {@link dev.fluxgate.Tripper} when to open, {@link dev.fluxgate.Cooldown} how
 *       long to stay open, {@link dev.fluxgate.Permit} which probes to admit.
 *   <li>{@link dev.fluxgate.Listener} hears {@link dev.fluxgate.Transition}s and call events;
 *       {@link dev.fluxgate.Listeners} has ready-made ones (logging, JDK Flight Recorder).
 *   <li>Beside the breaker: {@link dev.fluxgate.Retry} with {@link dev.fluxgate.Backoff},
 *       {@link dev.fluxgate.Timeout}, {@link dev.fluxgate.Bulkhead} and
 *       {@link dev.fluxgate.ThreadPoolBulkhead}, {@link dev.fluxgate.Fallback} and
 *       {@link dev.fluxgate.LastKnownGood}, composed by {@link dev.fluxgate.Resilience} (recommended
 *       order, outermost first: fallback, retry, circuit breaker, bulkhead, timeout);
 *       {@link dev.fluxgate.HealthReport} summarizes a registry for readiness probes.
 * </ul>
 *
 * <h2>Thread safety</h2>
 * Every public type in this package is safe for concurrent use, except the builders, which are
 * meant to be used by one thread and copy their configuration at {@code build()}. Policies
 * ({@code Tracker}, {@code Tripper}, {@code Cooldown}, {@code Permit}, {@code Window}) are immutable
 * values. Breakers take no Java monitor locks (virtual threads do not pin on them), never hold a
 * lock while user code or a listener runs, and allocate nothing on the CLOSED success path.
 */
@NullMarked
package dev.fluxgate;

import org.jspecify.annotations.NullMarked;
