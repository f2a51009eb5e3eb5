package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ThreadPoolBulkheadTest {

    @Test
    void rejectsWhenThreadsAndQueueAreFull() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        try (ThreadPoolBulkhead payments = ThreadPoolBulkhead.of("payments", 2, 3)) {
            List<CompletableFuture<String>> accepted = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                accepted.add(payments.submit(() -> {
                    running.countDown();
                    release.await();
                    return "paid";
                }));
            }
            assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(payments.queueDepth()).isEqualTo(3);

            CompletableFuture<String> sixth = payments.submit(() -> "too many");
            assertThatThrownBy(() -> sixth.get(1, TimeUnit.SECONDS)).hasCauseInstanceOf(BulkheadFullException.class);
            assertThatThrownBy(() -> payments.call(() -> "too many")).isInstanceOf(BulkheadFullException.class);
            assertThat(payments.rejectedCalls()).isEqualTo(2);

            release.countDown();
            for (CompletableFuture<String> f : accepted) {
                assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("paid");
            }
        }
    }

    @RepeatedTest(5)
    void acceptsExactlyThreadsPlusQueueUnderRacingSubmitters() throws Exception {
        int submitters = 8;
        CountDownLatch release = new CountDownLatch(1);
        CyclicBarrier start = new CyclicBarrier(submitters);
        List<CompletableFuture<String>> all = new CopyOnWriteArrayList<>();
        try (ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("race", 2, 3)) {
            Thread[] threads = new Thread[submitters];
            for (int t = 0; t < submitters; t++) {
                threads[t] = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < 10; i++) {
                        all.add(bulkhead.submit(() -> {
                            release.await();
                            return "done";
                        }));
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join(10_000);
            }
            long rejected = all.stream().filter(f -> f.isCompletedExceptionally()).count();
            assertThat(rejected).isEqualTo(submitters * 10 - 5);
            assertThat(bulkhead.rejectedCalls()).isEqualTo(rejected);
            release.countDown();
            CompletableFuture.allOf(all.stream().filter(f -> !f.isCompletedExceptionally())
                    .toArray(CompletableFuture<?>[]::new)).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSlowDependencyDoesNotTakeAnotherDependencysThreads() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ThreadPoolBulkhead payments = ThreadPoolBulkhead.of("payments", 1, 0);
                ThreadPoolBulkhead email = ThreadPoolBulkhead.of("email", 1, 0)) {
            CompletableFuture<String> stuck = payments.submit(() -> {
                release.await();
                return "paid";
            });
            assertThat(email.submit(() -> Thread.currentThread().getName()).get(5, TimeUnit.SECONDS))
                    .startsWith("fluxgate-email-");
            release.countDown();
            assertThat(stuck.get(5, TimeUnit.SECONDS)).isEqualTo("paid");
        }
    }

    @Test
    void closeLetsQueuedTasksFinishThenRejectsNewOnes() throws Exception {
        AtomicInteger done = new AtomicInteger();
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("close", 1, 10);
        CountDownLatch gate = new CountDownLatch(1);
        bulkhead.submit(() -> {
            gate.await();
            return done.incrementAndGet();
        });
        for (int i = 0; i < 5; i++) {
            bulkhead.submit(done::incrementAndGet);
        }
        gate.countDown();
        bulkhead.close();
        assertThat(done).hasValue(6);
        assertThat(bulkhead.isTerminated()).isTrue();
        assertThatThrownBy(() -> bulkhead.submit(() -> 1).get()).hasCauseInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void shutdownNowInterruptsRunningAndCancelsQueued() throws Exception {
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("now", 1, 5);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        CompletableFuture<String> running = bulkhead.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
            return "never";
        });
        CompletableFuture<String> queued = bulkhead.submit(() -> "never either");
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        bulkhead.shutdownNow();
        assertThat(bulkhead.awaitTermination(Duration.ofSeconds(5))).isTrue();
        assertThat(interrupted).isTrue();
        assertThat(queued).isCancelled();
        assertThatThrownBy(() -> running.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(InterruptedException.class);
    }

    @Test
    void cancellingAFutureInterruptsItsTaskOnly() throws Exception {
        try (ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("cancel", 1, 1)) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            CompletableFuture<String> f = bulkhead.submit(() -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } finally {
                    stopped.countDown();
                }
                return "never";
            });
            assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
            f.cancel(true);
            assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
            assertThat(bulkhead.submit(() -> "next").get(5, TimeUnit.SECONDS)).isEqualTo("next");
        }
    }

    @Test
    void callAsyncStartsTheTaskOnThePool() throws Exception {
        try (ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("async", 1, 1)) {
            String thread = bulkhead.callAsync(() -> CompletableFuture.completedFuture(Thread.currentThread().getName()))
                    .get(5, TimeUnit.SECONDS);
            assertThat(thread).startsWith("fluxgate-async-");
        }
    }

    @Test
    void builderRejectsBadArguments() {
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("x").threads(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("threads");
        assertThatThrownBy(() -> ThreadPoolBulkhead.builder("x").queueCapacity(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queueCapacity");
    }
}
