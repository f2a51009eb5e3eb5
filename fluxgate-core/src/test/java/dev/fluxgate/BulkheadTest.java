package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class BulkheadTest {

    @RepeatedTest(5)
    @SuppressWarnings("ThreadPriorityCheck") // yield inside the slot widens the window for an overrun
    void neverRunsMoreThanTheLimitUnderRacingThreads() throws Exception {
        int threads = 16;
        int limit = 3;
        Bulkhead bulkhead = Bulkhead.of("race", limit);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger rejected = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 1_000; i++) {
                        try {
                            bulkhead.run(() -> {
                                int now = running.incrementAndGet();
                                maxSeen.accumulateAndGet(now, Math::max);
                                Thread.yield();
                                running.decrementAndGet();
                            });
                            admitted.incrementAndGet();
                        } catch (BulkheadFullException e) {
                            rejected.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxSeen.get()).isLessThanOrEqualTo(limit).isGreaterThan(0);
        assertThat(bulkhead.availablePermits()).isEqualTo(limit);
        assertThat(bulkhead.permittedCalls()).isEqualTo(admitted.get());
        assertThat(bulkhead.rejectedCalls()).isEqualTo(rejected.get());
        assertThat(admitted.get() + rejected.get()).isEqualTo(threads * 1_000);
    }

    @Test
    void aFullBulkheadRejectsAtOnceWithoutWait() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("full", 1);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> bulkhead.run(() -> {
            inside.countDown();
            await(release);
        }));
        holder.start();
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> bulkhead.get(() -> "x")).isInstanceOf(BulkheadFullException.class)
                .hasMessageContaining("'full'").satisfies(e ->
                        assertThat(((BulkheadFullException) e).bulkheadName()).isEqualTo("full"));
        assertThat(bulkhead.concurrentCalls()).isEqualTo(1);
        release.countDown();
        holder.join(5_000);
        assertThat(bulkhead.get(() -> "free again")).isEqualTo("free again");
    }

    @Test
    void aWaitingCallerGetsTheSlotWhenItFreesWithinMaxWait() throws Exception {
        Bulkhead bulkhead = Bulkhead.builder("wait").maxConcurrentCalls(1).maxWait(Duration.ofSeconds(10)).build();
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> bulkhead.run(() -> {
            inside.countDown();
            await(release);
        }));
        holder.start();
        assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> bulkhead.get(() -> "waited"));
        release.countDown();
        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo("waited");
        holder.join(5_000);
    }

    @Test
    void anInterruptedWaiterGivesUpAndKeepsTheFlag() throws Exception {
        Bulkhead bulkhead = Bulkhead.builder("wait").maxConcurrentCalls(1).maxWait(Duration.ofHours(1)).build();
        bulkhead.acquirePermission();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> bulkhead.call(() -> "x")).isInstanceOf(InterruptedException.class);
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> bulkhead.get(() -> "x"))
                    .isInstanceOf(java.util.concurrent.CancellationException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            bulkhead.releasePermission();
        }
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void asyncCallsHoldTheirSlotUntilTheFutureCompletes() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("async", 2);
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        CompletableFuture<String> a = bulkhead.callAsync(() -> first);
        CompletableFuture<String> b = bulkhead.callAsync(() -> second);
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<String> c = bulkhead.callAsync(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture("c");
        });
        assertThatThrownBy(() -> c.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(BulkheadFullException.class);
        assertThat(started).hasValue(0);

        first.complete("a");
        assertThat(a.get(1, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(bulkhead.availablePermits()).isEqualTo(1);

        b.cancel(true); // cancelling frees the slot and cancels the task
        assertThat(second).isCancelled();
        assertThat(bulkhead.availablePermits()).isEqualTo(2);
    }

    @Test
    void asyncFailuresFreeTheSlotAndKeepTheOriginalException() {
        Bulkhead bulkhead = Bulkhead.of("async", 1);
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> f = bulkhead.callAsync(() -> {
            throw boom;
        });
        assertThatThrownBy(() -> f.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @RepeatedTest(3)
    void asyncSlotsAreExactUnderRacingThreads() throws Exception {
        int threads = 8;
        Bulkhead bulkhead = Bulkhead.of("async-race", 5);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ExecutorService completer = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<?>> all = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Future<?>> submitters = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                submitters.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        all.add(bulkhead.callAsync(() -> CompletableFuture.supplyAsync(() -> {
                            maxSeen.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                            inFlight.decrementAndGet();
                            return "ok";
                        }, completer)).exceptionally(e -> "rejected"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : submitters) {
                f.get(30, TimeUnit.SECONDS);
            }
            CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
            completer.shutdownNow();
        }
        assertThat(maxSeen.get()).isLessThanOrEqualTo(5);
        assertThat(bulkhead.availablePermits()).isEqualTo(5);
        assertThat(bulkhead.permittedCalls() + bulkhead.rejectedCalls()).isEqualTo(threads * 500L);
    }

    @Test
    void builderRejectsBadArguments() {
        assertThatThrownBy(() -> Bulkhead.of("x", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConcurrentCalls");
        assertThatThrownBy(() -> Bulkhead.builder("x").maxWait(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWait");
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
