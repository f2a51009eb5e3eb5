package dev.fluxgate.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.RateLimitedException;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class RateLimiterOperatorTest {

    private final ManualTicker ticker = new ManualTicker();

    /** 10 per second, burst 1, on a ticker that stands still: every wait is a reservation ahead of the rate. */
    private RateLimiter limiter(Duration maxWait) {
        return RateLimiter.builder("quotes").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker).maxWait(maxWait)
                .sleeper(nanos -> {
                    throw new AssertionError("the operator must not sleep");
                }).build();
    }

    @Test
    void aFreePermitSubscribesAtOnce() {
        RateLimiter rl = limiter(Duration.ZERO);
        StepVerifier.create(Mono.just("now").transformDeferred(RateLimiterOperator.of(rl)))
                .expectNext("now").verifyComplete();
        assertThat(rl.permittedCalls()).isEqualTo(1);
    }

    @Test
    void aPermitFreeWithinTheMaximumWaitDelaysTheSubscriptionWithoutBlocking() {
        RateLimiter rl = limiter(Duration.ofSeconds(1));
        rl.tryAcquire();
        AtomicInteger subscribed = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> Mono.fromCallable(() -> "later").doOnSubscribe(s -> subscribed.incrementAndGet())
                        .transformDeferred(RateLimiterOperator.of(rl)))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(99))
                .then(() -> assertThat(subscribed).hasValue(0))
                .thenAwait(Duration.ofMillis(1))
                .expectNext("later")
                .verifyComplete();
        assertThat(subscribed).hasValue(1);
        assertThat(rl.totalWaitTime()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aFluxIsDelayedTheSameWayAndEachSubscriptionTakesItsOwnPermit() {
        RateLimiter rl = limiter(Duration.ofSeconds(1));
        Flux<Integer> limited = Flux.range(1, 3).transformDeferred(RateLimiterOperator.of(rl));
        StepVerifier.create(limited).expectNext(1, 2, 3).verifyComplete();
        StepVerifier.withVirtualTime(() -> limited)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(99))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(1, 2, 3)
                .verifyComplete();
        assertThat(rl.permittedCalls()).isEqualTo(2);
    }

    @Test
    void beyondTheMaximumWaitTheSubscriberGetsTheRejectionAndTheSourceIsNeverSubscribed() {
        RateLimiter rl = limiter(Duration.ofMillis(50));
        rl.tryAcquire();
        AtomicInteger subscribed = new AtomicInteger();
        StepVerifier.create(Flux.just(1).doOnSubscribe(s -> subscribed.incrementAndGet())
                        .transformDeferred(RateLimiterOperator.of(rl)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(RateLimitedException.class)
                        .satisfies(r -> assertThat(((RateLimitedException) r).retryAfter()).contains(Duration.ofMillis(100))))
                .verify();
        assertThat(subscribed).hasValue(0);
    }

    @Test
    void cancellingDuringTheDelayNeverSubscribesTheSource() {
        RateLimiter rl = limiter(Duration.ofSeconds(1));
        rl.tryAcquire();
        AtomicInteger subscribed = new AtomicInteger();
        StepVerifier.withVirtualTime(() -> Mono.just("x").doOnSubscribe(s -> subscribed.incrementAndGet())
                        .transformDeferred(RateLimiterOperator.of(rl)))
                .expectSubscription()
                .thenAwait(Duration.ofMillis(50))
                .thenCancel()
                .verify();
        assertThat(subscribed).hasValue(0);
    }
}
