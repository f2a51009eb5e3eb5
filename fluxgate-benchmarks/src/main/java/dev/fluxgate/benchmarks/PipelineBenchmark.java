package dev.fluxgate.benchmarks;

import static dev.fluxgate.benchmarks.Breakers.FAILSAFE_TASK;
import static dev.fluxgate.benchmarks.Breakers.TASK;
import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.SYNCHRONIZED;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Resilience;
import dev.fluxgate.State;
import dev.fluxgate.Timeout;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.decorators.Decorators;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The pipeline users build: a retry around a circuit breaker around a bulkhead (and, in
 * {@code pipelineTimeout}, a timeout innermost), every thread through the same one. Method names read
 * {@code case_implementation}; {@code report.py} groups them by case.
 *
 * <ul>
 *   <li>{@code pipeline}: the call succeeds.</li>
 *   <li>{@code pipelineTimeout}: the same with a 1 s timeout around each attempt; the call succeeds.
 *       Each library's cheapest synchronous timeout (see {@link PatternBenchmark}): Fluxgate's and
 *       Failsafe's on the caller's thread, Resilience4j's over a pool.</li>
 *   <li>{@code pipelineTimeoutWorker}: the same with the timeout that returns at the deadline even if
 *       the task ignores the interrupt: Fluxgate's default (a worker, the same cached daemon pool) against
 *       Resilience4j's chain as above.</li>
 *   <li>{@code pipelineMixed}: every tenth attempt on each thread fails (a per-thread counter, so the
 *       mix is deterministic); the retry runs it again at once and the next attempt succeeds. The
 *       breakers see 10% failures and never trip.</li>
 * </ul>
 *
 * <p>Configured alike, each part as in {@link PatternBenchmark} and {@link Breakers}: retry of 3 attempts
 * without wait, breaker with a count window of 100 (Resilience4j's synchronized window, the faster of its
 * two on this path), bulkhead of 25 slots without wait, timeout of 1 s. Fluxgate {@code Resilience.of(retry, breaker, bulkhead[, timeout])};
 * Resilience4j {@code Decorators.ofSupplier(task).withBulkhead(..).withCircuitBreaker(..).withRetry(..)}
 * (innermost first; with the timeout, {@code Decorators.ofCallable(timeLimiter.decorateFutureSupplier(
 * submit to the pool))}); Failsafe {@code Failsafe.with(retry, breaker, bulkhead[, timeout])} (outermost
 * first). Resilience4j's chains are decorated once, in {@link #setUp()}: a chain decorated per call would
 * be slower still.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
public class PipelineBenchmark {

    CircuitBreaker fluxgateBreaker;
    Resilience fluxgate;
    Resilience fluxgateTimeout;
    Resilience fluxgateWorkerTimeout;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jBreaker;
    io.github.resilience4j.bulkhead.Bulkhead r4jBulkhead;
    io.github.resilience4j.retry.Retry r4jRetry;
    Supplier<Object> r4j;
    Callable<Object> r4jTimeout;
    dev.failsafe.CircuitBreaker<Object> failsafeBreaker;
    FailsafeExecutor<Object> failsafe;
    FailsafeExecutor<Object> failsafeTimeout;
    ExecutorService pool;

    /** Created by JMH, once per run ({@code Scope.Benchmark}). */
    public PipelineBenchmark() {
    }

    /** Builds the three pipelines of each library. */
    @Setup
    public void setUp() {
        pool = PatternBenchmark.cachedDaemonPool();
        fluxgateBreaker = Breakers.fluxgateCount().build();
        Bulkhead bulkhead = Bulkhead.builder("bench").maxConcurrentCalls(PatternBenchmark.SLOTS).build();
        dev.fluxgate.Retry retry = PatternBenchmark.fluxgateRetry();
        fluxgate = Resilience.of(retry, fluxgateBreaker, bulkhead);
        fluxgateTimeout = Resilience.of(retry, fluxgateBreaker, bulkhead, PatternBenchmark.fluxgateTimeout());
        fluxgateWorkerTimeout = Resilience.of(retry, fluxgateBreaker, bulkhead,
                Timeout.builder("bench-worker").timeout(PatternBenchmark.TIMEOUT).executor(pool).build());

        r4jBreaker = Breakers.r4j(Breakers.r4jCount(SYNCHRONIZED));
        r4jBulkhead = io.github.resilience4j.bulkhead.Bulkhead.of("bench", BulkheadConfig.custom()
                .maxConcurrentCalls(PatternBenchmark.SLOTS).maxWaitDuration(Duration.ZERO).build());
        r4jRetry = PatternBenchmark.r4jRetry();
        r4j = Decorators.ofSupplier(TASK).withBulkhead(r4jBulkhead).withCircuitBreaker(r4jBreaker)
                .withRetry(r4jRetry).decorate();
        TimeLimiter limiter = PatternBenchmark.r4jTimeLimiter();
        r4jTimeout = Decorators.ofCallable(limiter.decorateFutureSupplier(() -> pool.submit(PatternBenchmark.CALLABLE)))
                .withBulkhead(r4jBulkhead).withCircuitBreaker(r4jBreaker).withRetry(r4jRetry).decorate();

        failsafeBreaker = Breakers.failsafeCount().build();
        dev.failsafe.Bulkhead<Object> failsafeBulkhead = dev.failsafe.Bulkhead.of(PatternBenchmark.SLOTS);
        failsafe = Failsafe.with(PatternBenchmark.failsafeRetry(), failsafeBreaker, failsafeBulkhead);
        failsafeTimeout = Failsafe.with(PatternBenchmark.failsafeRetry(), failsafeBreaker, failsafeBulkhead,
                PatternBenchmark.failsafeTimeout());
    }

