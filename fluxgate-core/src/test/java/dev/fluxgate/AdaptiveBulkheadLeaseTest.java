package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The non-blocking lease API: {@link AdaptiveBulkhead#tryAcquire()} / {@link AdaptiveBulkhead#acquire()}. */
class AdaptiveBulkheadLeaseTest {

    private final TestTicker ticker = new TestTicker();

    private AdaptiveBulkhead aimd(int initial) {
        return AdaptiveBulkhead.builder("lease").algorithm(AdaptiveBulkhead.Algorithm.AIMD).limits(1, initial, 100)
                .latencyThreshold(Duration.ofMillis(100)).ticker(ticker).build();
    }

    @Test
    void tryAcquireReturnsNullWhenFullAndCountsTheRejection() {
        AdaptiveBulkhead b = aimd(2);
        List<Integer> rejectedAt = new ArrayList<>();
        b.addListener(new AdaptiveBulkheadListener() {
            @Override
            public void onRejected(AdaptiveBulkhead bulkhead, int limit) {
                rejectedAt.add(limit);
            }
        });
        AdaptiveBulkhead.Lease first = b.tryAcquire();
        AdaptiveBulkhead.Lease second = b.tryAcquire();
        assertThat(first).isNotNull();
        assertThat(second).isNotNull();
        assertThat(b.tryAcquire()).isNull();
        assertThatThrownBy(b::acquire).isInstanceOf(BulkheadFullException.class).hasMessageContaining("limit 2");
        assertThat(b.rejectedCalls()).isEqualTo(2);
        assertThat(rejectedAt).containsExactly(2, 2);
        assertThat(first.release()).isTrue();
        assertThat(b.tryAcquire()).isNotNull();
    }

    @Test
    void onlyTheFirstFinishCountsSoARacingCancelFreesTheSlotOnce() {
        AdaptiveBulkhead b = aimd(3);
        AdaptiveBulkhead.Lease lease = b.acquire();
        b.acquire();
        assertThat(b.inFlight()).isEqualTo(2);
        assertThat(lease.onSuccess()).isTrue();
        assertThat(lease.release()).isFalse();
        assertThat(lease.onDropped()).isFalse();
        lease.close();
        assertThat(b.inFlight()).isEqualTo(1); // not 0 or -1: the other lease still holds its slot
        assertThat(b.droppedCalls()).isZero();
    }

    @Test
    void successSamplesTheRttMeasuredFromAcquisitionOnTheTicker() {
        AdaptiveBulkhead b = aimd(10);
        AdaptiveBulkhead.Lease lease = b.acquire();
        ticker.advance(Duration.ofMillis(42));
        lease.onSuccess();
        assertThat(b.lastRtt()).isEqualTo(Duration.ofMillis(42));
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void onDroppedLowersTheLimitAndReleaseMovesNothing() {
        AdaptiveBulkhead b = aimd(10);
        AdaptiveBulkhead.Lease released = b.acquire();
        ticker.advance(Duration.ofMillis(500)); // slow, but a release is not a sample
        released.release();
        assertThat(b.limit()).isEqualTo(10);
        assertThat(b.ignoredCalls()).isEqualTo(1);
        assertThat(b.lastRtt()).isEqualTo(Duration.ZERO);
        b.acquire().onDropped();
        assertThat(b.limit()).isEqualTo(9); // 10 * 0.9
        assertThat(b.droppedCalls()).isEqualTo(1);
    }

    @Test
    void onFailureAsksTheDropPredicate() {
        AdaptiveBulkhead b = aimd(10);
        b.acquire().onFailure(new IllegalStateException("a bug, not load"));
        assertThat(b.limit()).isEqualTo(10);
        assertThat(b.ignoredCalls()).isEqualTo(1);
        b.acquire().onFailure(new TimeoutException("slow"));
        assertThat(b.limit()).isEqualTo(9);
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void tryWithResourcesFreesTheSlotWhenTheBodyThrows() {
        AdaptiveBulkhead b = aimd(1);
        assertThatThrownBy(() -> {
            try (AdaptiveBulkhead.Lease lease = b.acquire()) {
                assertThat(lease.bulkhead()).isSameAs(b);
                throw new IllegalStateException("boom");
            }
        }).isInstanceOf(IllegalStateException.class);
        assertThat(b.inFlight()).isZero();
    }

    @Test
    void racingThreadsNeverHoldMoreLeasesThanTheLimit() throws Exception {
        int limit = 4;
        int threads = 8;
        AdaptiveBulkhead b = AdaptiveBulkhead.builder("race").algorithm(AdaptiveBulkhead.Algorithm.AIMD)
                .limits(limit, limit, limit).build();
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                pool.execute(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    for (int i = 0; i < 20_000; i++) {
                        AdaptiveBulkhead.Lease lease = b.tryAcquire();
                        if (lease != null) {
                            maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                            held.decrementAndGet();
                            lease.onSuccess();
                        }
                    }
                });
            }
            go.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxHeld.get()).isBetween(1, limit);
        assertThat(b.inFlight()).isZero();
        assertThat(b.permittedCalls() + b.rejectedCalls()).isEqualTo(threads * 20_000L);
    }
}
