package dev.fluxgate.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.BulkheadFullException;
import dev.fluxgate.Retry;
import dev.fluxgate.Timeout;
import dev.fluxgate.Tracker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class PolicyOperatorsTest {

    @Test
    void aBulkheadSlotIsHeldUntilTheEndAndAFullBulkheadRejectsAtSubscription() {
        Bulkhead bulkhead = Bulkhead.of("db", 1);
        Sinks.One<String> first = Sinks.one();
        Disposable holding = first.asMono().transformDeferred(BulkheadOperator.of(bulkhead)).subscribe();
        assertThat(bulkhead.availablePermits()).isZero();

        AtomicInteger subscribed = new AtomicInteger();
        StepVerifier.create(Flux.just(1).doOnSubscribe(s -> subscribed.incrementAndGet())
                        .transformDeferred(BulkheadOperator.of(bulkhead)))
                .expectError(BulkheadFullException.class).verify();
        assertThat(subscribed).hasValue(0);

        first.tryEmitValue("done");
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        holding.dispose(); // after completion: nothing more to give back
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void cancellingReleasesTheBulkheadSlotOnce() {
        Bulkhead bulkhead = Bulkhead.of("db", 2);
        StepVerifier.create(Flux.range(1, 10).transformDeferred(BulkheadOperator.of(bulkhead)), 1)
                .expectNext(1).thenCancel().verify();
        StepVerifier.create(Flux.<Integer>error(new IOException("x")).transformDeferred(BulkheadOperator.of(bulkhead)))
                .expectError(IOException.class).verify();
        assertThat(bulkhead.availablePermits()).isEqualTo(2);
        assertThat(bulkhead.permittedCalls()).isEqualTo(2);
    }

    @Test
    void aRetryResubscribesTheSourceAsConfigured() {
        Retry retry = Retry.builder("inventory").maxAttempts(3).retryOn(Tracker.typeOf(IOException.class))
                .backoff(dev.fluxgate.Backoff.constant(Duration.ofMillis(1))).build();
        AtomicInteger attempts = new AtomicInteger();
        Mono<String> flaky = Mono.fromCallable(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return "ok";
        });
        StepVerifier.create(flaky.transformDeferred(RetryOperator.of(retry))).expectNext("ok")
                .expectComplete().verify(Duration.ofSeconds(10));
        assertThat(attempts).hasValue(3);
        assertThat(retry.successfulCallsWithRetry()).isEqualTo(1);

        attempts.set(0);
        Mono<String> aborted = Mono.fromCallable(() -> {
            attempts.incrementAndGet();
            throw new IllegalStateException("not retried");
        });
        StepVerifier.create(aborted.transformDeferred(RetryOperator.of(retry)))
                .expectError(IllegalStateException.class).verify(Duration.ofSeconds(10));
        assertThat(attempts).hasValue(1);
    }

    @Test
    void cancellingARetriedMonoCancelsTheAttemptInFlight() throws InterruptedException {
        Retry retry = Retry.ofDefaults("slow");
        CountDownLatch cancelled = new CountDownLatch(1);
        CountDownLatch subscribed = new CountDownLatch(1);
        Disposable d = Mono.never().doOnSubscribe(s -> subscribed.countDown()).doOnCancel(cancelled::countDown)
                .transformDeferred(RetryOperator.of(retry)).subscribe();
        assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
        d.dispose();
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aTimeoutFailsWithTimeoutExceptionCancelsTheSourceAndCounts() throws InterruptedException {
        Timeout timeout = Timeout.of(Duration.ofMillis(50));
        CountDownLatch cancelled = new CountDownLatch(1);
        StepVerifier.create(Mono.never().doOnCancel(cancelled::countDown).transformDeferred(TimeoutOperator.of(timeout)))
                .expectError(TimeoutException.class).verify(Duration.ofSeconds(10));
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(timeout.timeouts()).isEqualTo(1);

        StepVerifier.create(Mono.just("fast").transformDeferred(TimeoutOperator.of(timeout)))
                .expectNext("fast").verifyComplete();
        assertThat(timeout.timeouts()).isEqualTo(1);
    }
}
