package dev.fluxgate.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.Chaos;
import dev.fluxgate.ChaosException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class ChaosOperatorTest {

    private final AtomicInteger subscribed = new AtomicInteger();

    private Mono<String> source() {
        return Mono.fromCallable(() -> "real").doOnSubscribe(s -> subscribed.incrementAndGet());
    }

    @Test
    void anExceptionFaultFailsTheMonoWithAMarkedExceptionAndNeverSubscribesTheSource() {
        Chaos chaos = Chaos.builder("c").exception(1.0, () -> new IOException("reset")).enabled(true).build();
        StepVerifier.create(source().transformDeferred(ChaosOperator.of(chaos)))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(IOException.class).hasMessage("reset");
                    assertThat(Chaos.isInjected(e)).isTrue();
                })
                .verify(Duration.ofSeconds(10));
        assertThat(subscribed).hasValue(0);
        assertThat(chaos.injected(Chaos.Kind.EXCEPTION)).isEqualTo(1);
    }

    @Test
    void aLatencyFaultDelaysTheSubscriptionInVirtualTimeWithoutBlocking() {
        Chaos chaos = Chaos.builder("c").latency(1.0, Duration.ofSeconds(5)).enabled(true)
                .sleeper(nanos -> {
                    throw new AssertionError("the operator must not sleep");
                }).build();
        StepVerifier.withVirtualTime(() -> source().transformDeferred(ChaosOperator.of(chaos)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(4999))
                .then(() -> assertThat(subscribed).hasValue(0))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("real")
                .verifyComplete();
        assertThat(subscribed).hasValue(1);
        assertThat(chaos.injected(Chaos.Kind.LATENCY)).isEqualTo(1);
    }

    @Test
    void cancellingDuringTheInjectedDelayNeverSubscribesTheSource() {
        Chaos chaos = Chaos.builder("c").latency(1.0, Duration.ofSeconds(5)).enabled(true).build();
        StepVerifier.withVirtualTime(() -> source().transformDeferred(ChaosOperator.of(chaos)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(1))
                .thenCancel()
                .verify(Duration.ofSeconds(10));
        assertThat(subscribed).hasValue(0);
    }

    @Test
    void aResultFaultSubstitutesTheValueForAMonoAndAFlux() {
        Chaos chaos = Chaos.builder("c").result(1.0, "fake").enabled(true).build();
        StepVerifier.create(source().transformDeferred(ChaosOperator.of(chaos))).expectNext("fake").verifyComplete();
        StepVerifier.create(Flux.just("a", "b").doOnSubscribe(s -> subscribed.incrementAndGet())
                        .transformDeferred(ChaosOperator.of(chaos)))
                .expectNext("fake").verifyComplete();
        assertThat(subscribed).hasValue(0);
        assertThat(chaos.injected(Chaos.Kind.RESULT)).isEqualTo(2);
    }

    @Test
    void aFluxGetsTheExceptionOrTheDelayToo() {
        Chaos failing = Chaos.builder("c").exception(1.0).enabled(true).build();
        StepVerifier.create(Flux.range(1, 3).transformDeferred(ChaosOperator.of(failing)))
                .expectError(ChaosException.class).verify(Duration.ofSeconds(10));
        Chaos slow = Chaos.builder("s").latency(1.0, Duration.ofSeconds(2)).enabled(true).build();
        StepVerifier.withVirtualTime(() -> Flux.range(1, 3).transformDeferred(ChaosOperator.of(slow)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(1999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(1, 2, 3)
                .verifyComplete();
    }

    @Test
    void whileDisabledEverySubscriptionPassesThroughUncountedAndEachResubscriptionDrawsAgain() {
        Chaos chaos = Chaos.builder("c").exception(0.5).seed(3).build();
        Mono<String> decorated = source().transformDeferred(ChaosOperator.of(chaos));
        StepVerifier.create(decorated).expectNext("real").verifyComplete();
        assertThat(chaos.passedThrough()).isZero();
        chaos.enable();
        int failed = 0;
        for (int i = 0; i < 200; i++) {
            Throwable e = decorated.map(v -> (Throwable) new AssertionError("none")).onErrorResume(Mono::just)
                    .block(Duration.ofSeconds(10));
            if (e instanceof ChaosException) {
                failed++;
            }
        }
        assertThat(failed).as("one draw per subscription").isEqualTo(chaos.injected(Chaos.Kind.EXCEPTION))
                .isBetween(60, 140);
        assertThat(chaos.passedThrough()).isEqualTo(200 - failed);
    }
}
