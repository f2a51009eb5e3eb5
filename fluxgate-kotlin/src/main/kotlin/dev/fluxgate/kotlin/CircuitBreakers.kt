package dev.fluxgate.kotlin

import dev.fluxgate.CallNotPermittedException
import dev.fluxgate.CircuitBreaker
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Runs [block] through this circuit breaker, suspending instead of blocking.
 *
 * The call takes a permit from the breaker's permit API first ([CircuitBreaker.acquirePermission]); a
 * breaker that rejects it throws [CallNotPermittedException] and [block] never runs. The outcome is
 * recorded as [CircuitBreaker.call] records it: a result through `failureOnResult` (a null result
 * included), an exception through the tracker, with the duration measured on the breaker's ticker when
 * the breaker needs durations.
 *
 * Cancelling the calling coroutine while [block] runs gives the permit back without recording anything
 * ([CircuitBreaker.releasePermission]): a HALF_OPEN probe frees its slot, so a cancelled probe can never
 * keep the breaker from closing. A `CancellationException` that [block] throws while its coroutine is
 * still active (an inner `withTimeout` that ran out) is an ordinary exception: the tracker judges it.
 *
 * @param block the call to protect
 * @return what [block] returned
 * @throws CallNotPermittedException if the breaker rejects the call
 */
suspend fun <T> CircuitBreaker.executeSuspend(block: suspend () -> T): T = breakerCall(this, block)

internal suspend fun <T> breakerCall(breaker: CircuitBreaker, block: suspend () -> T): T {
    val permit = breaker.acquirePermission()
    val watch = Stopwatch(breaker.ticker(), breaker.isTimed)
    val result = try {
        block()
    } catch (e: Throwable) {
        if (isCancellation(e)) {
            breaker.releasePermission(permit)
        } else {
            breaker.recordError(permit, watch.elapsed(), e)
        }
        throw e
    }
    breaker.recordResult(permit, watch.elapsed(), result)
    return result
}

/**
 * Collects this flow through [breaker]: each collection takes one permit when it starts (a rejection
 * throws [CallNotPermittedException] to the collector before the upstream starts), and settles it when
 * the upstream ends: a success when it completes, its exception (through the tracker) when it fails.
 * A collection that ends for the collector's sake (cancellation, an exception thrown downstream, an
 * operator such as `take` that stops early) gives the permit back without recording anything, so a
 * HALF_OPEN probe frees its slot.
 *
 * @param breaker the circuit breaker
 * @return a flow that asks [breaker] before each collection
 */
fun <T> Flow<T>.circuitBreaker(breaker: CircuitBreaker): Flow<T> {
    val upstream = this
    return flow {
        val permit = breaker.acquirePermission()
        val watch = Stopwatch(breaker.ticker(), breaker.isTimed)
        var downstream: Throwable? = null
        try {
            upstream.collect { value ->
                try {
                    emit(value)
                } catch (e: Throwable) {
                    downstream = e
                    throw e
                }
            }
        } catch (e: Throwable) {
            if (e === downstream || isCancellation(e)) {
                breaker.releasePermission(permit)
            } else {
                breaker.recordError(permit, watch.elapsed(), e)
            }
            throw e
        }
        breaker.recordSuccess(permit, watch.elapsed())
    }
}
