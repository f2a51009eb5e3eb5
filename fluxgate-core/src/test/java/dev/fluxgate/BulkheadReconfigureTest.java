package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Live reconfiguration of a semaphore bulkhead: calls holding a slot settle correctly across a resize. */
class BulkheadReconfigureTest {

    @Test
    void shrinkingBelowTheCallsInFlightAdmitsNothingUntilEnoughHaveEnded() {
        Bulkhead b = Bulkhead.builder("b").maxConcurrentCalls(4).build();
        for (int i = 0; i < 4; i++) {
            assertThat(b.tryAcquirePermission()).isTrue();
        }
        Reconfiguration r = b.reconfigure(Bulkhead.builder("x").maxConcurrentCalls(2));
        assertThat(r.changed()).containsExactly("maxConcurrentCalls");
        assertThat(b.concurrentCalls()).isEqualTo(4);
        assertThat(b.availablePermits()).isZero();
        b.releasePermission();
        b.releasePermission();
        assertThat(b.tryAcquirePermission()).as("still 2 running, the new maximum").isFalse();
        b.releasePermission();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isFalse();
    }

    @Test
    void growingFreesTheNewSlotsAtOnceAndTheRegistryReconfiguresByName() {
        Registry<Bulkhead, Bulkhead.Builder> registry = Registry.ofBulkheads(Bulkhead.builder("d").maxConcurrentCalls(1));
        Bulkhead b = registry.get("b");
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(registry.reconfigure("b", x -> x.maxConcurrentCalls(3))).isPresent();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isTrue();
        assertThat(b.tryAcquirePermission()).isFalse();
        assertThat(b.maxConcurrentCalls()).isEqualTo(3);
        assertThatThrownBy(() -> b.reconfigure(Bulkhead.builder("x").ticker(() -> 0L)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ticker");
    }

    /** Many threads take and give back slots while another resizes; at rest every slot is free again and the cap held. */
    @Test
    void manyThreadsAcrossResizesNeverExceedTheLargerCapAndLeaveEverySlotFree() throws Exception {
        Bulkhead b = Bulkhead.builder("b").maxConcurrentCalls(4).build();
        ExecutorService pool = Executors.newFixedThreadPool(9);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                fs.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 20_000; i++) {
                        if (b.tryAcquirePermission()) {
                            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                            running.decrementAndGet();
                            b.releasePermission();
                        }
                    }
                    return null;
                }));
            }
            Future<?> resizer = pool.submit(() -> {
                start.await();
                for (int i = 0; i < 2_000; i++) {
                    b.reconfigure(Bulkhead.builder("x").maxConcurrentCalls(i % 2 == 0 ? 2 : 6).maxWait(Duration.ZERO));
                }
                b.reconfigure(Bulkhead.builder("x").maxConcurrentCalls(5));
                return null;
            });
            start.countDown();
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
            resizer.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(peak.get()).isLessThanOrEqualTo(6);
        assertThat(b.concurrentCalls()).isZero();
        assertThat(b.availablePermits()).isEqualTo(5);
    }

    /**
     * Regression: growing released the new slots before raising the maximum, so a reader in between saw
     * {@code concurrentCalls()} (maximum minus free slots) below zero, and a gauge plotted it.
     */
    @Test
    void concurrentCallsNeverReadsBelowZeroWhileTheBulkheadIsResized() throws Exception {
        Bulkhead b = Bulkhead.of("resized", 10);
        AtomicInteger lowest = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Thread reader = new Thread(() -> {
            try {
                start.await();
            } catch (InterruptedException e) {
                return;
            }
            while (!Thread.currentThread().isInterrupted()) {
                lowest.accumulateAndGet(b.concurrentCalls(), Math::min);
            }
        });
        reader.start();
        start.countDown();
        for (int i = 0; i < 20_000; i++) {
            b.reconfigure(Bulkhead.builder("resized").maxConcurrentCalls(i % 2 == 0 ? 40 : 10));
        }
        reader.interrupt();
        reader.join(10_000);
        assertThat(lowest.get()).isZero();
        assertThat(b.concurrentCalls()).isZero();
    }

    @Test
    void aReconfigurationReportsTheConfigurationItApplied() {
        Bulkhead b = Bulkhead.of("reported", 10);
        Reconfiguration r = b.reconfigure(Bulkhead.builder("reported").maxConcurrentCalls(7));
        assertThat(r.before()).containsEntry("maxConcurrentCalls", "10");
        assertThat(r.after()).containsEntry("maxConcurrentCalls", "7");
    }
}
