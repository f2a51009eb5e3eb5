package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Permit;
import dev.fluxgate.State;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The low-level Reactor path, used when fluxgate-reactor is absent (the integration test runs the operators). */
class ReactorSupportTest {

    private final ManualTicker ticker = new ManualTicker();
    private final CircuitBreaker cb = CircuitBreaker.builder("r").window(Window.count(2))
            .tripper(Tripper.minRequests(2).and(Tripper.failureRate(0.5))).cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
            .permit(Permit.all()).maxHalfOpenCalls(1).ticker(ticker).build();

    @Test
    void eachSubscriptionIsOneRecordedCallAndAnOpenBreakerNeverSubscribesTheSource() {
        AtomicInteger subscribed = new AtomicInteger();
        Mono<String> failing = Mono.defer(() -> {
            subscribed.incrementAndGet();
            return Mono.error(new IllegalStateException("down"));
        });
        Mono<String> guarded = ReactorSupport.guard(cb, failing);
        assertThatThrownBy(guarded::block).hasMessage("down");
        assertThatThrownBy(guarded::block).hasMessage("down");
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThatThrownBy(guarded::block).isInstanceOf(CallNotPermittedException.class);
        assertThat(subscribed).hasValue(2);
    }

    @Test
    void aCancelledProbeGivesItsSlotBack() {
        cb.forceOpen();
        cb.reset();
        assertThatThrownBy(() -> ReactorSupport.guard(cb, Mono.error(new IllegalStateException())).block());
        assertThatThrownBy(() -> ReactorSupport.guard(cb, Mono.error(new IllegalStateException())).block());
        ticker.advance(Duration.ofSeconds(1));
        // The only probe slot: taken by a subscription that never completes, then cancelled.
        ReactorSupport.guard(cb, Mono.never()).subscribe().dispose();
        assertThat(cb.metrics().probesInUse()).isZero();
        assertThat(ReactorSupport.guard(cb, Flux.just(1, 2)).collectList().block()).containsExactly(1, 2);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aMonoValueAndAFluxCompletionAreSuccesses() {
        assertThat(ReactorSupport.guard(cb, Mono.just("v")).block()).isEqualTo("v");
        assertThat(ReactorSupport.guard(cb, Mono.empty()).block()).isNull();
        assertThat(ReactorSupport.guard(cb, Flux.range(0, 3)).count().block()).isEqualTo(3);
        assertThat(cb.metrics().successfulCalls()).isEqualTo(3);
    }
}
