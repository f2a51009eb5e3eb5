package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdaptiveBulkheadTest {

    private final TestTicker ticker = new TestTicker();

    private AdaptiveBulkhead.Builder aimd(int initial) {
        return AdaptiveBulkhead.builder("a").algorithm(AdaptiveBulkhead.Algorithm.AIMD).limits(1, initial, 100)
                .latencyThreshold(Duration.ofMillis(100)).ticker(ticker);
    }

    @Test
    void rejectsWhenLimitCallsAreInFlightAndFreesTheSlotOnCompletion() {
        AdaptiveBulkhead b = aimd(2).build();
        CompletableFuture<String> f1 = new CompletableFuture<>();
        CompletableFuture<String> f2 = new CompletableFuture<>();
        CompletableFuture<String> r1 = b.callAsync(() -> f1);
        b.callAsync(() -> f2);
        assertThat(b.inFlight()).isEqualTo(2);
        CompletableFuture<String> r3 = b.callAsync(() -> CompletableFuture.completedFuture("x"));
        assertThat(r3).isCompletedExceptionally();
        assertThatThrownBy(r3::join).hasCauseInstanceOf(BulkheadFullException.class)
                .cause().hasMessageContaining("'a'").hasMessageContaining("limit 2");
        assertThatThrownBy(() -> b.call(() -> "y")).isInstanceOf(BulkheadFullException.class);
        assertThat(b.rejectedCalls()).isEqualTo(2);
        f1.complete("one");
        assertThat(r1.join()).isEqualTo("one");
        assertThat(b.inFlight()).isEqualTo(1);
        f2.completeExceptionally(new IllegalStateException("boom"));
        assertThat(b.inFlight()).isZero();
        assertThat(b.ignoredCalls()).isEqualTo(1);
    }

    @Test
    void syncCallFreesItsSlotWhenTheTaskThrows() {
        AdaptiveBulkhead b = aimd(1).build();
        assertThatThrownBy(() -> b.call(() -> {
            throw new java.io.IOException("down");
        })).isInstanceOf(java.io.IOException.class);
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void aimdBacksOffOnADropOrSlowSampleAndGrowsWhenUsed() throws Exception {
        AdaptiveBulkhead b = aimd(10).build();
        assertThatThrownBy(() -> b.call(() -> {
            throw new TimeoutException("slow");
        })).isInstanceOf(TimeoutException.class);
        assertThat(b.limit()).isEqualTo(9); // 10 * 0.9
        assertThat(b.droppedCalls()).isEqualTo(1);
        ticker.advanceMillis(1);
        b.call(() -> {
            ticker.advanceMillis(200); // above the 100 ms threshold
            return "late";
        });
        assertThat(b.limit()).isEqualTo(8); // 9 * 0.9 = 8.1
        assertThat(b.lastRtt()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void aimdBacksOffOncePerRoundTrip() throws Exception {
        AdaptiveBulkhead b = aimd(10).build();
        CompletableFuture<String> f1 = new CompletableFuture<>();
        CompletableFuture<String> f2 = new CompletableFuture<>();
        b.callAsync(() -> f1);
        b.callAsync(() -> f2); // started before the first back-off: must not back off again
        ticker.advanceMillis(5);
        f1.completeExceptionally(new TimeoutException());
        f2.completeExceptionally(new TimeoutException());
        assertThat(b.limit()).isEqualTo(9);
    }

    @Test
    void aimdDoesNotGrowAnIdleLimit() throws Exception {
        AdaptiveBulkhead b = aimd(10).build();
        for (int i = 0; i < 100; i++) {
            b.call(() -> "fast"); // one in flight out of 10: the limit was not being used
        }
        assertThat(b.limit()).isEqualTo(10);
    }

    @Test
    void gradientShrinksWhenLatencyRisesAboveTheBaseline() throws Exception {
        AdaptiveBulkhead b = AdaptiveBulkhead.builder("g").limits(1, 2, 100).queueSize(0).ticker(ticker).build();
        for (int i = 0; i < 20; i++) {
            b.call(() -> ticker.advanceMillis(10)); // 1 of 2 in use, at the baseline: gradient 1, no change
        }
        assertThat(b.limit()).isEqualTo(2);
        b.call(() -> ticker.advanceMillis(100)); // 10x the baseline: gradient 0.5, 2 * 0.8 + 1 * 0.2 = 1.8
        assertThat(b.limit()).isEqualTo(1);
    }

    @Test
    void throwingListenersAndPredicateNeverBreakAdmissionOrTheOutcome() throws Exception {
        List<String> heard = new ArrayList<>();
        AdaptiveBulkheadListener bad = new AdaptiveBulkheadListener() {
            @Override
            public void onLimitChanged(AdaptiveBulkhead bulkhead, int oldLimit, int newLimit) {
                throw new IllegalStateException("listener");
            }

            @Override
            public void onRejected(AdaptiveBulkhead bulkhead, int limit) {
                throw new Error("listener");
            }
        };
        AdaptiveBulkheadListener good = new AdaptiveBulkheadListener() {
            @Override
            public void onLimitChanged(AdaptiveBulkhead bulkhead, int oldLimit, int newLimit) {
                heard.add(oldLimit + "->" + newLimit);
            }
        };
        AdaptiveBulkhead b = aimd(2).listener(bad).listener(good).build();
        assertThatThrownBy(() -> b.call(() -> {
            throw new TimeoutException();
        })).isInstanceOf(TimeoutException.class);
        assertThat(heard).containsExactly("2->1");
        assertThat(b.inFlight()).isZero();
        CompletableFuture<String> hold = new CompletableFuture<>();
        b.callAsync(() -> hold);
        assertThatThrownBy(() -> b.call(() -> "x")).isInstanceOf(BulkheadFullException.class);
        hold.complete("done");
        assertThat(b.call(() -> "ok")).isEqualTo("ok");

        AdaptiveBulkhead p = aimd(2).dropOn(t -> {
            throw new IllegalStateException("predicate");
        }).build();
        assertThatThrownBy(() -> p.call(() -> {
            throw new TimeoutException();
        })).isInstanceOf(TimeoutException.class);
        assertThat(p.limit()).isEqualTo(2); // counted as ignored, not a drop
        assertThat(p.ignoredCalls()).isEqualTo(1);
        assertThat(p.inFlight()).isZero();
    }

    @Test
    void buildRejectsEachParameterOutsideItsRange() {
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").limits(0, 1, 2).build()).hasMessageContaining("minLimit");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").limits(5, 5, 4).build()).hasMessageContaining("maxLimit");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").limits(2, 1, 4).build()).hasMessageContaining("initialLimit")
                .hasMessageContaining("[2, 4]");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").smoothing(0).build()).hasMessageContaining("smoothing");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").backoffRatio(1).build()).hasMessageContaining("backoffRatio");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").latencyThreshold(Duration.ZERO).build())
                .hasMessageContaining("latencyThreshold");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").rttTolerance(0.9).build()).hasMessageContaining("rttTolerance");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").queueSize(-1).build()).hasMessageContaining("queueSize");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder("v").longWindow(0).build()).hasMessageContaining("longWindow");
        assertThatThrownBy(() -> AdaptiveBulkhead.builder(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registryBuildsNamedInstancesFromTheDefaults() {
        Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> r = Registry.ofAdaptiveBulkheads(
                AdaptiveBulkhead.builder("d").algorithm(AdaptiveBulkhead.Algorithm.AIMD).limits(2, 3, 4));
        AdaptiveBulkhead one = r.get("one");
        assertThat(one.name()).isEqualTo("one");
        assertThat(one.algorithm()).isEqualTo(AdaptiveBulkhead.Algorithm.AIMD);
        assertThat(one.limit()).isEqualTo(3);
        assertThat(r.get("one")).isSameAs(one);
    }

    @Test
    @SuppressWarnings("ThreadPriorityCheck") // yield inside the slot widens the window for an overrun
    void inFlightNeverExceedsTheLimitUnderRacingThreads() throws Exception {
        int threads = 8;
        // Real time, with every call a drop or a success: the limit moves while threads race.
        AdaptiveBulkhead b = AdaptiveBulkhead.builder("race").algorithm(AdaptiveBulkhead.Algorithm.AIMD)
                .limits(1, 4, 6).latencyThreshold(Duration.ofMillis(1)).build();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger violations = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                int id = t;
                pool.execute(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < 2_000; i++) {
                            try {
                                b.call(() -> {
                                    int now = running.incrementAndGet();
                                    if (now > b.maxLimit() || now > b.inFlight()) {
                                        violations.incrementAndGet();
                                    }
                                    Thread.yield();
                                    running.decrementAndGet();
                                    if ((id + 1) % 3 == 0) {
                                        throw new TimeoutException();
                                    }
                                    return null;
                                });
                            } catch (BulkheadFullException | TimeoutException expected) {
                                // rejected or dropped
                            }
                        }
                    } catch (Exception e) {
                        violations.incrementAndGet();
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        }
        assertThat(violations).hasValue(0);
        assertThat(b.inFlight()).isZero();
        assertThat(b.permittedCalls() + b.rejectedCalls()).isEqualTo(threads * 2_000L);
    }
}
