package dev.fluxgate.benchmarks;

import static dev.fluxgate.benchmarks.Breakers.DONE;
import static dev.fluxgate.benchmarks.Breakers.LONG_WAIT;
import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE;
import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.SYNCHRONIZED;

import dev.failsafe.FailsafeExecutor;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Permit;
import dev.fluxgate.State;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The paths away from CLOSED success: OPEN rejection (the exception created and caught), HALF_OPEN
 * admission (a probe admitted and settled) and rejection (every probe slot taken), and the asynchronous
 * success path with an already-completed stage. Every thread calls the same breaker.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
public class StateBenchmark {

    /** Half-open probe slots when admission is measured: more than there are threads. */
    private static final int PROBES = 1000;
    /**
     * Failsafe has no public way to give a half-open permit back, so its admission case records a success;
     * its success threshold is set high enough ({@code 2^26}) that no iteration closes it.
     */
    private static final int FAILSAFE_PROBES = 1 << 26;

    CircuitBreaker fluxgateOpen;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jSyncOpen;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jLockFreeOpen;
    dev.failsafe.CircuitBreaker<Object> failsafeOpenBreaker;
    FailsafeExecutor<Object> failsafeOpen;

    CircuitBreaker fluxgateHalfOpen;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jHalfOpen;
    dev.failsafe.CircuitBreaker<Object> failsafeHalfOpen;

    CircuitBreaker fluxgateFull;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jFull;
    dev.failsafe.CircuitBreaker<Object> failsafeFull;

    CircuitBreaker fluxgateAsync;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jSyncAsync;
    io.github.resilience4j.circuitbreaker.CircuitBreaker r4jLockFreeAsync;
    dev.failsafe.CircuitBreaker<Object> failsafeAsyncBreaker;
    FailsafeExecutor<Object> failsafeAsync;

    /** Created by JMH, once per run ({@code Scope.Benchmark}). */
    public StateBenchmark() {
    }

    /** Builds the breakers and drives each into the state its case measures, through its own API. */
    @Setup
    public void setUp() {
        fluxgateOpen = Breakers.fluxgateCount().cooldown(Cooldown.fixed(LONG_WAIT)).build();
        r4jSyncOpen = Breakers.r4j(Breakers.r4jCount(SYNCHRONIZED, LONG_WAIT));
        r4jLockFreeOpen = Breakers.r4j(Breakers.r4jCount(LOCK_FREE, LONG_WAIT));
        failsafeOpenBreaker = Breakers.failsafeCount().withDelay(LONG_WAIT).build();
        failsafeOpen = Breakers.failsafe(failsafeOpenBreaker);
        Breakers.fail(fluxgateOpen, r4jSyncOpen, failsafeOpenBreaker, 100);
        Breakers.fail(null, r4jLockFreeOpen, null, 100);

        // HALF_OPEN with free slots: cooldown none, so the first call after the trip moves to HALF_OPEN.
        fluxgateHalfOpen = Breakers.fluxgateCount().cooldown(Cooldown.none()).permit(Permit.all())
                .maxHalfOpenCalls(PROBES).halfOpenTimeout(LONG_WAIT).build();
        r4jHalfOpen = Breakers.r4j(Breakers.r4jCount(SYNCHRONIZED).permittedNumberOfCallsInHalfOpenState(PROBES));
        failsafeHalfOpen = Breakers.failsafeCount().withSuccessThreshold(FAILSAFE_PROBES).build();
        Breakers.fail(fluxgateHalfOpen, r4jHalfOpen, null, 100);
        fluxgateHalfOpen.releasePermission(fluxgateHalfOpen.tryAcquirePermission());
        r4jHalfOpen.transitionToHalfOpenState();
        failsafeHalfOpen.halfOpen();

        // HALF_OPEN with its one slot held for the whole run.
        fluxgateFull = Breakers.fluxgateCount().cooldown(Cooldown.none()).permit(Permit.all())
                .maxHalfOpenCalls(1).halfOpenTimeout(LONG_WAIT).build();
        r4jFull = Breakers.r4j(Breakers.r4jCount(SYNCHRONIZED).permittedNumberOfCallsInHalfOpenState(1));
        failsafeFull = Breakers.failsafeCount().withSuccessThreshold(1).build();
        Breakers.fail(fluxgateFull, r4jFull, null, 100);
        Breakers.check(fluxgateFull.tryAcquirePermission() >= 0, "Fluxgate admits the held probe");
        r4jFull.transitionToHalfOpenState();
        Breakers.check(r4jFull.tryAcquirePermission(), "Resilience4j admits the held probe");
        failsafeFull.halfOpen();
        Breakers.check(failsafeFull.tryAcquirePermit(), "Failsafe admits the held probe");

        fluxgateAsync = Breakers.fluxgateCount().build();
        r4jSyncAsync = Breakers.r4j(Breakers.r4jCount(SYNCHRONIZED));
        r4jLockFreeAsync = Breakers.r4j(Breakers.r4jCount(LOCK_FREE));
        failsafeAsyncBreaker = Breakers.failsafeCount().build();
        failsafeAsync = Breakers.failsafe(failsafeAsyncBreaker);
        verify();
    }

