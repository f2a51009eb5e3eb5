package dev.fluxgate.kotlin

import dev.fluxgate.Bulkhead
import dev.fluxgate.BulkheadFullException
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Runs [block] in a slot of this bulkhead. As [Bulkhead.callAsync], it never waits for a slot (a
 * coroutine must not park a thread on the bulkhead's semaphore): when none is free it throws
 * [BulkheadFullException] at once and [block] does not run. The slot is held while [block] runs,
 * suspensions included, and given back exactly once when it returns, throws or is cancelled.
 *
 * @param block the call to run in a slot
 * @return what [block] returned
 * @throws BulkheadFullException if every slot is taken
 */
suspend fun <T> Bulkhead.executeSuspend(block: suspend () -> T): T = bulkheadCall(this, block)

internal suspend fun <T> bulkheadCall(bulkhead: Bulkhead, block: suspend () -> T): T {
    if (!bulkhead.tryAcquirePermission()) {
        throw full(bulkhead)
    }
    try {
        return block()
    } finally {
        bulkhead.releasePermission()
    }
}

private fun full(bulkhead: Bulkhead) = BulkheadFullException(bulkhead.name(),
    "Bulkhead '${bulkhead.name()}' is full (${bulkhead.maxConcurrentCalls()} concurrent calls)")

/**
 * Holds a slot of [bulkhead] for each whole collection of this flow, taken without waiting when the
 * collection starts ([BulkheadFullException] to the collector when none is free; the upstream then
 * never starts) and given back exactly once when the collection completes, fails or is cancelled.
 *
 * @param bulkhead the bulkhead
 * @return a flow whose collections each run in a slot
 */
fun <T> Flow<T>.bulkhead(bulkhead: Bulkhead): Flow<T> {
    val upstream = this
    return flow {
        bulkheadCall(bulkhead) { upstream.collect { emit(it) } }
    }
}
