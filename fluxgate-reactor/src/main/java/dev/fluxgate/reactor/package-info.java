/**
 * Project Reactor operators for Fluxgate: {@link dev.fluxgate.reactor.CircuitBreakerOperator} runs a
 * {@code Mono} or {@code Flux} through a circuit breaker, used with {@code transformDeferred}.
 *
 * <h2>Thread safety</h2>
 * Operators are immutable and may be shared by any number of publishers and subscribers. Each
 * subscription holds its own permit; signals may arrive on any thread, and a race between the
 * outcome and cancellation settles the permit exactly once (a compare-and-set decides). No lock is
 * held and nothing blocks.
 */
package dev.fluxgate.reactor;