    /** Starts each iteration with Failsafe's half-open success count at zero (see {@link #FAILSAFE_PROBES}). */
    @Setup(Level.Iteration)
    public void reopenFailsafeHalfOpen() {
        failsafeHalfOpen.halfOpen();
    }

    /** Every breaker must still be in the state its case measures. */
    @TearDown
    public void verify() {
        Breakers.check(fluxgateOpen.state() == State.OPEN, "Fluxgate OPEN");
        Breakers.check(r4jSyncOpen.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN
                && r4jLockFreeOpen.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN,
                "Resilience4j OPEN");
        Breakers.check(failsafeOpenBreaker.isOpen(), "Failsafe OPEN");
        Breakers.check(fluxgateHalfOpen.state() == State.HALF_OPEN && fluxgateFull.state() == State.HALF_OPEN,
                "Fluxgate HALF_OPEN");
        Breakers.check(r4jHalfOpen.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN
                && r4jFull.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.HALF_OPEN,
                "Resilience4j HALF_OPEN");
        Breakers.check(failsafeHalfOpen.isHalfOpen() && failsafeFull.isHalfOpen(), "Failsafe HALF_OPEN");
        Breakers.check(fluxgateAsync.state() == State.CLOSED, "Fluxgate CLOSED (async)");
        Breakers.check(r4jSyncAsync.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED
                && r4jLockFreeAsync.getState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.CLOSED,
                "Resilience4j CLOSED (async)");
        Breakers.check(failsafeAsyncBreaker.isClosed(), "Failsafe CLOSED (async)");
    }

    // ---- OPEN: rejected with an exception, which the caller catches ----

    /**
     * Fluxgate {@code get} on an OPEN breaker.
     *
     * @return the call's result or the rejection, for JMH to consume
     */
    @Benchmark
    public Object open_fluxgate() {
        try {
            return fluxgateOpen.get(Breakers.TASK);
        } catch (dev.fluxgate.CallNotPermittedException e) {
            return e;
        }
    }

