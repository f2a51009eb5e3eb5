package dev.fluxgate.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Permit;
import dev.fluxgate.State;
import dev.fluxgate.Tracker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import dev.fluxgate.test.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class CircuitBreakerOperatorTest {

    private final ManualTicker ticker = new ManualTicker();

    private CountingBreaker breaker(int maxHalfOpenCalls) {
        return new CountingBreaker(CircuitBreaker.builder("reactive")
                .window(Window.count(10))
                .tracker(Tracker.typeOf(IOException.class))
                .tripper(Tripper.minRequests(2).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                .permit(Permit.all())
                .maxHalfOpenCalls(maxHalfOpenCalls)
                .failureOnResult(r -> "bad".equals(r))
                .ticker(ticker)
                .build());
    }

    private static void trip(CircuitBreaker cb) {
        cb.forceOpen();
        cb.reset();
        for (int i = 0; i < 2; i++) {
            StepVerifier.create(Mono.error(new IOException("down")).transformDeferred(CircuitBreakerOperator.of(cb)))
                    .expectError(IOException.class).verify();
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aMonoValueIsASuccessAndItsDurationRunsFromSubscription() {
        CountingBreaker cb = breaker(1);
        Mono<String> slow = Mono.fromCallable(() -> {
            ticker.advance(Duration.ofMillis(250));
            return "ok";
        });
        StepVerifier.create(slow.transformDeferred(CircuitBreakerOperator.of(cb))).expectNext("ok").verifyComplete();
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);
        assertThat(cb.settled).hasValue(1);
    }

    @Test
    void anEmptyMonoIsASuccess() {
        CountingBreaker cb = breaker(1);
        StepVerifier.create(Mono.<String>empty().transformDeferred(CircuitBreakerOperator.of(cb))).verifyComplete();
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);
        assertThat(cb.metrics().failedCalls()).isZero();
    }

    @Test
    void aMonoValueJudgedBadIsAFailureButStillDelivered() {
        CountingBreaker cb = breaker(1);
        StepVerifier.create(Mono.just("bad").transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectNext("bad").verifyComplete();
        assertThat(cb.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void errorsGoThroughTheTracker() {
        CountingBreaker cb = breaker(1);
        StepVerifier.create(Mono.error(new IOException("x")).transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectError(IOException.class).verify();
        StepVerifier.create(Mono.error(new IllegalStateException("x")).transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectError(IllegalStateException.class).verify();
        assertThat(cb.metrics().failedCalls()).isEqualTo(1);
        assertThat(cb.metrics().ignoredCalls()).isEqualTo(1);
        assertThat(cb.settled).hasValue(2);
    }

    @Test
    void aRejectionIsAnErrorSignalAtSubscriptionAndTheSourceIsNeverSubscribed() {
        CountingBreaker cb = breaker(1);
        cb.forceOpen();
        AtomicInteger subscribed = new AtomicInteger();
        Mono<String> source = Mono.just("x").doOnSubscribe(s -> subscribed.incrementAndGet());
        StepVerifier.create(source.transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(CallNotPermittedException.class)
                        .extracting(x -> ((CallNotPermittedException) x).state()).isEqualTo(State.FORCED_OPEN))
                .verify();
        StepVerifier.create(Flux.just(1).transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectError(CallNotPermittedException.class).verify();
        assertThat(subscribed).hasValue(0);
        assertThat(cb.metrics().rejectedCalls()).isEqualTo(2);
        assertThat(cb.granted).hasValue(0);
    }

    @Test
    void everyResubscriptionAsksForItsOwnPermit() {
        CountingBreaker cb = breaker(1);
        Mono<String> failing = Mono.<String>error(new IllegalStateException("ignored"))
                .transformDeferred(CircuitBreakerOperator.of(cb))
                .retry(2);
        StepVerifier.create(failing).expectError(IllegalStateException.class).verify();
        assertThat(cb.granted).hasValue(3);
        assertThat(cb.metrics().ignoredCalls()).isEqualTo(3);
    }

    @Test
    void aFluxIsJudgedOnceAtCompletion() {
        CountingBreaker cb = breaker(1);
        StepVerifier.create(Flux.just("a", "bad", "c").transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectNext("a", "bad", "c").verifyComplete();
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);
        assertThat(cb.metrics().failedCalls()).isZero();

        Flux<String> failsLate = Flux.just("a").concatWith(Flux.error(new IOException("late")));
        StepVerifier.create(failsLate.transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectNext("a").expectError(IOException.class).verify();
        assertThat(cb.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void cancellingAFluxAfterOnNextReleasesThePermitWithoutJudging() {
        CountingBreaker cb = breaker(1);
        StepVerifier.create(Flux.range(1, 100).transformDeferred(CircuitBreakerOperator.of(cb)), 1)
                .expectNext(1).thenCancel().verify();
        assertThat(cb.released).hasValue(1);
        assertThat(cb.settled).hasValue(1);
        assertThat(cb.metrics().successfulCalls()).isZero();
        assertThat(cb.metrics().failedCalls()).isZero();
    }

    @Test
    void cancellingAMonoAfterOnNextKeepsTheSuccessAlreadyRecorded() {
        CountingBreaker cb = breaker(1);
        Sinks.One<String> sink = Sinks.one();
        StepVerifier.create(sink.asMono().transformDeferred(CircuitBreakerOperator.of(cb)))
                .then(() -> sink.tryEmitValue("v"))
                .expectNext("v").thenCancel().verify();
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);
        assertThat(cb.released).hasValue(0);
        assertThat(cb.settled).hasValue(1);
    }

    @Test
    void aCancelledHalfOpenProbeFreesItsSlot() {
        CountingBreaker cb = breaker(1);
        trip(cb);
        ticker.advance(Duration.ofSeconds(10));

        Disposable probe = Mono.never().transformDeferred(CircuitBreakerOperator.of(cb)).subscribe();
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertThat(cb.metrics().probesInUse()).isEqualTo(1);
        StepVerifier.create(Mono.just("second").transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectError(CallNotPermittedException.class).verify();

        probe.dispose();
        assertThat(cb.metrics().probesInUse()).isZero();
        StepVerifier.create(Mono.just("third").transformDeferred(CircuitBreakerOperator.of(cb)))
                .expectNext("third").verifyComplete();
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aProbeCancelledByADownstreamTimeoutFreesItsSlot() {
        CountingBreaker cb = breaker(1);
        trip(cb);
        ticker.advance(Duration.ofSeconds(10));
        StepVerifier.withVirtualTime(() -> Mono.never()
                        .transformDeferred(CircuitBreakerOperator.of(cb))
                        .timeout(Duration.ofSeconds(5)))
                .expectSubscription()
                .thenAwait(Duration.ofSeconds(5))
                .expectError(java.util.concurrent.TimeoutException.class)
                .verify();
        // timeout() cancels upstream: the permit is released, nothing is judged.
        assertThat(cb.released).hasValue(1);
        assertThat(cb.metrics().probesInUse()).isZero();
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
    }

    @Test
    void everyPermitIsSettledExactlyOnceWhenCompletionRacesCancellation() throws Exception {
        long seed = System.nanoTime();
        java.util.Random random = new java.util.Random(seed);
        CountingBreaker cb = breaker(100_000);
        trip(cb);
        ticker.advance(Duration.ofSeconds(10));
        cb.granted.set(0);
        cb.settled.set(0);
        int rounds = 2_000;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < rounds; i++) {
                Sinks.One<String> sink = Sinks.one();
                boolean asFlux = random.nextBoolean();
                Disposable d = asFlux
                        ? sink.asMono().flux().transformDeferred(CircuitBreakerOperator.of(cb)).subscribe()
                        : sink.asMono().transformDeferred(CircuitBreakerOperator.of(cb)).subscribe();
                CountDownLatch go = new CountDownLatch(1);
                pool.execute(() -> {
                    await(go);
                    sink.tryEmitValue("v");
                });
                pool.execute(() -> {
                    await(go);
                    d.dispose();
                });
                go.countDown();
            }
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(cb.granted).as("seed %d", seed).hasValue(rounds);
        assertThat(cb.settled).as("seed %d", seed).hasValue(rounds);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
