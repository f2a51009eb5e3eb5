package dev.fluxgate.kotlin

import dev.fluxgate.Bulkhead
import dev.fluxgate.BulkheadFullException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

@OptIn(ExperimentalCoroutinesApi::class)
class BulkheadSuspendTest {

    @Test
    fun `a full bulkhead rejects at once without running the block`() = runTest {
        val bulkhead = Bulkhead.of("payments", 1)
        val holder = launch { bulkhead.executeSuspend { awaitCancellation() } }
        runCurrent()
        var ran = false

        assertThrows<BulkheadFullException> { bulkhead.executeSuspend { ran = true } }

        assertThat(ran).isFalse()
        holder.cancel()
    }

    @Test
    fun `a cancelled call gives its slot back`() = runTest {
        val bulkhead = Bulkhead.of("payments", 1)
        val holder = launch { bulkhead.executeSuspend { awaitCancellation() } }
        runCurrent()
        assertThat(bulkhead.availablePermits()).isZero()

        holder.cancel()
        holder.join()

        assertThat(bulkhead.availablePermits()).isEqualTo(1)
        assertThat(bulkhead.executeSuspend { "next" }).isEqualTo("next")
    }

    @Test
    fun `a failed call gives its slot back`() = runTest {
        val bulkhead = Bulkhead.of("payments", 1)

        assertThrows<IllegalStateException> { bulkhead.executeSuspend { throw IllegalStateException("boom") } }

        assertThat(bulkhead.availablePermits()).isEqualTo(1)
    }

    @Test
    fun `a flow holds a slot for its collection and gives it back when cancelled`() = runTest {
        val bulkhead = Bulkhead.of("stream", 1)
        val collector = launch { flow { emit(1); awaitCancellation() }.bulkhead(bulkhead).collect {} }
        runCurrent()
        assertThat(bulkhead.availablePermits()).isZero()
        assertThrows<BulkheadFullException> { flowOf(1).bulkhead(bulkhead).toList() }

        collector.cancel()
        collector.join()

        assertThat(bulkhead.availablePermits()).isEqualTo(1)
        assertThat(flowOf(1, 2).bulkhead(bulkhead).toList()).containsExactly(1, 2)
    }
}
