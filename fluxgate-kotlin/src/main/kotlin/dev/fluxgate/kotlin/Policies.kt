package dev.fluxgate.kotlin

import dev.fluxgate.Bulkhead
import dev.fluxgate.CircuitBreaker
import dev.fluxgate.Policy
import dev.fluxgate.RateLimiter
import dev.fluxgate.Resilience
import dev.fluxgate.Retry
import dev.fluxgate.Timeout
import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.future.await
import kotlinx.coroutines.future.future
import kotlinx.coroutines.supervisorScope

/**
 * Runs [block] through this pipeline's policies, outermost first, each in its suspending form: a
 * [CircuitBreaker], [Retry], [Timeout], [Bulkhead] or [RateLimiter] as its own `executeSuspend`, a
 * nested [Resilience] likewise, and any other policy (a `Fallback`, `Hedge`, `AdaptiveBulkhead`,
 * `ThreadPoolBulkhead`, `Chaos`, or one of your own) as [Policy.executeSuspend] describes.
 *
 * `Resilience.of(retry, breaker, bulkhead, timeout).executeSuspend { fetch() }` retries, around a
 * breaker that sees every attempt, around a slot, around each attempt's time limit: no thread blocks
 * at any layer, and cancelling the caller cancels the attempt in flight and gives every permit back.
 *
 * @param block the call to protect
 * @return what [block] (or a fallback) returned
 */
suspend fun <T> Resilience.executeSuspend(block: suspend () -> T): T = chain(policies(), 0, block)

private suspend fun <T> chain(policies: List<Policy>, index: Int, block: suspend () -> T): T =
    if (index == policies.size) {
        block()
    } else {
        policyCall(policies[index]) { chain(policies, index + 1, block) }
    }

/**
 * Runs [block] under this policy, suspending instead of blocking. A [CircuitBreaker], [Retry],
 * [Timeout], [Bulkhead], [RateLimiter] or [Resilience] runs as its own `executeSuspend` (the same
 * function, chosen by the policy's runtime type). Any other policy runs through its
 * [Policy.callAsync]: [block] is started as a coroutine of the caller (`future { }`, in a supervisor
 * scope, so a failed attempt reaches the policy rather than cancelling the caller) each time the
 * policy starts the task (a `Hedge` may start it more than once), and the caller suspends on the
 * policy's future. Cancelling the caller cancels that future, which cancels the attempts in flight.
 * That policy keeps time on its own scheduler, not on the coroutine's clock.
 *
 * @param block the call to protect
 * @return what [block] (or the policy, for a fallback) returned
 */
suspend fun <T> Policy.executeSuspend(block: suspend () -> T): T = policyCall(this, block)

internal suspend fun <T> policyCall(policy: Policy, block: suspend () -> T): T = when (policy) {
    is CircuitBreaker -> breakerCall(policy, block)
    is Retry -> retryCall(policy, block)
    is Timeout -> timeoutCall(policy, block)
    is Bulkhead -> bulkheadCall(policy, block)
    is RateLimiter -> rateLimiterCall(policy, block)
    is Resilience -> chain(policy.policies(), 0, block)
    else -> viaFuture(policy, block)
}

/**
 * Through [Policy.callAsync]. The core declares `<T>` (a non-null type argument), yet passes results
 * through untouched, null included: the casts only tell Kotlin so, and erase to nothing.
 */
@Suppress("UNCHECKED_CAST")
private suspend fun <T> viaFuture(policy: Policy, block: suspend () -> T): T = supervisorScope {
    val outcome = policy.callAsync<Any> { future { block() } as CompletableFuture<Any> }
    outcome.await() as T
}
