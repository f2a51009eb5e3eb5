package dev.fluxgate.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.Hedge;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class HedgeOperatorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aMonoThatAnswersAtOnceIsSubscribedToOnce() {
        Hedge hedge = Hedge.builder("search").delay(Duration.ofMillis(1)).build();
        AtomicInteger subscriptions = new AtomicInteger();
        Mono<String> fast = Mono.fromCallable(() -> "fast").doOnSubscribe(s -> subscriptions.incrementAndGet());

        StepVerifier.create(fast.transformDeferred(HedgeOperator.of(hedge))).expectNext("fast").expectComplete()
                .verify(WAIT);

        assertThat(subscriptions).hasValue(1);
        assertThat(hedge.hedgedAttempts()).isZero();
    }

    @Test
    void aSlowSubscriptionIsHedgedAndCancelledWhenTheHedgeAnswers() {
        Hedge hedge = Hedge.builder("search").delay(Duration.ofMillis(5)).build();
        AtomicInteger subscriptions = new AtomicInteger();
        AtomicInteger cancelled = new AtomicInteger();
        Mono<String> slowThenFast = Mono.defer(() -> subscriptions.incrementAndGet() == 1
                ? Mono.<String>never().doOnCancel(cancelled::incrementAndGet)
                : Mono.just("hedged"));

        StepVerifier.create(slowThenFast.transformDeferred(HedgeOperator.of(hedge))).expectNext("hedged")
                .expectComplete().verify(WAIT);

        assertThat(subscriptions).hasValue(2);
        assertThat(cancelled).as("the slow subscription was cancelled").hasValue(1);
        assertThat(hedge.hedgeWins()).isEqualTo(1);
        assertThat(hedge.cancelledAttempts()).isEqualTo(1);
    }

    @Test
    void theSubscriberGetsTheLastFailureOnceEverySubscriptionFailed() {
        Hedge hedge = Hedge.builder("search").delay(Duration.ofMillis(1)).build();

        StepVerifier.create(Mono.<String>error(new IOException("down")).transformDeferred(HedgeOperator.of(hedge)))
                .expectErrorMessage("down").verify(WAIT);
        assertThat(hedge.failedCalls()).isEqualTo(1);
    }

    @Test
    void cancellingTheSubscriptionCancelsEveryAttempt() {
        Hedge hedge = Hedge.builder("search").delay(Duration.ofMinutes(1)).build();
        AtomicInteger cancelled = new AtomicInteger();
        Mono<String> hanging = Mono.<String>never().doOnCancel(cancelled::incrementAndGet);

        StepVerifier.create(hanging.transformDeferred(HedgeOperator.of(hedge))).thenAwait(Duration.ofMillis(1))
                .thenCancel().verify(WAIT);

        assertThat(cancelled).hasValue(1);
        assertThat(hedge.cancelledAttempts()).isEqualTo(1);
    }

    @Test
    void anEmptyMonoCompletesEmpty() {
        Hedge hedge = Hedge.builder("search").delay(Duration.ofMinutes(1)).build();
        StepVerifier.create(Mono.<String>empty().transformDeferred(HedgeOperator.of(hedge))).expectComplete()
                .verify(WAIT);
        assertThat(hedge.successfulCalls()).isEqualTo(1);
    }
}
