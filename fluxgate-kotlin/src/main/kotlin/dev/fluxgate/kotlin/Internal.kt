package dev.fluxgate.kotlin

import dev.fluxgate.Ticker
import kotlin.coroutines.cancellation.CancellationException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive

/**
 * Whether [error] is the cancellation of the calling coroutine (its job was cancelled), as opposed to an
 * exception the block threw while its coroutine goes on, such as an inner `withTimeout`'s
 * `TimeoutCancellationException`, which is a failure like any other.
 */
internal suspend fun isCancellation(error: Throwable): Boolean =
    error is CancellationException && !currentCoroutineContext().isActive

/** Measures a call on [ticker] only when [timed]; reads the clock once at the start. */
internal class Stopwatch(private val ticker: Ticker, private val timed: Boolean) {
    private val start = if (timed) ticker.read() else 0L

    fun elapsed(): Long = if (timed) ticker.read() - start else 0L
}

/** Carries a result that may be null through a `*OrNull` function, whose null means something else. */
internal class Box<T>(val value: T)
