package dev.fluxgate.kotlin

import dev.fluxgate.RateLimitedException
import dev.fluxgate.RateLimiter
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Takes [permits] from this rate limiter, suspending (with [delay], no thread blocked) until they may
 * be used: permits free now return at once; permits free within the limiter's maximum wait are
 * reserved ([RateLimiter.reserve]) and waited for; otherwise [RateLimitedException] is thrown and
 * nothing is taken. Cancelling the coroutine during the wait ends it, and the permits stay spent, as
 * the limiter documents for an interrupted [RateLimiter.acquire].
 *
 * @param permits the permits wanted, at least 1
 * @throws RateLimitedException if they are not free within the maximum wait
 * @throws IllegalArgumentException if [permits] is below 1
 */
suspend fun RateLimiter.acquireSuspend(permits: Int = 1) {
    val wait = reserve(permits)
    if (wait > 0) {
        delay(wait.nanoseconds)
    }
}

/**
 * Runs [block] once this rate limiter grants a permit, suspending for it as [acquireSuspend] does.
 *
 * @param block the call to run
 * @return what [block] returned
 * @throws RateLimitedException if no permit is free within the maximum wait ([block] does not run)
 */
suspend fun <T> RateLimiter.executeSuspend(block: suspend () -> T): T = rateLimiterCall(this, block)

internal suspend fun <T> rateLimiterCall(limiter: RateLimiter, block: suspend () -> T): T {
    limiter.acquireSuspend(1)
    return block()
}

/**
 * Starts each collection of this flow once [limiter] grants one permit, as [acquireSuspend] does (as
 * the Reactor operator, one permit per subscription). To limit the rate of elements instead, take a
 * permit per element: `flow.onEach { limiter.acquireSuspend() }`.
 *
 * @param limiter the rate limiter
 * @return a flow whose collections each take a permit first
 */
fun <T> Flow<T>.rateLimiter(limiter: RateLimiter): Flow<T> {
    val upstream = this
    return flow {
        limiter.acquireSuspend(1)
        upstream.collect { emit(it) }
    }
}