    /**
     * Resilience4j {@code executeSupplier} on an OPEN breaker, synchronized window.
     *
     * @return the call's result or the rejection, for JMH to consume
     */
    @Benchmark
    public Object open_r4jSync() {
        try {
            return r4jSyncOpen.executeSupplier(Breakers.TASK);
        } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
            return e;
        }
    }

    /**
     * Resilience4j {@code executeSupplier} on an OPEN breaker, lock-free window.
     *
     * @return the call's result or the rejection, for JMH to consume
     */
    @Benchmark
    public Object open_r4jLockFree() {
        try {
            return r4jLockFreeOpen.executeSupplier(Breakers.TASK);
        } catch (io.github.resilience4j.circuitbreaker.CallNotPermittedException e) {
            return e;
        }
    }

    /**
     * Failsafe {@code get} on an OPEN breaker.
     *
     * @return the call's result or the rejection, for JMH to consume
     */
    @Benchmark
    public Object open_failsafe() {
        try {
            return failsafeOpen.get(Breakers.FAILSAFE_TASK);
        } catch (dev.failsafe.CircuitBreakerOpenException e) {
            return e;
        }
    }

    // ---- OPEN through the permit APIs: rejected without an exception (what the exception costs) ----

    /**
     * Fluxgate {@code tryAcquirePermission} on an OPEN breaker.
     *
     * @return the answer ({@code NO_PERMISSION}), for JMH to consume
     */
    @Benchmark
    public long openPermit_fluxgate() {
        return fluxgateOpen.tryAcquirePermission();
    }

    /**
     * Resilience4j {@code tryAcquirePermission} on an OPEN breaker.
     *
     * @return whether a permit was granted, for JMH to consume
     */
    @Benchmark
    public boolean openPermit_r4jSync() {
        return r4jSyncOpen.tryAcquirePermission();
    }

    /**
     * Failsafe {@code tryAcquirePermit} on an OPEN breaker.
     *
     * @return whether a permit was granted, for JMH to consume
     */
    @Benchmark
    public boolean openPermit_failsafe() {
        return failsafeOpenBreaker.tryAcquirePermit();
    }

    // ---- HALF_OPEN admission: a probe admitted, then settled ----

    /**
     * Fluxgate: a probe admitted and its slot given back.
     *
     * @return the permit, for JMH to consume
     */
    @Benchmark
    public long halfOpenAdmit_fluxgate() {
        long p = fluxgateHalfOpen.tryAcquirePermission();
        fluxgateHalfOpen.releasePermission(p);
        return p;
    }

    /**
     * Resilience4j: a probe admitted and its permission given back.
     *
     * @return whether a permit was granted, for JMH to consume
     */
    @Benchmark
    public boolean halfOpenAdmit_r4jSync() {
        boolean admitted = r4jHalfOpen.tryAcquirePermission();
        r4jHalfOpen.releasePermission();
        return admitted;
    }

    /**
     * Failsafe: a probe admitted and settled as a success (it has no public release).
     *
     * @return whether a permit was granted, for JMH to consume
     */
    @Benchmark
    public boolean halfOpenAdmit_failsafe() {
        boolean admitted = failsafeHalfOpen.tryAcquirePermit();
        failsafeHalfOpen.recordSuccess();
        return admitted;
    }

    // ---- HALF_OPEN rejection: every slot taken ----

    /**
     * Fluxgate: no slot left.
     *
     * @return the answer ({@code NO_PERMISSION}), for JMH to consume
     */
    @Benchmark
    public long halfOpenReject_fluxgate() {
        return fluxgateFull.tryAcquirePermission();
    }

    /**
     * Resilience4j: no permission left.
     *
     * @return whether a permit was granted, for JMH to consume
     */
    @Benchmark
    public boolean halfOpenReject_r4jSync() {
        return r4jFull.tryAcquirePermission();
    }

    /**
     * Failsafe: no permit left.
     *
     * @return whether a permit was granted, for JMH to consume
     */
    @Benchmark
    public boolean halfOpenReject_failsafe() {
        return failsafeFull.tryAcquirePermit();
    }

    // ---- asynchronous success with an already-completed stage ----

    /**
     * Fluxgate {@code callAsync}.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object async_fluxgate() {
        return fluxgateAsync.callAsync(() -> DONE).join();
    }

    /**
     * Resilience4j {@code executeCompletionStage}, synchronized window.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object async_r4jSync() {
        return r4jSyncAsync.executeCompletionStage(() -> DONE).toCompletableFuture().join();
    }

    /**
     * Resilience4j {@code executeCompletionStage}, lock-free window.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object async_r4jLockFree() {
        return r4jLockFreeAsync.executeCompletionStage(() -> DONE).toCompletableFuture().join();
    }

    /**
     * Failsafe {@code getStageAsync} with a direct executor.
     *
     * @return the call's result, for JMH to consume
     */
    @Benchmark
    public Object async_failsafe() {
        return failsafeAsync.getStageAsync(() -> DONE).join();
    }
}
