package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * {@link Timeout.Builder#onCallerThread()}: the task runs on the caller's thread, the caller's thread is
 * interrupted at the deadline, and that interrupt never outlives the call. Deadlines on fake time where
 * the exact moment matters; the shared watchdog (real time) only where it is what is tested, with
 * conditions instead of timing.
 */
class TimeoutOnCallerThreadTest {

    private static final ThreadLocal<String> CONTEXT = new ThreadLocal<>();

    private final TestTicker ticker = new TestTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);

    /** A thread making one call through a timeout: what the call threw, and its interrupt flag afterwards. */
    private static final class Caller {
        final CompletableFuture<Throwable> result = new CompletableFuture<>();
        final AtomicBoolean interruptedAfterwards = new AtomicBoolean(true);
        private final Thread thread;

        private Caller(Timeout timeout, Callable<String> task) {
            thread = new Thread(() -> {
                try {
                    result.complete(new AssertionError("returned " + timeout.call(task)));
                } catch (Throwable e) {
                    result.complete(e);
                }
                interruptedAfterwards.set(Thread.currentThread().isInterrupted());
            });
        }

        static Caller start(Timeout timeout, Callable<String> task) {
            Caller caller = new Caller(timeout, task);
            caller.thread.start();
            return caller;
        }

        /** Waits (for a condition) until the call and the thread have ended; returns what the call threw. */
        Throwable outcome() throws Exception {
            Throwable thrown = result.get(10, TimeUnit.SECONDS);
            thread.join(10_000);
            return thrown;
        }
    }

    private static Timeout onCallerThread(Duration limit) {
        return Timeout.builder("here").timeout(limit).onCallerThread().build();
    }

    @Test
    void theTaskRunsOnTheCallersThreadWithItsThreadLocalContext() throws Exception {
        Timeout timeout = onCallerThread(Duration.ofSeconds(5));
        Thread caller = Thread.currentThread();
        CONTEXT.set("request-42");
        try {
            assertThat(timeout.call(() -> Thread.currentThread() == caller ? CONTEXT.get() : "other thread"))
                    .isEqualTo("request-42");
            assertThat(timeout.get(CONTEXT::get)).isEqualTo("request-42");
        } finally {
            CONTEXT.remove();
        }
        assertThat(timeout.runsOnCallerThread()).isTrue();
        assertThat(timeout.toString()).contains("on the caller's thread");
        assertThat(Timeout.of(Duration.ofSeconds(1)).runsOnCallerThread()).isFalse();
        assertThat(timeout.timeouts()).isZero();
    }

    @Test
    void theTasksOwnExceptionPassesUnchangedWhenInTime() {
        Timeout timeout = onCallerThread(Duration.ofSeconds(5));
        IOException failure = new IOException("down");
        assertThatThrownBy(() -> timeout.call(() -> {
            throw failure;
        })).isSameAs(failure);
        IllegalStateException unchecked = new IllegalStateException("bad");
        assertThatThrownBy(() -> timeout.get(() -> {
            throw unchecked;
        })).isSameAs(unchecked);
        assertThat(timeout.timeouts()).isZero();
    }

    @Test
    void aBlockedTaskIsInterruptedExactlyAtTheLimitAndTheInterruptIsTakenBackBeforeTheCallEnds() throws Exception {
        Timeout timeout = Timeout.builder("here").timeout(Duration.ofSeconds(2)).onCallerThread().scheduler(scheduler).build();
        CountDownLatch started = new CountDownLatch(1);
        Caller caller = Caller.start(timeout, () -> {
            started.countDown();
            new CountDownLatch(1).await(); // until interrupted
            return "late";
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.pending()).as("the deadline is on the scheduler").isEqualTo(1);

        scheduler.advance(Duration.ofMillis(1_999));
        assertThat(caller.result).as("one millisecond short of the limit").isNotDone();

        scheduler.advance(Duration.ofMillis(1));
        assertThat(caller.outcome()).isInstanceOf(TimeoutException.class).hasMessageContaining("2s")
                .hasCauseInstanceOf(InterruptedException.class);
        assertThat(caller.interruptedAfterwards).as("the interrupt did not outlive the call").isFalse();
        assertThat(timeout.timeouts()).isEqualTo(1);
    }

    @Test
    void aTaskThatIgnoresTheInterruptKeepsItsCallerAndItsValueIsDropped() throws Exception {
        Timeout timeout = Timeout.builder("here").timeout(Duration.ofSeconds(1)).onCallerThread().scheduler(scheduler).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        Caller caller = Caller.start(timeout, () -> {
            started.countDown();
            while (release.getCount() > 0) { // busy, deaf to interrupts
                if (Thread.currentThread().isInterrupted()) {
                    sawInterrupt.set(true);
                }
                Thread.onSpinWait();
            }
            return "late value";
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        scheduler.advance(Duration.ofSeconds(1)); // fires: the caller's thread is interrupted
        while (!sawInterrupt.get()) {
            Thread.onSpinWait(); // a condition, not a time: the task sees its interrupt flag
        }
        assertThat(caller.result).as("the caller waits for a task that ignores interrupts").isNotDone();

        release.countDown();
        assertThat(caller.outcome()).isInstanceOf(TimeoutException.class).hasNoCause();
        assertThat(caller.interruptedAfterwards).isFalse();
        assertThat(timeout.timeouts()).isEqualTo(1);
    }

    @Test
    void anInterruptFromSomeoneElseDuringACallInTimeIsKept() throws Exception {
        Timeout timeout = onCallerThread(Duration.ofSeconds(5));
        try {
            assertThat(timeout.call(() -> {
                Thread.currentThread().interrupt(); // not the timeout's: the caller must still see it
                return "ok";
            })).isEqualTo("ok");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theSharedWatchdogInterruptsABlockedTaskAndTheCallersNextWaitIsNotInterrupted() throws Exception {
        Timeout timeout = onCallerThread(Duration.ofMillis(50));
        long start = System.nanoTime();
        assertThatThrownBy(() -> timeout.call(() -> new CountDownLatch(1).await(60, TimeUnit.SECONDS)))
                .isInstanceOf(TimeoutException.class).hasCauseInstanceOf(InterruptedException.class);
        // Far under the task's 60 s: the watchdog interrupted it (a generous bound for a loaded machine).
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        // A wait right after the call is not cut short by a stray interrupt.
        assertThat(new CountDownLatch(1).await(1, TimeUnit.MILLISECONDS)).isFalse();
        assertThat(timeout.timeouts()).isEqualTo(1);
    }

    @Test
    void aNestedShorterTimeoutOnTheSameThreadFiresAloneAndTheOuterCallEndsInTime() throws Exception {
        Timeout outer = onCallerThread(Duration.ofSeconds(60));
        Timeout inner = onCallerThread(Duration.ofMillis(50));
        String answer = outer.call(() -> {
            try {
                return inner.call(() -> new CountDownLatch(1).await(60, TimeUnit.SECONDS) ? "released" : "expired");
            } catch (TimeoutException e) {
                return Thread.currentThread().isInterrupted() ? "interrupt leaked" : "inner timed out";
            }
        });
        assertThat(answer).isEqualTo("inner timed out");
        assertThat(inner.timeouts()).isEqualTo(1);
        assertThat(outer.timeouts()).isZero();
    }

    @Test
    void aRetriedAttemptAfterATimeoutStartsUninterrupted() {
        Timeout timeout = onCallerThread(Duration.ofMillis(50));
        Retry retry = Retry.builder("r").maxAttempts(2).backoff(Backoff.none()).build();
        AtomicInteger attempts = new AtomicInteger();
        String answer = Resilience.of(retry, timeout).get(() -> {
            if (attempts.incrementAndGet() == 1) {
                try {
                    new CountDownLatch(1).await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException("interrupted", e);
                }
                return "first attempt ended by itself";
            }
            return Thread.currentThread().isInterrupted() ? "second attempt interrupted" : "second attempt clean";
        });
        assertThat(answer).isEqualTo("second attempt clean");
        assertThat(timeout.timeouts()).isEqualTo(1);
        assertThat(retry.retries()).isEqualTo(1);
    }

    @Test
    void aSchedulerThatRefusesTheDeadlineFailsTheCallWithoutRunningTheTask() throws Exception {
        ScheduledThreadPoolExecutor closed = new ScheduledThreadPoolExecutor(1);
        closed.shutdown();
        Timeout timeout = Timeout.builder("here").onCallerThread().scheduler(closed).build();
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> timeout.call(runs::incrementAndGet)).isInstanceOf(RejectedExecutionException.class);
        assertThat(runs).hasValue(0);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void theBuilderRefusesAnExecutorForCallsOnTheCallersThreadAndWithExecutorGoesBackToWorkers() {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            assertThatThrownBy(() -> Timeout.builder("t").onCallerThread().executor(pool).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("executor")
                    .hasMessageContaining("onCallerThread");
            Timeout here = onCallerThread(Duration.ofSeconds(1));
            assertThat(here.withExecutor(pool).runsOnCallerThread()).isFalse();
            assertThat(here.withScheduler(scheduler).runsOnCallerThread()).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRegistryCopiesTheCallerThreadMode() {
        Registry<Timeout, Timeout.Builder> registry = Registry.ofTimeouts(
                Timeout.builder("defaults").timeout(Duration.ofMillis(300)).onCallerThread());
        assertThat(registry.get("db").runsOnCallerThread()).isTrue();
        assertThat(registry.get("db").timeout()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aCallInTimeAllocatesNothingInAPipelineOrAlone() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Timeout timeout = onCallerThread(Duration.ofSeconds(30));
        Resilience pipeline = Resilience.of(Retry.builder("r").build(), CircuitBreaker.builder("b").build(),
                Bulkhead.of("bh", 25), timeout);
        Supplier<String> task = () -> "ok";
        for (int i = 0; i < 200_000; i++) { // past JIT compilation
            timeout.get(task);
            pipeline.get(task);
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            timeout.get(task);
            pipeline.get(task);
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        // One 16-byte object per call would be 3.2 MB; a few hundred bytes of JIT and profiling noise remain.
        assertThat(allocated).as("bytes allocated by 200,000 calls in time").isLessThan(32_768);
        assertThat(timeout.timeouts()).isZero();
    }

    /**
     * Many threads at once, more than the watches the shared array starts with, each mixing calls that end
     * in time with calls that block until their deadline: every blocked call times out, every other one
     * returns its value, and no call leaves its thread interrupted (seeded, repeated).
     */
    @RepeatedTest(3)
    void manyThreadsMixingFastAndBlockedCallsGetEachOutcomeRightAndLeakNoInterrupt() throws Exception {
        int threads = 48;
        Timeout slow = onCallerThread(Duration.ofSeconds(60));
        Timeout quick = onCallerThread(Duration.ofMillis(20));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<List<String>>> results = new ArrayList<>();
        AtomicInteger blocked = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            long seed = 7_919L * t;
            results.add(pool.submit(() -> {
                Random random = new Random(seed);
                List<String> problems = new ArrayList<>();
                start.await();
                for (int i = 0; i < 40; i++) {
                    boolean block = random.nextInt(8) == 0;
                    try {
                        String value = block
                                ? quick.call(() -> new CountDownLatch(1).await(60, TimeUnit.SECONDS) ? "x" : "expired")
                                : slow.call(() -> "v" + seed);
                        if (block || !value.equals("v" + seed)) {
                            problems.add("call " + i + " returned " + value);
                        }
                    } catch (TimeoutException e) {
                        if (!block) {
                            problems.add("call " + i + " timed out in time");
                        }
                        blocked.incrementAndGet();
                    }
                    if (Thread.currentThread().isInterrupted()) {
                        problems.add("call " + i + " left its thread interrupted");
                        Thread.interrupted();
                    }
                }
                return problems;
            }));
        }
        start.countDown();
        List<String> problems = new ArrayList<>();
        for (Future<List<String>> f : results) {
            problems.addAll(f.get(5, TimeUnit.MINUTES));
        }
        pool.shutdownNow();
        assertThat(problems).isEmpty();
        assertThat(quick.timeouts()).isEqualTo(blocked.get()).isPositive();
        assertThat(slow.timeouts()).isZero();
    }

    @Test
    void aDeadlineEarlierThanTheOneTheWatchdogWaitsForWakesIt() throws Exception {
        // A long call keeps the watchdog asleep towards a far deadline; a short one started later must
        // still be interrupted at its own.
        Timeout far = onCallerThread(Duration.ofMinutes(10));
        Timeout near = onCallerThread(Duration.ofMillis(50));
        CountDownLatch farStarted = new CountDownLatch(1);
        CountDownLatch releaseFar = new CountDownLatch(1);
        AtomicReference<Object> farOutcome = new AtomicReference<>();
        Thread farCaller = new Thread(() -> {
            try {
                farOutcome.set(far.call(() -> {
                    farStarted.countDown();
                    return releaseFar.await(60, TimeUnit.SECONDS);
                }));
            } catch (Exception e) {
                farOutcome.set(e);
            }
        });
        farCaller.start();
        assertThat(farStarted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> near.call(() -> new CountDownLatch(1).await(60, TimeUnit.SECONDS)))
                .isInstanceOf(TimeoutException.class);
        releaseFar.countDown();
        farCaller.join(30_000);
        assertThat(farOutcome.get()).isEqualTo(true);
        assertThat(far.timeouts()).isZero();
    }
}
