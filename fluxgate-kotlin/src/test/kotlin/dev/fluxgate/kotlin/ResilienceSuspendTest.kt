package dev.fluxgate.kotlin

import dev.fluxgate.Backoff
import dev.fluxgate.Bulkhead
import dev.fluxgate.CallNotPermittedException
import dev.fluxgate.CircuitBreaker
import dev.fluxgate.Fallback
import dev.fluxgate.Hedge
import dev.fluxgate.Policy
import dev.fluxgate.Resilience
import dev.fluxgate.Retry
import dev.fluxgate.Timeout
import dev.fluxgate.Tripper
import java.io.IOException
import java.time.Duration
import java.util.concurrent.TimeoutException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

@OptIn(ExperimentalCoroutinesApi::class)
class ResilienceSuspendTest {

    @Test
    fun `retry around breaker around bulkhead around timeout, all suspending on virtual time`() = runTest {
        val retry = Retry.builder("r").maxAttempts(3).backoff(Backoff.constant(Duration.ofMillis(500)))
            .ticker(virtualTicker()).build()
        val breaker = CircuitBreaker.builder("b").tripper(Tripper.minRequests(10).and(Tripper.failureRate(1.0)))
            .ticker(virtualTicker()).build()
        val bulkhead = Bulkhead.of("k", 1)
        val timeout = Timeout.builder("t").timeout(Duration.ofSeconds(1)).build()
        var calls = 0

        val value = Resilience.of(retry, breaker, bulkhead, timeout).executeSuspend {
            if (++calls == 1) delay(10_000) // the first attempt times out
            "ok"
        }

        assertThat(value).isEqualTo("ok")
        assertThat(now).isEqualTo(1_500) // 1 s to the timeout, 0.5 s of backoff
        assertThat(timeout.timeouts()).isEqualTo(1)
        assertThat(breaker.metrics().calls()).isEqualTo(2)
        assertThat(breaker.metrics().failures()).isEqualTo(1) // the TimeoutException
        assertThat(retry.successfulCallsWithRetry()).isEqualTo(1)
        assertThat(bulkhead.availablePermits()).isEqualTo(1)
    }

    @Test
    fun `cancelling a pipeline call gives every permit back`() = runTest {
        val breaker = CircuitBreaker.ofDefaults("b")
        val bulkhead = Bulkhead.of("k", 1)
        val pipeline = Resilience.of(breaker, Resilience.of(bulkhead))
        val job = launch { pipeline.executeSuspend { awaitCancellation() } }
        runCurrent()
        assertThat(bulkhead.availablePermits()).isZero()

        job.cancel()
        job.join()

        assertThat(bulkhead.availablePermits()).isEqualTo(1)
        assertThat(breaker.metrics().calls()).isZero() // released, not recorded
    }

    @Test
    fun `a fallback outside the breaker answers for a rejection, through callAsync`() = runTest {
        val breaker = CircuitBreaker.ofDefaults("b")
        breaker.forceOpen()
        val pipeline = Resilience.of(Fallback.of<String> { "cached" }, breaker)

        assertThat(pipeline.executeSuspend { "live" }).isEqualTo("cached")
        assertThrows<CallNotPermittedException> { Resilience.of(breaker).executeSuspend { } }
    }

    @Test
    fun `a policy without a suspend form still passes failures, and null results, through`() = runTest {
        val fallback: Policy = Fallback.builder<String>().on(IOException::class.java) { "fallback" }.build()

        assertThat(fallback.executeSuspend<String?> { null }).isNull()
        assertThat(fallback.executeSuspend<String> { throw IOException("down") }).isEqualTo("fallback")
        assertThrows<IllegalStateException> { fallback.executeSuspend<String> { throw IllegalStateException("other") } }
    }

    @Test
    fun `a hedge starts the block again and cancels the loser`() = runTest {
        val hedge = Hedge.builder("h").delay(Duration.ofMillis(1)).maxAttempts(2).build()
        var started = 0
        var cancelled = 0

        val value = hedge.executeSuspend {
            val attempt = ++started
            if (attempt == 1) {
                try {
                    awaitCancellation()
                } finally {
                    cancelled++
                }
            }
            "hedged"
        }

        assertThat(value).isEqualTo("hedged")
        assertThat(started).isEqualTo(2)
        assertThat(cancelled).isEqualTo(1)
    }

    @Test
    fun `a timeout inside a pipeline is a TimeoutException to the caller`() = runTest {
        val pipeline = Resilience.of(Timeout.of(Duration.ofMillis(100)))

        assertThrows<TimeoutException> { pipeline.executeSuspend { delay(1_000) } }
        assertThat(now).isEqualTo(100)
    }
}
