package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Admission counts the tasks in the bulkhead, not a queue's hand-off timing. Regression: with a queue
 * capacity of 0, one caller making 2,000 calls one after another (each returned before the next) had
 * 1,980 rejected, because the pool thread that had just finished a task was not yet back at the
 * SynchronousQueue to take the next one.
 */
class ThreadPoolBulkheadAdmissionTest {

    @Test
    void sequentialCallsWithAZeroQueueAreNeverRejected() throws Exception {
        for (int threads : new int[] {1, 4}) {
            try (ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("sequential", threads, 0)) {
                for (int i = 0; i < 1_000; i++) {
                    int n = i;
                    assertThat(bulkhead.call(() -> n)).isEqualTo(n);
                    assertThat(bulkhead.submit(() -> n).get(10, TimeUnit.SECONDS)).isEqualTo(n);
                }
                assertThat(bulkhead.rejectedCalls()).as("rejected with %d thread(s)", threads).isZero();
                assertThat(bulkhead.tasksInUse()).isZero();
            }
        }
    }

    @Test
    void aTaskThatThrowsFreesItsPlaceBeforeItsCallerSeesTheException() throws Exception {
        try (ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("failing", 1, 0)) {
            for (int i = 0; i < 500; i++) {
                assertThatThrownBy(() -> bulkhead.call(() -> {
                    throw new IllegalStateException("boom");
                })).isInstanceOf(IllegalStateException.class);
            }
            assertThat(bulkhead.rejectedCalls()).isZero();
        }
    }

    @RepeatedTest(5)
    void racingSubmittersGetExactlyThreadsPlusQueuePlaces() throws Exception {
        for (int queue : new int[] {0, 3}) {
            int submitters = 8;
            CountDownLatch release = new CountDownLatch(1);
            CyclicBarrier start = new CyclicBarrier(submitters);
            List<CompletableFuture<String>> all = new CopyOnWriteArrayList<>();
            ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("race", 2, queue);
            try {
                Thread[] threads = new Thread[submitters];
                for (int t = 0; t < submitters; t++) {
                    threads[t] = new Thread(() -> {
                        try {
                            start.await(10, TimeUnit.SECONDS);
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
                assertThat(all).hasSize(submitters * 10);
                long rejected = all.stream().filter(CompletableFuture::isCompletedExceptionally).count();
                assertThat(rejected).as("rejected with queue %d", queue).isEqualTo(submitters * 10 - 2 - queue);
                assertThat(bulkhead.tasksInUse()).isEqualTo(2 + queue);
                release.countDown();
                for (CompletableFuture<String> f : all) {
                    if (!f.isCompletedExceptionally()) {
                        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("done");
                    }
                }
            } finally {
                release.countDown(); // a failed assertion must not leave close() waiting on blocked tasks
                bulkhead.close();
            }
        }
    }

    @Test
    void aCancelledQueuedTaskFreesItsPlaceAtOnceAndNeverRuns() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean cancelledRan = new AtomicBoolean();
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("cancel", 1, 1);
        try {
            CompletableFuture<String> busy = bulkhead.submit(() -> {
                running.countDown();
                release.await();
                return "busy";
            });
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> queued = bulkhead.submit(() -> {
                cancelledRan.set(true);
                return "queued";
            });
            assertThatThrownBy(() -> bulkhead.submit(() -> "full").join()).hasCauseInstanceOf(BulkheadFullException.class);

            queued.cancel(true);
            assertThat(bulkhead.tasksInUse()).isEqualTo(1);
            assertThat(bulkhead.queueDepth()).isZero();
            CompletableFuture<String> next = bulkhead.submit(() -> "next");
            assertThat(next).isNotCompletedExceptionally();

            release.countDown();
            assertThat(busy.get(10, TimeUnit.SECONDS)).isEqualTo("busy");
            assertThat(next.get(10, TimeUnit.SECONDS)).isEqualTo("next");
            assertThat(queued).isCancelled();
        } finally {
            release.countDown();
            bulkhead.close();
        }
        assertThat(cancelledRan).isFalse();
    }

    @Test
    void aCancelledRunningTaskHoldsItsPlaceUntilItsThreadIsFree() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("stubborn", 1, 0);
        try {
            CompletableFuture<String> stubborn = bulkhead.submit(() -> {
                running.countDown();
                while (finish.getCount() > 0) { // ignores the interrupt, as some tasks do
                    try {
                        finish.await();
                    } catch (InterruptedException ignored) {
                        // keep going
                    }
                }
                return "late";
            });
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            stubborn.cancel(true);
            // Its thread is still busy: admitting another task would exceed the one thread.
            assertThat(bulkhead.tasksInUse()).isEqualTo(1);
            assertThatThrownBy(() -> bulkhead.submit(() -> "x").join()).hasCauseInstanceOf(BulkheadFullException.class);
            finish.countDown();
            // Waiting on the condition (the thread came back), never on time.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bulkhead.tasksInUse() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(bulkhead.submit(() -> "free").get(10, TimeUnit.SECONDS)).isEqualTo("free");
        } finally {
            finish.countDown();
            bulkhead.close();
        }
    }

    @Test
    void shutdownNowFreesEveryPlace() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("now", 1, 3);
        CountDownLatch running = new CountDownLatch(1);
        bulkhead.submit(() -> {
            running.countDown();
            new CountDownLatch(1).await();
            return "never";
        });
        for (int i = 0; i < 3; i++) {
            bulkhead.submit(ran::incrementAndGet);
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        bulkhead.shutdownNow(); // also on failure below: nothing is left blocked
        assertThat(bulkhead.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(bulkhead.tasksInUse()).isZero();
        assertThat(ran).hasValue(0);
    }
}
