package dev.fluxgate.benchmarks;

import static dev.fluxgate.benchmarks.Breakers.TASK;
import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE;
import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.SYNCHRONIZED;

import dev.failsafe.FailsafeExecutor;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.State;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The CLOSED paths: success with a count window, a time window and a decaying window (no peer has
 * one: its rows compare with Fluxgate's own time and count windows), success through the low-level
 * permit APIs, and a mix with 10% failures; plus the floor (a direct call) and the floor plus one
 * uncontended atomic update. Every thread calls the same breaker. Method names read
 * {@code case_implementation}; {@code report.py} groups them by case.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
public class ClosedBenchmark {

    CircuitBreaker fluxgateCount;
    CircuitBreaker fluxgateTime;
    CircuitBreaker fluxgateTime1h;
    CircuitBreaker fluxgateDecaying;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jSyncCount;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jLockFreeCount;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jSyncTime;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jLockFreeTime;
    dev.failsafe.CircuitBreaker<Object> failsafeCountBreaker;
    dev.failsafe.CircuitBreaker<Object> failsafeTimeBreaker;
    FailsafeExecutor<Object> failsafeCount;
    FailsafeExecutor<Object> failsafeTime;

    /** Created by JMH, once per run ({@code Scope.Benchmark}). */
    public ClosedBenchmark() {
    }

    /** Builds the breakers, all CLOSED. */
    @Setup
    public void setUp() {
        fluxgateCount = Breakers.fluxgateCount().build();
        fluxgateTime = Breakers.fluxgateTime(Duration.ofSeconds(60)).build();
        fluxgateTime1h = Breakers.fluxgateTime(Duration.ofHours(1)).build();
        fluxgateDecaying = Breakers.fluxgateDecaying().build();
        r4jSyncCount = Breakers.r4j(Breakers.r4jCount(SYNCHRONIZED));
        r4jLockFreeCount = Breakers.r4j(Breakers.r4jCount(LOCK_FREE));
        r4jSyncTime = Breakers.r4j(Breakers.r4jTime(SYNCHRONIZED));
        r4jLockFreeTime = Breakers.r4j(Breakers.r4jTime(LOCK_FREE));
        failsafeCountBreaker = Breakers.failsafeCount().build();
        failsafeTimeBreaker = Breakers.failsafeTime().build();
        failsafeCount = Breakers.failsafe(failsafeCountBreaker);
        failsafeTime = Breakers.failsafe(failsafeTimeBreaker);
    }

    /** Every breaker must still be CLOSED: 10% failures never trip any of them. */
    @TearDown
    public void verify() {
        for (CircuitBreaker cb : new CircuitBreaker[] {fluxgateCount, fluxgateTime, fluxgateTime1h, fluxgateDecaying}) {
            Breakers.check(cb.state() == State.CLOSED, cb + " left CLOSED");
        }
        for (var cb : new io.github.resilience4j.circuitbreaker.CircuitBreaker[] {
                r4jSyncCount, r4jLockFreeCount, r4jSyncTime, r4jLockFreeTime}) {
            Breakers.check(cb.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED,
                    "Resilience4j left CLOSED");
        }
        Breakers.check(failsafeCountBreaker.isClosed() && failsafeTimeBreaker.isClosed(), "Failsafe left CLOSED");
    }

    /** Per-thread state: a counter for the failure mix and an atomic no other thread touches. */
    @org.openjdk.jmh.annotations.State(Scope.Thread)
    public static class PerThread {
        int calls;
        final AtomicLong atomic = new AtomicLong();

        /** Created by JMH, once per benchmark thread. */
        public PerThread() {
        }

        /** The task for the next call of the mix: every tenth fails. */
        java.util.function.Supplier<Object> nextTask() {
            return ++calls % 10 == 0 ? Breakers.FAILING : TASK;
        }

        /** As {@link #nextTask()}, for Failsafe. */
        dev.failsafe.function.CheckedSupplier<Object> nextFailsafeTask() {
            return ++calls % 10 == 0 ? Breakers.FAILSAFE_FAILING : Breakers.FAILSAFE_TASK;
        }
    }

    // ---- the floor ----

    /**
     * The floor: the task called directly.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object floor_direct() {
        return TASK.get();
    }

    /**
     * The floor plus one uncontended atomic update.
     *
     * @param t this thread's state
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object floor_directPlusAtomic(PerThread t) {
        t.atomic.incrementAndGet();
        return TASK.get();
    }

    // ---- CLOSED success, count window of 100 ----

    /**
     * Fluxgate {@code get}.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedCount_fluxgate() {
        return fluxgateCount.get(TASK);
    }

    /**
     * Resilience4j {@code executeSupplier}, synchronized window.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedCount_r4jSync() {
        return r4jSyncCount.executeSupplier(TASK);
    }

    /**
     * Resilience4j {@code executeSupplier}, lock-free window.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedCount_r4jLockFree() {
        return r4jLockFreeCount.executeSupplier(TASK);
    }

    /**
     * Failsafe {@code get}.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedCount_failsafe() {
        return failsafeCount.get(Breakers.FAILSAFE_TASK);
    }

    // ---- CLOSED success through the low-level permit APIs ----

    /**
     * Fluxgate: acquire a permit, run, record the success (untimed breaker: duration 0).
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object permitCount_fluxgate() {
        long p = fluxgateCount.tryAcquirePermission();
        Object v = TASK.get();
        fluxgateCount.recordSuccess(p, 0);
        return v;
    }

    /**
     * Resilience4j: acquire a permission, run, report the success with its measured duration.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object permitCount_r4jSync() {
        r4jSyncCount.acquirePermission();
        long start = r4jSyncCount.getCurrentTimestamp();
        Object v = TASK.get();
        r4jSyncCount.onSuccess(r4jSyncCount.getCurrentTimestamp() - start, r4jSyncCount.getTimestampUnit());
        return v;
    }

    /**
     * Resilience4j, as above, without measuring the duration (what an integration that skips timing pays).
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object permitCount_r4jUntimed() {
        r4jSyncCount.acquirePermission();
        Object v = TASK.get();
        r4jSyncCount.onSuccess(0, TimeUnit.NANOSECONDS);
        return v;
    }

    /**
     * Failsafe: acquire a permit, run, record the success.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object permitCount_failsafe() {
        failsafeCountBreaker.acquirePermit();
        Object v = TASK.get();
        failsafeCountBreaker.recordSuccess();
        return v;
    }

    // ---- CLOSED success, time window of 60 s (and 1 h for Fluxgate: the cost must not depend on the span) ----

    /**
     * Fluxgate {@code get}, 60 s window.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedTime_fluxgate() {
        return fluxgateTime.get(TASK);
    }

    /**
     * Fluxgate {@code get}, 1 h window.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedTime1h_fluxgate() {
        return fluxgateTime1h.get(TASK);
    }

    /**
     * Resilience4j {@code executeSupplier}, 60 s window, synchronized.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedTime_r4jSync() {
        return r4jSyncTime.executeSupplier(TASK);
    }

    /**
     * Resilience4j {@code executeSupplier}, 60 s window, lock-free.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedTime_r4jLockFree() {
        return r4jLockFreeTime.executeSupplier(TASK);
    }

    /**
     * Failsafe {@code get}, 60 s window.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object closedTime_failsafe() {
        return failsafeTime.get(Breakers.FAILSAFE_TASK);
    }

    // ---- CLOSED success, decaying window (half-life 60 s * ln 2), and with 10% failures ----

    /**
     * Fluxgate {@code get}, decaying window.
     *
     * @return the call's result
     */
    @Benchmark
    public Object closedDecaying_fluxgate() {
        return fluxgateDecaying.get(TASK);
    }

    /**
     * Fluxgate {@code get}, decaying window, every tenth call fails.
     *
     * @param t the thread's task source
     * @return the call's result or failure
     */
    @Benchmark
    public Object mixedDecaying_fluxgate(PerThread t) {
        try {
            return fluxgateDecaying.get(t.nextTask());
        } catch (RuntimeException e) {
            return e;
        }
    }

    // ---- CLOSED, 10% failures, count window ----

    /**
     * Fluxgate {@code get}, every tenth call fails.
     *
     * @param t this thread's state
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object mixed_fluxgate(PerThread t) {
        try {
            return fluxgateCount.get(t.nextTask());
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * Resilience4j {@code executeSupplier}, synchronized window, every tenth call fails.
     *
     * @param t this thread's state
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object mixed_r4jSync(PerThread t) {
        try {
            return r4jSyncCount.executeSupplier(t.nextTask());
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * Resilience4j {@code executeSupplier}, lock-free window, every tenth call fails.
     *
     * @param t this thread's state
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object mixed_r4jLockFree(PerThread t) {
        try {
            return r4jLockFreeCount.executeSupplier(t.nextTask());
        } catch (RuntimeException e) {
            return e;
        }
    }

    /**
     * Failsafe {@code get}, every tenth call fails.
     *
     * @param t this thread's state
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object mixed_failsafe(PerThread t) {
        try {
            return failsafeCount.get(t.nextFailsafeTask());
        } catch (RuntimeException e) {
            return e;
        }
    }
}
