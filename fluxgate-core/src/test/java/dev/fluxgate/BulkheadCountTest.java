package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * {@link Bulkhead#permittedCalls()} is counted in the slots' own state word and flushed to a counter
 * 256 at a time: these tests fail if an admission is lost or counted twice, at a flush or in a race.
 */
class BulkheadCountTest {

    @Test
    void permittedCallsIsExactAfterEveryAdmissionAcrossSeveralFlushes() {
        Bulkhead bulkhead = Bulkhead.of("count", 2);
        for (int i = 1; i <= 1_000; i++) { // 255, 256, 257, 511, 512 ... each count once
            assertThat(bulkhead.tryAcquirePermission()).isTrue();
            assertThat(bulkhead.permittedCalls()).isEqualTo(i);
            assertThat(bulkhead.concurrentCalls()).isEqualTo(1);
            bulkhead.releasePermission();
            assertThat(bulkhead.availablePermits()).isEqualTo(2);
        }
        assertThat(bulkhead.rejectedCalls()).isZero();
    }

    @Test
    void aShrinkBelowTheCallsInFlightNeitherLosesNorAddsAdmissions() {
        Bulkhead bulkhead = Bulkhead.of("count", 4);
        for (int i = 0; i < 4; i++) {
            assertThat(bulkhead.tryAcquirePermission()).isTrue();
        }
        bulkhead.reconfigure(Bulkhead.builder("count").maxConcurrentCalls(1)); // free slots now -3
        assertThat(bulkhead.availablePermits()).isZero();
        assertThat(bulkhead.concurrentCalls()).isEqualTo(4);
        assertThat(bulkhead.tryAcquirePermission()).isFalse();
        for (int i = 0; i < 4; i++) {
            bulkhead.releasePermission();
        }
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        for (int i = 0; i < 600; i++) { // past two flushes, after the free slots were negative
            assertThat(bulkhead.tryAcquirePermission()).isTrue();
            bulkhead.releasePermission();
        }
        assertThat(bulkhead.permittedCalls()).isEqualTo(604);
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @RepeatedTest(3)
    @SuppressWarnings("ThreadPriorityCheck") // yield between resizes lets the callers run at each size
    void permittedCallsCountsEveryAdmissionOfRacingThreadsAcrossResizes() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        Bulkhead bulkhead = Bulkhead.builder("race").maxConcurrentCalls(3).maxWait(Duration.ofMillis(1)).build();
        AtomicLong admitted = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        CyclicBarrier start = new CyclicBarrier(threads + 1);
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int kind = t % 3;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        boolean ok;
                        if (kind == 0) { // never waits
                            ok = bulkhead.tryAcquirePermission();
                            if (ok) {
                                bulkhead.releasePermission();
                            }
                        } else if (kind == 1) { // may wait (the fair, timed path)
                            try {
                                bulkhead.run(() -> { });
                                ok = true;
                            } catch (BulkheadFullException e) {
                                ok = false;
                            }
                        } else { // asynchronous
                            ok = !bulkhead.callAsync(() -> CompletableFuture.completedFuture("x"))
                                    .isCompletedExceptionally();
                        }
                        (ok ? admitted : rejected).incrementAndGet();
                    }
                    return null;
                }));
            }
            futures.add(pool.submit(() -> { // resizes while the others count: free slots go below zero at times
                start.await();
                for (int i = 0; i < 200; i++) {
                    bulkhead.reconfigure(Bulkhead.builder("race").maxConcurrentCalls(i % 2 == 0 ? 1 : 5)
                            .maxWait(Duration.ofMillis(1)));
                    Thread.yield();
                }
                bulkhead.reconfigure(Bulkhead.builder("race").maxConcurrentCalls(3).maxWait(Duration.ofMillis(1)));
                return null;
            }));
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admitted.get() + rejected.get()).isEqualTo((long) threads * perThread);
        assertThat(admitted.get()).isGreaterThan(256L * threads); // many flushes happened during the race
        assertThat(bulkhead.permittedCalls()).isEqualTo(admitted.get());
        assertThat(bulkhead.rejectedCalls()).isEqualTo(rejected.get());
        assertThat(bulkhead.availablePermits()).isEqualTo(3);
        assertThat(bulkhead.concurrentCalls()).isZero();
    }
}
