package dev.fluxgate.kotlin

import dev.fluxgate.CallNotPermittedException
import dev.fluxgate.CircuitBreaker
import dev.fluxgate.Cooldown
import dev.fluxgate.Permit
import dev.fluxgate.State
import dev.fluxgate.Tripper
import java.io.IOException
import java.time.Duration
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

@OptIn(ExperimentalCoroutinesApi::class)
class CircuitBreakerSuspendTest {

    /** Opens on the first failure, probes after 1 s of virtual time with one probe at a time. */
    private fun TestScope.breaker(): CircuitBreaker = CircuitBreaker.builder("payments")
        .tripper(Tripper.failureStreak(1))
        .cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
        .permit(Permit.all())
        .maxHalfOpenCalls(1)
        .slowCallThreshold(Duration.ofMillis(50))
        .ticker(virtualTicker())
        .build()

    @Test
    fun `records results and failures with their durations on virtual time`() = runTest {
        val breaker = CircuitBreaker.builder("b")
            .tripper(Tripper.minRequests(10).and(Tripper.failureRate(1.0)))
            .slowCallThreshold(Duration.ofMillis(50))
            .ticker(virtualTicker())
            .build()

        val value = breaker.executeSuspend { delay(100); "ok" }
        val none: String? = breaker.executeSuspend { null }
        assertThrows<IOException> { breaker.executeSuspend { throw IOException("down") } }

        assertThat(value).isEqualTo("ok")
        assertThat(none).isNull()
        val metrics = breaker.metrics()
        assertThat(metrics.calls()).isEqualTo(3)
        assertThat(metrics.failures()).isEqualTo(1)
        assertThat(metrics.slowCalls(Duration.ofMillis(50))).isEqualTo(1) // the 100 ms of virtual time
    }

    @Test
    fun `an open breaker rejects without running the block`() = runTest {
        val breaker = breaker()
        assertThrows<IOException> { breaker.executeSuspend { throw IOException("down") } }
        var ran = false

        val rejected = assertThrows<CallNotPermittedException> { breaker.executeSuspend { ran = true } }

        assertThat(ran).isFalse()
        assertThat(rejected.state()).isEqualTo(State.OPEN)
    }

    @Test
    fun `a cancelled half-open probe gives its slot back and the breaker can still close`() = runTest {
        val breaker = breaker()
        assertThrows<IOException> { breaker.executeSuspend { throw IOException("down") } }
        advanceTimeBy(1_001)
        val probe = launch { breaker.executeSuspend { awaitCancellation() } }
        runCurrent()
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN)
        // The only slot is taken by the suspended probe.
        assertThrows<CallNotPermittedException> { breaker.executeSuspend { } }

        probe.cancel()
        probe.join()

        assertThat(breaker.executeSuspend { "recovered" }).isEqualTo("recovered")
        assertThat(breaker.state()).isEqualTo(State.CLOSED)
    }

    @Test
    fun `an inner withTimeout that runs out is a failure, not a cancellation`() = runTest {
        val breaker = breaker()

        assertThrows<TimeoutCancellationException> {
            breaker.executeSuspend { withTimeout(10) { delay(1_000) } }
        }

        assertThat(breaker.state()).isEqualTo(State.OPEN)
    }

    @Test
    fun `a flow collection is one call, recorded when the upstream ends`() = runTest {
        val breaker = CircuitBreaker.builder("flow").tripper(Tripper.minRequests(10).and(Tripper.failureRate(1.0))).build()

        assertThat(flowOf(1, 2, 3).circuitBreaker(breaker).toList()).containsExactly(1, 2, 3)
        assertThrows<IOException> {
            flow { emit(1); throw IOException("down") }.circuitBreaker(breaker).toList()
        }

        assertThat(breaker.metrics().calls()).isEqualTo(2)
        assertThat(breaker.metrics().failures()).isEqualTo(1)
    }

    @Test
    fun `a flow stopped by the collector gives the permit back without recording`() = runTest {
        val breaker = breaker()
        assertThrows<IOException> { breaker.executeSuspend { throw IOException("down") } }
        advanceTimeBy(1_001)

        // take(1) stops the upstream early: neither a success nor a failure, and the probe slot frees up.
        assertThat(flow { emit(1); awaitCancellation() }.circuitBreaker(breaker).take(1).toList()).containsExactly(1)
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN)
        assertThrows<IllegalStateException> {
            flowOf(1).circuitBreaker(breaker).collect { throw IllegalStateException("collector") }
        }
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN)

        assertThat(flowOf(7).circuitBreaker(breaker).toList()).containsExactly(7)
        assertThat(breaker.state()).isEqualTo(State.CLOSED)
    }
}
