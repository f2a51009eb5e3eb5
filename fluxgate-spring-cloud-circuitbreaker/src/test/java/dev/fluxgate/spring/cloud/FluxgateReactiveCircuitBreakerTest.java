package dev.fluxgate.spring.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Timeout;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * A reactive breaker's timeout counts its timeouts on both paths. Regression: a late Flux element failed
 * through Reactor's own {@code Flux.timeout}, so {@code Timeout.timeouts()} and the
 * {@code fluxgate.timeout.timeouts} meter never saw it.
 */
class FluxgateReactiveCircuitBreakerTest {

    @Test
    void aLateFluxElementFailsWithTimeoutExceptionAndIsCountedByTheTimeout() {
        Timeout timeout = Timeout.of(Duration.ofMillis(100));
        CircuitBreaker breaker = CircuitBreaker.builder("flux").build();
        FluxgateReactiveCircuitBreaker cb = new FluxgateReactiveCircuitBreaker(breaker, timeout);

        StepVerifier.create(cb.run(Flux.<String>never(), t -> Flux.just(t.getClass().getSimpleName())))
                .expectNext("TimeoutException")
                .expectComplete()
                .verify(Duration.ofSeconds(30)); // a bound for a broken build, not a timing assumption
        assertThat(timeout.timeouts()).isEqualTo(1);
        assertThat(breaker.metrics().failures()).isEqualTo(1);
    }

    @Test
    void aFluxInTimeIsNotCounted() {
        Timeout timeout = Timeout.of(Duration.ofMillis(100));
        FluxgateReactiveCircuitBreaker cb = new FluxgateReactiveCircuitBreaker(CircuitBreaker.builder("ok").build(), timeout);
        StepVerifier.create(cb.run(Flux.just("a", "b"), t -> Flux.empty())).expectNext("a", "b").verifyComplete();
        StepVerifier.create(cb.run(Mono.just("c"), t -> Mono.empty())).expectNext("c").verifyComplete();
        assertThat(timeout.timeouts()).isZero();
    }
}
