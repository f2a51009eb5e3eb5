package dev.fluxgate.kotlin

import dev.fluxgate.Timeout
import java.util.concurrent.TimeoutException
import kotlin.time.toKotlinDuration
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.withTimeoutOrNull

/**
 * Runs [block] within [Timeout.timeout], suspending instead of blocking (as `withTimeout`, on the
 * coroutine's own clock: virtual time under `kotlinx-coroutines-test`). When the time is up [block] is
 * cancelled, the timeout's [Timeout.timeouts] counter counts it, and the caller gets a
 * [TimeoutException] (as from [Timeout.callAsync]) rather than a `CancellationException`: an ordinary
 * exception, which a circuit breaker outside records as a failure and a retry outside retries.
 *
 * An inner `withTimeout` that runs out inside [block] is [block]'s own exception and passes through
 * unchanged (not counted).
 *
 * @param block the call to bound
 * @return what [block] returned (null included)
 * @throws TimeoutException if [block] did not complete in time
 */
suspend fun <T> Timeout.executeSuspend(block: suspend () -> T): T = timeoutCall(this, block)

internal suspend fun <T> timeoutCall(timeout: Timeout, block: suspend () -> T): T {
    val outcome = withTimeoutOrNull(timeout.timeout().toKotlinDuration()) { Box(block()) }
    if (outcome == null) {
        throw timedOut(timeout) // a null result arrives boxed: null here is the time running out
    }
    return outcome.value
}

private fun timedOut(timeout: Timeout): TimeoutException {
    timeout.recordTimeout()
    return TimeoutException(
        "Timeout '${timeout.name()}': call did not complete within ${timeout.timeout().toKotlinDuration()}")
}

/**
 * Bounds each whole collection of this flow (from its start to its completion, the collector's time
 * included) by [timeout]: when the time is up the collection is cancelled, [Timeout.timeouts] counts
 * it, and the collector gets a [TimeoutException]. For a limit on the time between elements, use
 * kotlinx's own `timeout(Duration)`.
 *
 * @param timeout the timeout
 * @return a flow whose collections are bounded by [timeout]
 */
fun <T> Flow<T>.timeout(timeout: Timeout): Flow<T> {
    val upstream = this
    return flow {
        withTimeoutOrNull(timeout.timeout().toKotlinDuration()) {
            upstream.collect { emit(it) }
            Unit
        } ?: throw timedOut(timeout)
    }
}
