package dev.fluxgate.kotlin

import dev.fluxgate.Retry
import kotlin.time.Duration.Companion.nanoseconds
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Runs [block], retrying as [this] retry is configured, and waits between attempts with [delay]: the
 * coroutine suspends, no thread is blocked (and under `kotlinx-coroutines-test` the waits pass on
 * virtual time).
 *
 * Every decision is the retry's own ([Retry.attempts]): `maxAttempts`, `maxDuration` on its ticker,
 * the backoff with its jitter, `retryOn` / `abortOn` / `retryOnResult`, `delayFrom` (a server's
 * `Retry-After`) capped by `maxDelay`, the budget, the counters and the listeners, exactly as
 * [Retry.call]. When the retries run out the last exception is thrown with the earlier ones attached as
 * suppressed, or the last retryable result is returned.
 *
 * Cancelling the calling coroutine, during an attempt or during a wait, stops the retries at once: no
 * further attempt starts, and the call counts as neither a success nor a failure (as a cancelled
 * [Retry.callAsync]). A `CancellationException` that [block] throws while its coroutine is still active
 * (an inner `withTimeout` that ran out) is an ordinary exception: `retryOn` decides.
 *
 * @param block one attempt
 * @return the first accepted result, or the last result when result retries ran out
 */
suspend fun <T> Retry.executeSuspend(block: suspend () -> T): T = retryCall(this, block)

internal suspend fun <T> retryCall(retry: Retry, block: suspend () -> T): T {
    val attempts = retry.attempts()
    while (true) {
        attempts.begin()
        val result = try {
            block()
        } catch (e: Throwable) {
            if (isCancellation(e)) {
                throw e
            }
            val wait = attempts.onFailure(e)
            if (wait < 0) {
                throw e
            }
            delay(wait.nanoseconds)
            continue
        }
        val wait = attempts.onResult(result)
        if (wait < 0) {
            return result
        }
        delay(wait.nanoseconds)
    }
}

/**
 * Collects this flow again when it fails, as [retry] decides (see [Retry.executeSuspend]): each
 * collection is one attempt, and the waits suspend. Elements emitted before a failure are emitted
 * again by the next attempt, so this suits flows that fail before emitting, or whose collectors
 * tolerate repeats. A collection that completes is reported to the retry as the result [Unit] (so a
 * `retryOnResult` predicate sees `Unit`). An exception thrown downstream (by the collector) and
 * cancellation are never retried.
 *
 * @param retry the retry
 * @return a flow that collects this one again on failure
 */
fun <T> Flow<T>.retry(retry: Retry): Flow<T> {
    val upstream = this
    return flow {
        val attempts = retry.attempts()
        while (true) {
            attempts.begin()
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
                    throw e
                }
                val wait = attempts.onFailure(e)
                if (wait < 0) {
                    throw e
                }
                delay(wait.nanoseconds)
                continue
            }
            val wait = attempts.onResult(Unit)
            if (wait < 0) {
                return@flow
            }
            delay(wait.nanoseconds)
        }
    }
}