    /** Every breaker is still CLOSED (10% failures never trip one) and every bulkhead slot is back. */
    @TearDown
    public void verify() {
        Breakers.check(fluxgateBreaker.state() == State.CLOSED, "Fluxgate breaker left CLOSED");
        Breakers.check(r4jBreaker.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED,
                "Resilience4j breaker left CLOSED");
        Breakers.check(failsafeBreaker.isClosed(), "Failsafe breaker left CLOSED");
        Breakers.check(r4jBulkhead.getMetrics().getAvailableConcurrentCalls() == PatternBenchmark.SLOTS,
                "Resilience4j bulkhead: every slot back");
        pool.shutdownNow();
    }

    /**
     * Per-thread state: the failing mix's tasks, built once per thread (so no call allocates one), each
     * failing every tenth time it runs on this thread.
     */
    @org.openjdk.jmh.annotations.State(Scope.Thread)
    public static class PerThread {
        int attempts;
        /** The mix as a {@code Supplier}. */
        final Supplier<Object> mixed = this::attempt;
        /** The mix as Failsafe's supplier type. */
        final dev.failsafe.function.CheckedSupplier<Object> failsafeMixed = this::attempt;
        /** Resilience4j's chain around {@link #mixed}, decorated at this thread's first call. */
        @Nullable Supplier<Object> r4j;

        /** Created by JMH, once per benchmark thread. */
        public PerThread() {
        }

        private Object attempt() {
            if (++attempts % 10 == 0) {
                throw Breakers.FAILURE;
            }
            return Breakers.VALUE;
        }
    }

    // ---- the call succeeds ----

    /**
     * Fluxgate {@code Resilience.of(retry, breaker, bulkhead).get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object pipeline_fluxgate() {
        return fluxgate.get(TASK);
    }

    /**
     * Resilience4j's decorated supplier (bulkhead, breaker, retry).
     *
     * @return the task's value
     */
    @Benchmark
    public Object pipeline_r4j() {
        return r4j.get();
    }

    /**
     * Failsafe {@code Failsafe.with(retry, breaker, bulkhead).get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object pipeline_failsafe() {
        return failsafe.get(FAILSAFE_TASK);
    }

    // ---- with a timeout, the call succeeds ----

    /**
     * Fluxgate {@code Resilience.of(retry, breaker, bulkhead, timeout).get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object pipelineTimeout_fluxgate() {
        return fluxgateTimeout.get(TASK);
    }

    /**
     * Resilience4j's decorated callable (time limiter over the pool, bulkhead, breaker, retry).
     *
     * @return the task's value
     * @throws Exception never: the task succeeds in time
     */
    @Benchmark
    public Object pipelineTimeout_r4j() throws Exception {
        return r4jTimeout.call();
    }

    /**
     * Failsafe {@code Failsafe.with(retry, breaker, bulkhead, timeout).get}.
     *
     * @return the task's value
     */
    @Benchmark
    public Object pipelineTimeout_failsafe() {
        return failsafeTimeout.get(FAILSAFE_TASK);
    }

    /**
     * Fluxgate {@code Resilience.of(retry, breaker, bulkhead, timeout).get}, the timeout on a worker.
     *
     * @return the task's value
     */
    @Benchmark
    public Object pipelineTimeoutWorker_fluxgate() {
        return fluxgateWorkerTimeout.get(TASK);
    }

    /**
     * Resilience4j's decorated callable, as {@link #pipelineTimeout_r4j()}.
     *
     * @return the task's value
     * @throws Exception never: the task succeeds in time
     */
    @Benchmark
    public Object pipelineTimeoutWorker_r4j() throws Exception {
        return r4jTimeout.call();
    }

    // ---- every tenth attempt fails and is retried ----

    /**
     * Fluxgate, every tenth attempt fails.
     *
     * @param t this thread's tasks
     * @return the task's value
     */
    @Benchmark
    public Object pipelineMixed_fluxgate(PerThread t) {
        return fluxgate.get(t.mixed);
    }

    /**
     * Resilience4j, every tenth attempt fails. {@code Decorators} takes its task when the chain is built,
     * so each thread decorates its mix once, at its first call, and reuses that chain.
     *
     * @param t this thread's tasks
     * @return the task's value
     */
    @Benchmark
    public Object pipelineMixed_r4j(PerThread t) {
        Supplier<Object> chain = t.r4j;
        if (chain == null) {
            chain = Decorators.ofSupplier(t.mixed).withBulkhead(r4jBulkhead).withCircuitBreaker(r4jBreaker)
                    .withRetry(r4jRetry).decorate();
            t.r4j = chain;
        }
        return chain.get();
    }

    /**
     * Failsafe, every tenth attempt fails.
     *
     * @param t this thread's tasks
     * @return the task's value
     */
    @Benchmark
    public Object pipelineMixed_failsafe(PerThread t) {
        return failsafe.get(t.failsafeMixed);
    }
}
