/**
 * Project Reactor operators for Fluxgate, used with {@code transformDeferred}:
 * {@link dev.fluxgate.reactor.CircuitBreakerOperator}, {@link dev.fluxgate.reactor.BulkheadOperator} and
 * {@link dev.fluxgate.reactor.RateLimiterOperator} for a {@code Mono} or {@code Flux}, {@link dev.fluxgate.reactor.RetryOperator},
 * {@link dev.fluxgate.reactor.TimeoutOperator} and {@link dev.fluxgate.reactor.HedgeOperator} for a {@code Mono}.
 *
 * <h2>Thread safety</h2>
 * Operators are immutable and may be shared by any number of publishers and subscribers. Each
 * subscription holds its own permit; signals may arrive on any thread, and a race between the
 * outcome and cancellation settles the permit (or bulkhead slot) exactly once (a compare-and-set
 * decides). No lock is held and nothing blocks: retries wait on the {@code Retry}'s scheduler,
 * timeouts on the {@code Timeout}'s, and a rate limiter's wait is a {@code Mono.delay}.
 */
@NullMarked
package dev.fluxgate.reactor;

import org.jspecify.annotations.NullMarked;
