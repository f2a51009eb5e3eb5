package dev.fluxgate.reactor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.BulkheadFullException;
import dev.fluxgate.test.ManualTicker;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

class AdaptiveBulkheadOperatorTest {

    private final ManualTicker ticker = new ManualTicker();

    private AdaptiveBulkhead aimd(int limit) {
        return AdaptiveBulkhead.builder("search").algorithm(AdaptiveBulkhead.Algorithm.AIMD).limits(1, limit, 100)
                .latencyThreshold(Duration.ofSeconds(1)).ticker(ticker).build();
    }

    @Test
    void aMonoHoldsItsSlotUntilItsValueAndAFullBulkheadRejectsAtSubscription() {
        AdaptiveBulkhead bulkhead = aimd(1);
        Sinks.One<String> first = Sinks.one();
        Disposable holding = first.asMono().transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)).subscribe();
        assertThat(bulkhead.inFlight()).isEqualTo(1);

        AtomicInteger subscribed = new AtomicInteger();
        StepVerifier.create(Mono.just(1).doOnSubscribe(s -> subscribed.incrementAndGet())
                        .transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(BulkheadFullException.class)
                        .hasMessageContaining("'search'").hasMessageContaining("limit 1"))
                .verify();
        assertThat(subscribed).hasValue(0);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);

        ticker.advance(Duration.ofMillis(30));
        first.tryEmitValue("done");
        assertThat(bulkhead.inFlight()).isZero();
        assertThat(bulkhead.lastRtt()).isEqualTo(Duration.ofMillis(30)); // sampled from subscription to the value
        holding.dispose(); // after completion: nothing more to give back
        assertThat(bulkhead.inFlight()).isZero();
    }

    @Test
    void aFluxIsSampledAtCompletion() {
        AdaptiveBulkhead bulkhead = aimd(2);
        Sinks.Many<Integer> sink = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(sink.asFlux().transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)))
                .then(() -> sink.tryEmitNext(1))
                .expectNext(1)
                .then(() -> assertThat(bulkhead.inFlight()).isEqualTo(1))
                .then(() -> ticker.advance(Duration.ofMillis(70)))
                .then(sink::tryEmitComplete)
                .verifyComplete();
        assertThat(bulkhead.inFlight()).isZero();
        assertThat(bulkhead.lastRtt()).isEqualTo(Duration.ofMillis(70));
    }

    @Test
    void cancellingReleasesTheSlotOnceWithoutASample() {
        AdaptiveBulkhead bulkhead = aimd(2);
        StepVerifier.create(Flux.range(1, 10).transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)), 1)
                .expectNext(1).thenCancel().verify();
        StepVerifier.create(Mono.never().transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)))
                .thenCancel().verify();
        assertThat(bulkhead.inFlight()).isZero();
        assertThat(bulkhead.ignoredCalls()).isEqualTo(2);
        assertThat(bulkhead.lastRtt()).isEqualTo(Duration.ZERO);
        assertThat(bulkhead.permittedCalls()).isEqualTo(2);
    }

    @Test
    void aTimeoutErrorIsADropThatLowersTheLimitAndOtherErrorsAreIgnored() {
        AdaptiveBulkhead bulkhead = aimd(10);
        StepVerifier.create(Mono.<String>error(new IOException("refused"))
                        .transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)))
                .expectError(IOException.class).verify();
        assertThat(bulkhead.limit()).isEqualTo(10);
        StepVerifier.create(Flux.<String>error(new TimeoutException("slow"))
                        .transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)))
                .expectError(TimeoutException.class).verify();
        assertThat(bulkhead.limit()).isEqualTo(9);
        assertThat(bulkhead.droppedCalls()).isEqualTo(1);
        assertThat(bulkhead.ignoredCalls()).isEqualTo(1);
        assertThat(bulkhead.inFlight()).isZero();
    }

    /**
     * Regression: a ticker that throws when the lease is settled (user code) left the subscriber without
     * its value or completion, waiting forever. The slot is freed and the signal still arrives.
     */
    @Test
    void aTickerThatThrowsWhenTheCallEndsStillLetsTheValueAndCompletionThrough() {
        AtomicInteger reads = new AtomicInteger();
        AdaptiveBulkhead bulkhead = AdaptiveBulkhead.builder("broken-clock").algorithm(AdaptiveBulkhead.Algorithm.AIMD)
                .limits(1, 5, 100).latencyThreshold(Duration.ofSeconds(1)).ticker(() -> {
                    if (reads.incrementAndGet() > 1) {
                        throw new IllegalStateException("clock broke");
                    }
                    return 0L;
                }).build();
        StepVerifier.create(Mono.just("value").transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)))
                .expectNext("value").verifyComplete();
        assertThat(bulkhead.inFlight()).isZero();
        reads.set(0);
        StepVerifier.create(Flux.just(1, 2).transformDeferred(AdaptiveBulkheadOperator.of(bulkhead)))
                .expectNext(1, 2).verifyComplete();
        assertThat(bulkhead.inFlight()).isZero();
    }
}
