package dev.fluxgate.kotlin

import dev.fluxgate.Backoff
import dev.fluxgate.Retry
import dev.fluxgate.RetryDelay
import java.io.IOException
import java.time.Duration
import java.util.Optional
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.advanceTimeBy
import kotlinx.coroutines.test.runCurrent
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

@OptIn(ExperimentalCoroutinesApi::class)
class RetrySuspendTest {

    /** Up to [attempts] attempts, waiting 1 s, 2 s, 4 s... of virtual time between them. */
    private fun TestScope.retry(attempts: Int = 4): Retry.Builder = Retry.builder("inventory")
        .maxAttempts(attempts)
        .backoff(Backoff.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30)))
        .ticker(virtualTicker())

    @Test
    fun `waits the backoff by suspending on virtual time and returns the first success`() = runTest {
        val retry = retry().build()
        var calls = 0

        val value = retry.executeSuspend {
            calls++
            if (calls < 3) throw IOException("attempt $calls") else "ok"
        }

        assertThat(value).isEqualTo("ok")
        assertThat(now).isEqualTo(3_000) // 1 s + 2 s, passed as virtual time: no thread slept
        assertThat(retry.retries()).isEqualTo(2)
        assertThat(retry.successfulCallsWithRetry()).isEqualTo(1)
    }

    @Test
    fun `gives up after maxAttempts with the earlier failures suppressed`() = runTest {
        val retry = retry(attempts = 3).build()
        var calls = 0

        val thrown = assertThrows<IOException> { retry.executeSuspend { throw IOException("attempt ${++calls}") } }

        assertThat(thrown).hasMessage("attempt 3")
        assertThat(thrown.suppressed.map { it.message }).containsExactly("attempt 1", "attempt 2")
        assertThat(retry.failedCallsWithRetry()).isEqualTo(1)
    }

    @Test
    fun `cancelling the caller during a wait stops the retries`() = runTest {
        val retry = retry(attempts = 10).build()
        var calls = 0
        val job = launch { retry.executeSuspend<Unit> { calls++; throw IOException("down") } }
        runCurrent()
        advanceTimeBy(1_001)
        assertThat(calls).isEqualTo(2) // the first attempt and one retry, now waiting 2 s

        job.cancel()
        advanceTimeBy(60_000)

        assertThat(calls).isEqualTo(2)
        assertThat(job.isCancelled).isTrue()
        // Neither a success nor a failure, as a cancelled callAsync.
        assertThat(retry.failedCallsWithRetry() + retry.successfulCallsWithRetry()).isZero()
    }

    @Test
    fun `a delay the failure asks for is a floor, and one over maxDelay stops at once`() = runTest {
        val retry = retry()
            .delayFrom(RetryDelay.onFailure(RetryAfterException::class.java) { Optional.of(it.after) })
            .maxDelay(Duration.ofSeconds(10))
            .build()
        var calls = 0

        val value = retry.executeSuspend {
            if (++calls == 1) throw RetryAfterException(Duration.ofSeconds(5)) else "ok"
        }
        assertThat(value).isEqualTo("ok")
        assertThat(now).isEqualTo(5_000) // max(5 s asked, 1 s backoff)

        calls = 0
        assertThrows<RetryAfterException> {
            retry.executeSuspend<String> { calls++; throw RetryAfterException(Duration.ofMinutes(5)) }
        }
        assertThat(calls).isEqualTo(1)
        assertThat(now).isEqualTo(5_000)
    }

    @Test
    fun `maxDuration is measured on the retry's ticker`() = runTest {
        val retry = retry(attempts = 10).maxDuration(Duration.ofMillis(2_500)).build()
        var calls = 0

        assertThrows<IOException> { retry.executeSuspend<Unit> { calls++; throw IOException("down") } }

        // Attempts at 0 s and 1 s; the next would start at 3 s, past the 2.5 s allowed.
        assertThat(calls).isEqualTo(2)
        assertThat(now).isEqualTo(1_000)
    }

    @Test
    fun `a retryable result is retried and the last one returned when the attempts run out`() = runTest {
        val retry = retry(attempts = 2).retryOnResult { it == "busy" }.build()
        var calls = 0

        val value = retry.executeSuspend { calls++; "busy" }
        val none: String? = retry.executeSuspend { null } // a null result reaches the predicate and is accepted

        assertThat(value).isEqualTo("busy")
        assertThat(calls).isEqualTo(2)
        assertThat(none).isNull()
    }

    @Test
    fun `a flow is collected again after a failure`() = runTest {
        val retry = retry().build()
        var collections = 0
        val source = flow {
            collections++
            if (collections < 3) throw IOException("collection $collections")
            emit("a")
            emit("b")
        }

        assertThat(source.retry(retry).toList()).containsExactly("a", "b")
        assertThat(collections).isEqualTo(3)
        assertThat(now).isEqualTo(3_000)
    }

    @Test
    fun `an exception thrown by the flow's collector is not retried`() = runTest {
        val retry = retry().build()
        var collections = 0
        val source = flow { collections++; emit(1) }

        assertThrows<IllegalStateException> {
            source.retry(retry).collect { throw IllegalStateException("collector") }
        }
        assertThat(collections).isEqualTo(1)
    }

    private class RetryAfterException(val after: Duration) : Exception("retry after $after")
}
