package dev.fluxgate.kotlin

import dev.fluxgate.Ticker
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.TestScope

/** A ticker on the test's virtual time: what the patterns measure is what `delay` and `advanceTimeBy` move. */
@OptIn(ExperimentalCoroutinesApi::class)
fun TestScope.virtualTicker(): Ticker = Ticker { testScheduler.currentTime * 1_000_000L }

/** The test's virtual time, in milliseconds. */
@OptIn(ExperimentalCoroutinesApi::class)
val TestScope.now: Long
    get() = testScheduler.currentTime
