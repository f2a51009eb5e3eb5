package dev.fluxgate.kotlin

import dev.fluxgate.Backoff
import dev.fluxgate.Bulkhead
import dev.fluxgate.CircuitBreaker
import dev.fluxgate.Resilience
import dev.fluxgate.Retry
import dev.fluxgate.Timeout
import dev.fluxgate.Tripper
import java.time.Duration
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.runBlocking
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test

/** The README's Kotlin example, as written there (inside an object), so that it keeps compiling and running. */
class ReadmeExampleTest {

    object Example {
        val breaker = CircuitBreaker.builder("inventory")
            .tripper(Tripper.minRequests(10).and(Tripper.failureRate(0.5)))
            .build()
        val retry = Retry.builder("inventory")
            .maxAttempts(3)
            .backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)))
            .build()
        val bulkhead = Bulkhead.of("inventory", 20)
        val timeout = Timeout.builder("inventory").timeout(Duration.ofSeconds(2)).build()
        val printed = mutableListOf<Any>()

        fun println(value: Any) {
            printed += value
        }

        suspend fun stock(sku: String): Int {
            delay(50) // stands in for a suspending HTTP call
            return sku.length
        }

        fun main() = runBlocking {
            println(breaker.executeSuspend { stock("A-1") })                  // one pattern
            val pipeline = Resilience.of(retry, breaker, bulkhead, timeout)   // outermost first
            println(pipeline.executeSuspend { stock("B-22") })                // all of them
            flow { emit(stock("C-333")) }
                .timeout(timeout)
                .circuitBreaker(breaker)
                .collect { println(it) }
        }
    }

    @Test
    fun `the README example runs`() {
        Example.main()

        assertThat(Example.printed).containsExactly(3, 4, 5)
        assertThat(Example.breaker.metrics().calls()).isEqualTo(3)
    }
}
