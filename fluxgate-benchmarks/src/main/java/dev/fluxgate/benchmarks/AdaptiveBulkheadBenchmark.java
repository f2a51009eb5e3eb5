package dev.fluxgate.benchmarks;

import dev.fluxgate.AdaptiveBulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The admission path of a concurrency limit: take a slot, run a no-op, give the slot back, every thread on
 * the same bulkhead (run with {@code -t 1}, {@code -t 2}, {@code -t 4}). The limit (1000) is never reached.
 *
 * <ul>
 *   <li>{@code adaptiveAdmission_fluxgate}: {@link AdaptiveBulkhead#call} (GRADIENT): a CAS on the in-flight
 *       count against the learned limit, two ticker reads for the RTT, and the sample applied under the
 *       bulkhead's small update lock.</li>
 *   <li>{@code adaptiveAdmission_fluxgateLease}: the same through the non-blocking {@link AdaptiveBulkhead.Lease}
 *       API that the Reactor operator uses (one lease object per call).</li>
 *   <li>{@code adaptiveAdmission_fluxgateSemaphore}: Fluxgate's fixed {@link dev.fluxgate.Bulkhead}
 *       ({@code tryAcquirePermission} / {@code releasePermission}), the floor an adaptive limit adds to.</li>
 *   <li>{@code adaptiveAdmission_resilience4j}: Resilience4j's semaphore {@code Bulkhead}
 *       ({@code tryAcquirePermission} / {@code onComplete}); no Java resilience library has an adaptive one.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
public class AdaptiveBulkheadBenchmark {

    private static final int LIMIT = 1000;
    private static final Callable<Object> NO_OP = () -> "ok";

    AdaptiveBulkhead adaptive;
    dev.fluxgate.Bulkhead semaphore;
    io.github.resilience4j.bulkhead.Bulkhead r4j;

    /** Created by JMH, once per run ({@code Scope.Benchmark}). */
    public AdaptiveBulkheadBenchmark() {
    }

    /** Builds the bulkheads. */
    @Setup
    public void setUp() {
        // min 100: more than any thread count, so the limit may move but never rejects here.
        adaptive = AdaptiveBulkhead.builder("adaptive").limits(100, LIMIT, LIMIT).build();
        semaphore = dev.fluxgate.Bulkhead.of("semaphore", LIMIT);
        r4j = io.github.resilience4j.bulkhead.Bulkhead.of("r4j", BulkheadConfig.custom().maxConcurrentCalls(LIMIT)
                .maxWaitDuration(Duration.ZERO).build());
    }

    /** Checks that nothing was rejected and every slot came back. */
    @TearDown
    public void tearDown() {
        Breakers.check(adaptive.rejectedCalls() == 0 && adaptive.inFlight() == 0, "adaptive rejected or leaked");
        Breakers.check(semaphore.rejectedCalls() == 0 && semaphore.availablePermits() == LIMIT,
                "semaphore rejected or leaked");
        Breakers.check(r4j.getMetrics().getAvailableConcurrentCalls() == LIMIT, "resilience4j leaked");
    }

    /**
     * Fluxgate's adaptive bulkhead, sync path.
     *
     * @return the no-op's result
     * @throws Exception never
     */
    @Benchmark
    public Object adaptiveAdmission_fluxgate() throws Exception {
        return adaptive.call(NO_OP);
    }

    /**
     * Fluxgate's adaptive bulkhead through a lease.
     *
     * @return the no-op's result, or false if rejected
     * @throws Exception never
     */
    @Benchmark
    public Object adaptiveAdmission_fluxgateLease() throws Exception {
        AdaptiveBulkhead.Lease lease = adaptive.tryAcquire();
        if (lease == null) {
            return false;
        }
        Object result = NO_OP.call();
        lease.onSuccess();
        return result;
    }

    /**
     * Fluxgate's fixed semaphore bulkhead.
     *
     * @return the no-op's result, or false if rejected
     * @throws Exception never
     */
    @Benchmark
    public Object adaptiveAdmission_fluxgateSemaphore() throws Exception {
        if (!semaphore.tryAcquirePermission()) {
            return false;
        }
        try {
            return NO_OP.call();
        } finally {
            semaphore.releasePermission();
        }
    }

    /**
     * Resilience4j's semaphore bulkhead.
     *
     * @return the no-op's result, or false if rejected
     * @throws Exception never
     */
    @Benchmark
    public Object adaptiveAdmission_resilience4j() throws Exception {
        if (!r4j.tryAcquirePermission()) {
            return false;
        }
        try {
            return NO_OP.call();
        } finally {
            r4j.onComplete();
        }
    }
}
