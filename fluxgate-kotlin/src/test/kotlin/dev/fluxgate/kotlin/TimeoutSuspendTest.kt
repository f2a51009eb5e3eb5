package dev.fluxgate.kotlin

import dev.fluxgate.Timeout
import java.time.Duration
import java.util.concurrent.TimeoutException
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.withTimeout
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

@OptIn(ExperimentalCoroutinesApi::class)
class TimeoutSuspendTest {

    private val timeout = Timeout.builder("inventory").timeout(Duration.ofSeconds(2)).build()

    @Test
    fun `a call that runs out of time is cancelled and fails with TimeoutException`() = runTest {
        var cancelled = false

        val thrown = assertThrows<TimeoutException> {
            timeout.executeSuspend {
                try {
                    awaitCancellation()
                } finally {
                    cancelled = true
                }
            }
        }

        assertThat(now).isEqualTo(2_000) // the deadline passed on virtual time, no thread waited
        assertThat(cancelled).isTrue()
        assertThat(thrown).hasMessageContaining("inventory").hasMessageContaining("2s")
        assertThat(timeout.timeouts()).isEqualTo(1)
    }

    @Test
    fun `a call within the time returns its result, null included`() = runTest {
        assertThat(timeout.executeSuspend { delay(1_999); "ok" }).isEqualTo("ok")
        assertThat(timeout.executeSuspend<String?> { null }).isNull()
        assertThat(timeout.timeouts()).isZero()
    }

    @Test
    fun `an inner withTimeout that runs out passes through unchanged and uncounted`() = runTest {
        assertThrows<TimeoutCancellationException> {
            timeout.executeSuspend { withTimeout(100) { delay(1_000) } }
        }
        assertThat(timeout.timeouts()).isZero()
    }

    @Test
    fun `a flow's whole collection is bounded`() = runTest {
        assertThat(flow { emit(1); delay(1_000); emit(2) }.timeout(timeout).toList()).containsExactly(1, 2)

        val seen = mutableListOf<Int>()
        assertThrows<TimeoutException> {
            flow { emit(1); delay(1_500); emit(2); delay(1_500); emit(3) }.timeout(timeout).collect { seen += it }
        }
        assertThat(seen).containsExactly(1, 2)
        assertThat(timeout.timeouts()).isEqualTo(1)
    }
}
