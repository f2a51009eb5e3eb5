package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A thread-pool bulkhead's threads (daemon, gone when idle), its figures while a task runs, its
 * shutdown and close, cancellation of asynchronous calls, and an Error from a task.
 */
class ThreadPoolBulkheadLifecycleTest {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(30);

    private static boolean threadAlive(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
    }

    @Test
    void poolThreadsAreDaemonsAndAnIdlePoolKeepsNone() throws Exception {
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.builder("idle-pool").threads(2).queueCapacity(0)
                .keepAlive(Duration.ofMillis(20)).build();

        // Submitted from a thread that is not a daemon: a new thread inherits that, unless the pool says otherwise.
        CompletableFuture<CompletableFuture<Boolean>> submitted = new CompletableFuture<>();
        Thread submitter = new Thread(() -> submitted.complete(bulkhead.submit(() -> Thread.currentThread().isDaemon())));
        submitter.setDaemon(false);
        submitter.start();
        assertThat(submitted.get(30, TimeUnit.SECONDS).get(30, TimeUnit.SECONDS)).isTrue();

        // An idle dependency must not pin threads: the pool thread ends after keepAlive (waited on as a condition).
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (threadAlive("fluxgate-idle-pool-")) {
            assertThat(System.nanoTime()).as("the idle pool thread never ended").isLessThan(deadline);
            Thread.sleep(5);
        }
        assertThat(bulkhead.submit(() -> "again").get(30, TimeUnit.SECONDS)).isEqualTo("again");
        bulkhead.close();
    }

    @Test
    void whileATaskRunsItIsActiveAndShutdownDoesNotTerminate() throws Exception {
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("busy", 2, 3);
        assertThat(bulkhead.name()).isEqualTo("busy");
        assertThat(bulkhead.maxThreads()).isEqualTo(2);
        assertThat(bulkhead.queueCapacity()).isEqualTo(3);
        assertThat(bulkhead).hasToString("ThreadPoolBulkhead(busy, 2 threads, queue 3)");
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> task = bulkhead.submit(() -> {
            started.countDown();
            release.await();
            return "done";
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(bulkhead.activeThreads()).isEqualTo(1);
        assertThat(bulkhead.tasksInUse()).isEqualTo(1);
        bulkhead.shutdown();
        assertThat(bulkhead.awaitTermination(Duration.ofMillis(10))).isFalse();
        assertThat(bulkhead.isTerminated()).isFalse();

        release.countDown();
        assertThat(bulkhead.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(bulkhead.isTerminated()).isTrue();
        assertThat(task.get()).isEqualTo("done");
    }

    @Test
    void closeInterruptedWhileWaitingInterruptsTheTasksAndKeepsTheFlag() throws Exception {
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("close-interrupted", 1, 1);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean taskInterrupted = new AtomicBoolean();
        CompletableFuture<String> task = bulkhead.submit(() -> {
            started.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                taskInterrupted.set(true);
                throw e;
            }
            return "never";
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        boolean flag;
        Thread.currentThread().interrupt(); // close() waits for the task: the interrupt ends that wait
        try {
            bulkhead.close();
        } finally {
            flag = Thread.interrupted();
        }

        assertThat(flag).isTrue();
        assertThat(bulkhead.awaitTermination(Duration.ofSeconds(30))).isTrue();
        assertThat(taskInterrupted).isTrue();
        assertThat(task).isCompletedExceptionally();
    }

    @Test
    void anErrorFromATaskReachesTheCallerAsItIs() throws Exception {
        try (ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("error", 1, 1)) {
            Error broken = new Error("broken");
            assertThatThrownBy(() -> bulkhead.call(() -> {
                throw broken;
            })).isSameAs(broken);
            assertThat(bulkhead.call(() -> "still serving")).isEqualTo("still serving");
        }
    }

    @Test
    void cancellingAnAsyncCallAfterItsTaskStartedCancelsTheTasksFuture() throws Exception {
        try (ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("async-cancel", 1, 1)) {
            CompletableFuture<String> work = new CompletableFuture<>();
            CompletableFuture<String> result = bulkhead.callAsync(() -> work);
            // The pool thread has handed the work over once something listens to it.
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (work.getNumberOfDependents() == 0) {
                assertThat(System.nanoTime()).as("the task never started").isLessThan(deadline);
                Thread.sleep(1);
            }

            result.cancel(true);

            assertThat(work).isCancelled();
        }
    }

    @Test
    void cancellingAnAsyncCallStillQueuedMeansItsTaskNeverStarts() throws Exception {
        ThreadPoolBulkhead bulkhead = ThreadPoolBulkhead.of("async-queued", 1, 1);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bulkhead.submit(() -> {
            started.countDown();
            release.await();
            return "blocker";
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        AtomicInteger supplied = new AtomicInteger();
        CompletableFuture<String> queued = bulkhead.callAsync(() -> {
            supplied.incrementAndGet();
            return CompletableFuture.completedFuture("late");
        });

        queued.cancel(true);
        release.countDown();
        bulkhead.close(); // waits for every task that was going to run

        assertThat(supplied).hasValue(0);
        assertThat(queued).isCancelled();
        assertThat(bulkhead.tasksInUse()).isZero();
    }
}
