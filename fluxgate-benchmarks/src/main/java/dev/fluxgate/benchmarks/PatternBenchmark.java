package dev.fluxgate.benchmarks;

import static dev.fluxgate.benchmarks.Breakers.DONE;
import static dev.fluxgate.benchmarks.Breakers.FAILING;
import static dev.fluxgate.benchmarks.Breakers.FAILSAFE_FAILING;
import static dev.fluxgate.benchmarks.Breakers.FAILSAFE_TASK;
import static dev.fluxgate.benchmarks.Breakers.TASK;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.fluxgate.Backoff;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Fallback;
import dev.fluxgate.Retry;
import dev.fluxgate.Timeout;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Every pattern but the breaker and the rate limiter against its peers, on the path users pay for most
 * often: nothing goes wrong. Every thread shares one instance of each. Method names read
 * {@code case_implementation}; {@code report.py} groups them by case.
 *
 * <p>How the peers are configured alike (each through the API its users call, every decorated
 * supplier or executor built once in {@link #setUp()}, so that no call allocates a lambda of ours):
 *
 * <ul>
 *   <li>{@code bulkhead}: a semaphore bulkhead of {@value #SLOTS} slots that never waits (all three
 *       defaults' size), never full here. Fluxgate {@code Bulkhead.builder(..).maxConcurrentCalls(25)}
 *       (a fair semaphore) and {@code get}; Resilience4j {@code BulkheadConfig.maxConcurrentCalls(25)
 *       .maxWaitDuration(0)} (fair by default) and {@code executeSupplier}; Failsafe
 *       {@code Bulkhead.of(25)} and {@code Failsafe.with(bulkhead).get}.</li>
 *   <li>{@code retrySuccess}: a retry of 3 attempts without wait whose first attempt succeeds.
 *       Fluxgate {@code maxAttempts(3).backoff(Backoff.none())}; Resilience4j {@code maxAttempts(3)
 *       .waitDuration(0)}; Failsafe {@code RetryPolicy.builder().withMaxAttempts(3)} (no delay by
 *       default). Every one retries any exception.</li>
 *   <li>{@code timeoutSync}: a 1 s timeout around a synchronous call that returns at once, through the
 *       cheapest synchronous timeout each library has. Fluxgate {@code Timeout.builder(..).onCallerThread()}
 *       and Failsafe's {@code Timeout.builder(1 s).withInterrupt()} both run the task on the caller's
 *       thread and interrupt it at the deadline (so the caller waits for a task that ignores the
 *       interrupt); Resilience4j's {@code TimeLimiter.executeFutureSupplier} over the task submitted to a
 *       cached daemon pool (the way its users bound a synchronous call), cancelling the running future.</li>
 *   <li>{@code timeoutSyncWorker}: the same call with the stronger guarantee, the caller back at the
 *       deadline even if the task ignores the interrupt: Fluxgate's default timeout running the task on a
 *       worker (given the same cached daemon pool), against Resilience4j's {@code TimeLimiter} as above,
 *       the one peer that offers it. A thread hand-off (two wake-ups) per call dominates both.</li>
 *   <li>{@code timeoutAsync}: the same 1 s timeout around an already-completed stage. Fluxgate
 *       {@code callAsync}; Resilience4j {@code executeCompletionStage} on a one-thread scheduler (its
 *       users must give one; cancelled timers are removed, as in Fluxgate's shared one); Failsafe
 *       {@code getStageAsync}.</li>
 *   <li>{@code fallbackNotNeeded} and {@code fallbackUsed}: a fallback to a constant for any exception,
 *       around a task that succeeds, or that throws (a preallocated stackless exception). Fluxgate
 *       {@code Fallback.of(e -> ALTERNATIVE)}; Resilience4j {@code Decorators.ofSupplier(task)
 *       .withFallback(e -> ALTERNATIVE)}; Failsafe {@code Fallback.of(ALTERNATIVE)}.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
public class PatternBenchmark {

    /** Slots of every bulkhead: more than any thread count here, so none ever rejects. */
    public static final int SLOTS = 25;
    /** Attempts of every retry. */
    public static final int ATTEMPTS = 3;
    /** The time every timeout allows: far beyond any call here. */
    public static final Duration TIMEOUT = Duration.ofSeconds(1);
    /** What every fallback answers. */
    public static final Object ALTERNATIVE = new Object();
    /** The task as a {@code Callable}. */
    public static final Callable<Object> CALLABLE = () -> Breakers.VALUE;
    /** The already-completed stage as a task supplier (a constant: no call allocates it). */
    public static final Supplier<CompletionStage<Object>> DONE_STAGE = () -> DONE;
    /** {@link #DONE_STAGE} as Failsafe's type. */
    public static final dev.failsafe.function.CheckedSupplier<CompletionStage<Object>> FAILSAFE_DONE_STAGE = () -> DONE;

    Bulkhead fluxgateBulkhead;
    io.github.resilience4j.bulkhead.Bulkhead r4jBulkhead;
    dev.failsafe.Bulkhead<Object> failsafeBulkheadPolicy;
    FailsafeExecutor<Object> failsafeBulkhead;

    Retry fluxgateRetry;
    io.github.resilience4j.retry.Retry r4jRetry;
    FailsafeExecutor<Object> failsafeRetry;

    ExecutorService pool;
    ScheduledThreadPoolExecutor scheduler;
    Timeout fluxgateTimeout;
    Timeout fluxgateWorkerTimeout;
    TimeLimiter r4jTimeLimiter;
    Supplier<Future<Object>> submitToPool;
    FailsafeExecutor<Object> failsafeTimeout;

    Fallback<Object> fluxgateFallback;
    Supplier<Object> r4jFallbackNotNeeded;
    Supplier<Object> r4jFallbackUsed;
    FailsafeExecutor<Object> failsafeFallback;

    /** Created by JMH, once per run ({@code Scope.Benchmark}). */
    public PatternBenchmark() {
    }

    /** Builds every pattern, each peer configured as the class comment says. */
    @Setup
    public void setUp() {
        fluxgateBulkhead = Bulkhead.builder("bench").maxConcurrentCalls(SLOTS).build();
        r4jBulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("bench", BulkheadConfig.custom()
                .maxConcurrentCalls(SLOTS).maxWaitDuration(Duration.ZERO).build());
        failsafeBulkheadPolicy = dev.failsafe.Bulkhead.of(SLOTS);
        failsafeBulkhead = Failsafe.with(failsafeBulkheadPolicy);

        fluxgateRetry = fluxgateRetry();
        r4jRetry = r4jRetry();
        failsafeRetry = Failsafe.with(failsafeRetry());

        pool = cachedDaemonPool();
        scheduler = new ScheduledThreadPoolExecutor(1, daemon("bench-r4j-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        fluxgateTimeout = fluxgateTimeout();
        fluxgateWorkerTimeout = Timeout.builder("bench-worker").timeout(TIMEOUT).executor(pool).build();
        r4jTimeLimiter = r4jTimeLimiter();
        submitToPool = () -> pool.submit(CALLABLE);
        failsafeTimeout = Failsafe.with(failsafeTimeout());

        fluxgateFallback = Fallback.of(e -> ALTERNATIVE);
        r4jFallbackNotNeeded = Decorators.ofSupplier(TASK).withFallback((Throwable e) -> ALTERNATIVE).decorate();
        r4jFallbackUsed = Decorators.ofSupplier(FAILING).withFallback((Throwable e) -> ALTERNATIVE).decorate();
        failsafeFallback = Failsafe.with(dev.failsafe.Fallback.of(ALTERNATIVE));
    }

    /** Nothing was rejected, retried or timed out: the cases measured the path they name. */
    @TearDown
    public void verify() {
        Breakers.check(fluxgateBulkhead.availablePermits() == SLOTS && fluxgateBulkhead.rejectedCalls() == 0,
                "Fluxgate bulkhead: every slot back, none rejected");
        Breakers.check(r4jBulkhead.getMetrics().getAvailableConcurrentCalls() == SLOTS,
                "Resilience4j bulkhead: every slot back");
        Breakers.check(fluxgateRetry.retries() == 0, "Fluxgate retry: no retry");
        Breakers.check(r4jRetry.getMetrics().getNumberOfSuccessfulCallsWithRetryAttempt() == 0
                && r4jRetry.getMetrics().getNumberOfFailedCallsWithRetryAttempt() == 0, "Resilience4j retry: no retry");
        Breakers.check(fluxgateTimeout.timeouts() == 0 && fluxgateWorkerTimeout.timeouts() == 0,
                "Fluxgate timeout: none timed out");
        pool.shutdownNow();
        scheduler.shutdownNow();
    }

    // ---- configurations, shared with PipelineBenchmark ----

    /** {@return Fluxgate's retry: 3 attempts, no wait} */
    static Retry fluxgateRetry() {
        return Retry.builder("bench").maxAttempts(ATTEMPTS).backoff(Backoff.none()).build();
    }

    /** {@return Resilience4j's retry: 3 attempts, no wait} */
    static io.github.resilience4j.retry.Retry r4jRetry() {
        return io.github.resilience4j.retry.Retry.of("bench", RetryConfig.custom()
                .maxAttempts(ATTEMPTS).waitDuration(Duration.ZERO).build());
    }

    /** {@return Failsafe's retry policy: 3 attempts, no delay} */
    static dev.failsafe.RetryPolicy<Object> failsafeRetry() {
        return dev.failsafe.RetryPolicy.builder().withMaxAttempts(ATTEMPTS).build();
    }

    /** {@return Fluxgate's timeout: 1 s, on the caller's thread, interrupting it} */
    static Timeout fluxgateTimeout() {
        return Timeout.builder("bench").timeout(TIMEOUT).onCallerThread().build();
    }

    /** {@return Resilience4j's time limiter: 1 s, cancelling the running future} */
    static TimeLimiter r4jTimeLimiter() {
        return TimeLimiter.of("bench", TimeLimiterConfig.custom().timeoutDuration(TIMEOUT).cancelRunningFuture(true).build());
    }

    /** {@return Failsafe's timeout: 1 s, interrupting the task} */
    static dev.failsafe.Timeout<Object> failsafeTimeout() {
        return dev.failsafe.Timeout.builder(TIMEOUT).withInterrupt().build();
    }

    /** {@return a cached pool of daemon threads, what Fluxgate's timeout uses by default on JDK 17} */
    static ExecutorService cachedDaemonPool() {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                daemon("bench-worker"));
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    // ---- semaphore bulkhead, never full ----

    /**
     * Fluxgate {@code Bulkhead.get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object bulkhead_fluxgate() {
        return fluxgateBulkhead.get(TASK);
    }

    /**
     * Resilience4j {@code Bulkhead.executeSupplier}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object bulkhead_r4j() {
        return r4jBulkhead.executeSupplier(TASK);
    }

    /**
     * Failsafe {@code Failsafe.with(bulkhead).get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object bulkhead_failsafe() {
        return failsafeBulkhead.get(FAILSAFE_TASK);
    }

    // ---- retry, first attempt succeeds ----

    /**
     * Fluxgate {@code Retry.get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object retrySuccess_fluxgate() {
        return fluxgateRetry.get(TASK);
    }

    /**
     * Resilience4j {@code Retry.executeSupplier}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object retrySuccess_r4j() {
        return r4jRetry.executeSupplier(TASK);
    }

    /**
     * Failsafe {@code Failsafe.with(retryPolicy).get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object retrySuccess_failsafe() {
        return failsafeRetry.get(FAILSAFE_TASK);
    }

    // ---- timeout, the call finishes in time ----

    /**
     * Fluxgate {@code Timeout.get} on the caller's thread, interrupting it at 1 s.
     *
     * @return the task's value
     */
    @Benchmark
    public Object timeoutSync_fluxgate() {
        return fluxgateTimeout.get(TASK);
    }

    /**
     * Fluxgate {@code Timeout.get}: the task on a worker, the caller waits at most 1 s.
     *
     * @return the task's value
     */
    @Benchmark
    public Object timeoutSyncWorker_fluxgate() {
        return fluxgateWorkerTimeout.get(TASK);
    }

    /**
     * Resilience4j {@code TimeLimiter.executeFutureSupplier} over the task submitted to the pool: the
     * peer of {@link #timeoutSyncWorker_fluxgate()} (the same as {@link #timeoutSync_r4j()}).
     *
     * @return the task's value
     * @throws Exception never: the task succeeds in time
     */
    @Benchmark
    public Object timeoutSyncWorker_r4j() throws Exception {
        return r4jTimeLimiter.executeFutureSupplier(submitToPool);
    }

    /**
     * Resilience4j {@code TimeLimiter.executeFutureSupplier} over the task submitted to the same pool.
     *
     * @return the task's value
     * @throws Exception never: the task succeeds in time
     */
    @Benchmark
    public Object timeoutSync_r4j() throws Exception {
        return r4jTimeLimiter.executeFutureSupplier(submitToPool);
    }

    /**
     * Failsafe {@code Failsafe.with(timeout).get}: the task on the caller's thread under a timer.
     *
     * @return the task's value
     */
    @Benchmark
    public Object timeoutSync_failsafe() {
        return failsafeTimeout.get(FAILSAFE_TASK);
    }

    /**
     * Fluxgate {@code Timeout.callAsync} around an already-completed stage.
     *
     * @return the stage's value
     */
    @Benchmark
    public Object timeoutAsync_fluxgate() {
        return fluxgateTimeout.callAsync(DONE_STAGE).join();
    }

    /**
     * Resilience4j {@code TimeLimiter.executeCompletionStage} around an already-completed stage.
     *
     * @return the stage's value
     */
    @Benchmark
    public Object timeoutAsync_r4j() {
        return r4jTimeLimiter.executeCompletionStage(scheduler, DONE_STAGE).toCompletableFuture().join();
    }

    /**
     * Failsafe {@code getStageAsync} around an already-completed stage.
     *
     * @return the stage's value
     */
    @Benchmark
    public Object timeoutAsync_failsafe() {
        CompletableFuture<Object> f = failsafeTimeout.getStageAsync(FAILSAFE_DONE_STAGE);
        return f.join();
    }

    // ---- fallback ----

    /**
     * Fluxgate {@code Fallback.get}, the task succeeds.
     *
     * @return the task's value
     */
    @Benchmark
    public Object fallbackNotNeeded_fluxgate() {
        return fluxgateFallback.get(TASK);
    }

    /**
     * Resilience4j {@code Decorators...withFallback}, the task succeeds.
     *
     * @return the task's value
     */
    @Benchmark
    public Object fallbackNotNeeded_r4j() {
        return r4jFallbackNotNeeded.get();
    }

    /**
     * Failsafe {@code Failsafe.with(fallback).get}, the task succeeds.
     *
     * @return the task's value
     */
    @Benchmark
    public Object fallbackNotNeeded_failsafe() {
        return failsafeFallback.get(FAILSAFE_TASK);
    }

    /**
     * Fluxgate {@code Fallback.get}, the task throws and the fallback answers.
     *
     * @return the fallback's value
     */
    @Benchmark
    public Object fallbackUsed_fluxgate() {
        return fluxgateFallback.get(FAILING);
    }

    /**
     * Resilience4j {@code Decorators...withFallback}, the task throws and the fallback answers.
     *
     * @return the fallback's value
     */
    @Benchmark
    public Object fallbackUsed_r4j() {
        return r4jFallbackUsed.get();
    }

    /**
     * Failsafe {@code Failsafe.with(fallback).get}, the task throws and the fallback answers.
     *
     * @return the fallback's value
     */
    @Benchmark
    public Object fallbackUsed_failsafe() {
        return failsafeFallback.get(FAILSAFE_FAILING);
    }
}
