package dev.fluxgate.kotlin

import dev.fluxgate.RateLimitedException
import dev.fluxgate.RateLimiter
import java.time.Duration
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.flow.flowOf
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.test.TestScope
import kotlinx.coroutines.test.runTest
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

@OptIn(ExperimentalCoroutinesApi::class)
class RateLimiterSuspendTest {

    /** One permit a second, no burst beyond it, callers wait up to [maxWait]. */
    private fun TestScope.limiter(maxWait: Duration = Duration.ofSeconds(5)): RateLimiter = RateLimiter.builder("pricing")
        .rate(1, Duration.ofSeconds(1))
        .maxWait(maxWait)
        .ticker(virtualTicker())
        .build()

    @Test
    fun `a permit free later is waited for by suspending on virtual time`() = runTest {
        val limiter = limiter()

        assertThat(limiter.executeSuspend { "first" }).isEqualTo("first")
        assertThat(now).isZero()
        assertThat(limiter.executeSuspend { "second" }).isEqualTo("second")

        assertThat(now).isEqualTo(1_000)
        assertThat(limiter.permittedCalls()).isEqualTo(2)
    }

    @Test
    fun `a permit beyond the maximum wait is refused and the block does not run`() = runTest {
        val limiter = limiter(maxWait = Duration.ZERO)
        limiter.acquireSuspend()
        var ran = false

        assertThrows<RateLimitedException> { limiter.executeSuspend { ran = true } }

        assertThat(ran).isFalse()
        assertThat(now).isZero()
    }

    @Test
    fun `a flow takes a permit per collection, or per element with onEach`() = runTest {
        val limiter = limiter()

        assertThat(flowOf(1, 2, 3).rateLimiter(limiter).toList()).containsExactly(1, 2, 3)
        assertThat(now).isZero()
        assertThat(flowOf(1, 2, 3).onEach { limiter.acquireSuspend() }.toList()).containsExactly(1, 2, 3)
        assertThat(now).isEqualTo(3_000)
    }
}
