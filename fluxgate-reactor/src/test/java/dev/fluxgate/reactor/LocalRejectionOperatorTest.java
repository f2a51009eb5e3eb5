package dev.fluxgate.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.BulkheadFullException;
import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.State;
import dev.fluxgate.Tripper;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The breaker operator, like the breaker, does not count a policy's own rejection as a failure. */
class LocalRejectionOperatorTest {

    @Test
    void aFullBulkheadInsideTheBreakerOperatorDoesNotOpenIt() {
        CircuitBreaker cb = CircuitBreaker.builder("reactive").tripper(Tripper.failureStreak(1)).build();
        Bulkhead bulkhead = Bulkhead.of("reactive", 1);
        Sinks.One<String> slow = Sinks.one();
        Disposable holding = slow.asMono().transformDeferred(BulkheadOperator.of(bulkhead))
                .transformDeferred(CircuitBreakerOperator.of(cb)).subscribe();

        for (int i = 0; i < 3; i++) {
            StepVerifier.create(Mono.just("x").transformDeferred(BulkheadOperator.of(bulkhead))
                            .transformDeferred(CircuitBreakerOperator.of(cb)))
                    .expectError(BulkheadFullException.class).verify();
        }
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(cb.metrics().ignoredCalls()).isEqualTo(3);
        assertThat(cb.metrics().failedCalls()).isZero();

        slow.tryEmitValue("done");
        StepVerifier.create(Mono.just("served").transformDeferred(BulkheadOperator.of(bulkhead))
                        .transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectNext("served").expectComplete().verify();
        holding.dispose();

        // A real failure still counts.
        StepVerifier.create(Mono.error(new IOException("down")).transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectError(IOException.class).verify();
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void anInnerBreakersRejectionIsNotAFailureOfTheOuterOperator() {
        CircuitBreaker outer = CircuitBreaker.builder("outer").tripper(Tripper.failureStreak(1)).build();
        CircuitBreaker inner = CircuitBreaker.builder("inner").build();
        inner.forceOpen();
        StepVerifier.create(Mono.just("x").transformDeferred(CircuitBreakerOperator.of(inner))
                        .transformDeferred(CircuitBreakerOperator.of(outer)))
                .expectError(CallNotPermittedException.class).verify();
        assertThat(outer.state()).isEqualTo(State.CLOSED);
        assertThat(outer.metrics().ignoredCalls()).isEqualTo(1);
    }
}
