package dev.fluxgate.benchmarks;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Rate limiters asked for one permit without waiting ({@code tryAcquire} and its peers' equivalents),
 * every thread on the same limiter. Two cases:
 *
 * <ul>
 *   <li>{@code limiterAcquired}: a rate so high that the permit is always there: {@value #FAST} permits per
 *       second (Fluxgate's finest rate, one per nanosecond) with a burst of as many, for every peer as far
 *       as its model allows (see each builder below).</li>
 *   <li>{@code limiterRefused}: a limiter that is always empty: one permit per day, burst 1, taken in
 *       {@link #setUp()}; the call answers false without waiting.</li>
 * </ul>
 *
 * <p>Peers: Resilience4j's {@code AtomicRateLimiter} (its only implementation; refresh cycle of one second),
 * Failsafe's smooth and bursty limiters, Bucket4j's local bucket lock-free (its default) and synchronized,
 * Guava's {@code RateLimiter} (smooth bursty, one second of stored permits). Method names read
 * {@code case_implementation}; {@code report.py} groups them by case.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
public class RateLimiterBenchmark {

    /** Permits per second of the limiters that never run out: one per nanosecond. */
    public static final int FAST = 1_000_000_000;
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration DAY = Duration.ofDays(1);

    dev.fluxgate.RateLimiter fluxgateFast;
    dev.fluxgate.RateLimiter fluxgateEmpty;
    io.github.resilience4j.ratelimiter.RateLimiter r4jFast;
    io.github.resilience4j.ratelimiter.RateLimiter r4jEmpty;
    dev.failsafe.RateLimiter<Object> failsafeSmoothFast;
    dev.failsafe.RateLimiter<Object> failsafeSmoothEmpty;
    dev.failsafe.RateLimiter<Object> failsafeBurstyFast;
    dev.failsafe.RateLimiter<Object> failsafeBurstyEmpty;
    Bucket bucket4jFast;
    Bucket bucket4jEmpty;
    Bucket bucket4jSyncFast;
    Bucket bucket4jSyncEmpty;
    com.google.common.util.concurrent.RateLimiter guavaFast;
    com.google.common.util.concurrent.RateLimiter guavaEmpty;

    /** Created by JMH, once per run ({@code Scope.Benchmark}). */
    public RateLimiterBenchmark() {
    }

    /** Builds the limiters and empties the slow ones (checking that each then refuses). */
    @Setup
    public void setUp() {
        fluxgateFast = dev.fluxgate.RateLimiter.builder("fast").rate(FAST, SECOND).burst(FAST).build();
        fluxgateEmpty = dev.fluxgate.RateLimiter.builder("empty").rate(1, DAY).burst(1).build();
        r4jFast = r4j(FAST, SECOND);
        r4jEmpty = r4j(1, DAY);
        failsafeSmoothFast = dev.failsafe.RateLimiter.smoothBuilder(FAST, SECOND).build();
        failsafeSmoothEmpty = dev.failsafe.RateLimiter.smoothBuilder(1, DAY).build();
        failsafeBurstyFast = dev.failsafe.RateLimiter.burstyBuilder(FAST, SECOND).build();
        failsafeBurstyEmpty = dev.failsafe.RateLimiter.burstyBuilder(1, DAY).build();
        bucket4jFast = bucket4j(FAST, SECOND, SynchronizationStrategy.LOCK_FREE);
        bucket4jEmpty = bucket4j(1, DAY, SynchronizationStrategy.LOCK_FREE);
        bucket4jSyncFast = bucket4j(FAST, SECOND, SynchronizationStrategy.SYNCHRONIZED);
        bucket4jSyncEmpty = bucket4j(1, DAY, SynchronizationStrategy.SYNCHRONIZED);
        guavaFast = com.google.common.util.concurrent.RateLimiter.create(FAST);
        guavaEmpty = com.google.common.util.concurrent.RateLimiter.create(1.0 / DAY.toSeconds());
        Breakers.check(fluxgateEmpty.tryAcquire() && r4jEmpty.acquirePermission()
                && failsafeSmoothEmpty.tryAcquirePermit() && failsafeBurstyEmpty.tryAcquirePermit()
                && bucket4jEmpty.tryConsume(1) && bucket4jSyncEmpty.tryConsume(1) && guavaEmpty.tryAcquire(),
                "each empty limiter starts with one permit");
        verify();
    }

    /** The fast limiters still grant, the empty ones still refuse: the cases measured what they say. */
    @TearDown
    public void verify() {
        Breakers.check(fluxgateFast.tryAcquire() && r4jFast.acquirePermission()
                && failsafeSmoothFast.tryAcquirePermit() && failsafeBurstyFast.tryAcquirePermit()
                && bucket4jFast.tryConsume(1) && bucket4jSyncFast.tryConsume(1) && guavaFast.tryAcquire(),
                "every fast limiter grants");
        Breakers.check(!fluxgateEmpty.tryAcquire() && !r4jEmpty.acquirePermission()
                && !failsafeSmoothEmpty.tryAcquirePermit() && !failsafeBurstyEmpty.tryAcquirePermit()
                && !bucket4jEmpty.tryConsume(1) && !bucket4jSyncEmpty.tryConsume(1) && !guavaEmpty.tryAcquire(),
                "every empty limiter refuses");
    }

    /**
     * Resilience4j: {@code permits} per refresh period, no wait.
     *
     * @param permits permits per period
     * @param period the refresh period
     * @return the limiter
     */
    static io.github.resilience4j.ratelimiter.RateLimiter r4j(int permits, Duration period) {
        return io.github.resilience4j.ratelimiter.RateLimiter.of("bench", RateLimiterConfig.custom()
                .limitForPeriod(permits)
                .limitRefreshPeriod(period)
                .timeoutDuration(Duration.ZERO)
                .build());
    }

    /**
     * Bucket4j: a local bucket of {@code permits} refilled greedily (smoothly) at {@code permits} per
     * {@code period}, with its default millisecond clock.
     *
     * @param permits the capacity and the refill per period
     * @param period the refill period
     * @param sync the bucket's synchronization strategy
     * @return the bucket, full
     */
    static Bucket bucket4j(int permits, Duration period, SynchronizationStrategy sync) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(permits).refillGreedy(permits, period))
                .withSynchronizationStrategy(sync)
                .build();
    }

    // ---- the clock every limiter reads on every call (a floor) ----

    /**
     * {@code System.nanoTime()} alone: Fluxgate, Resilience4j, Failsafe and Guava read it on every call.
     *
     * @return the reading
     */
    @Benchmark
    public long floor_nanoTime() {
        return System.nanoTime();
    }

    /**
     * {@code System.currentTimeMillis()} alone: Bucket4j's default clock.
     *
     * @return the reading
     */
    @Benchmark
    public long floor_currentTimeMillis() {
        return System.currentTimeMillis();
    }

    // ---- permit acquired ----

    /**
     * Fluxgate {@code tryAcquire()}.
     *
     * @return whether the permit was taken
     */
    @Benchmark
    public boolean limiterAcquired_fluxgate() {
        return fluxgateFast.tryAcquire();
    }

    /**
     * Resilience4j {@code acquirePermission()} (timeout 0).
     *
     * @return whether the permit was taken
     */
    @Benchmark
    public boolean limiterAcquired_r4j() {
        return r4jFast.acquirePermission();
    }

    /**
     * Failsafe {@code tryAcquirePermit()}, smooth.
     *
     * @return whether the permit was taken
     */
    @Benchmark
    public boolean limiterAcquired_failsafeSmooth() {
        return failsafeSmoothFast.tryAcquirePermit();
    }

    /**
     * Failsafe {@code tryAcquirePermit()}, bursty.
     *
     * @return whether the permit was taken
     */
    @Benchmark
    public boolean limiterAcquired_failsafeBursty() {
        return failsafeBurstyFast.tryAcquirePermit();
    }

    /**
     * Bucket4j {@code tryConsume(1)}, lock-free.
     *
     * @return whether the permit was taken
     */
    @Benchmark
    public boolean limiterAcquired_bucket4j() {
        return bucket4jFast.tryConsume(1);
    }

    /**
     * Bucket4j {@code tryConsume(1)}, synchronized.
     *
     * @return whether the permit was taken
     */
    @Benchmark
    public boolean limiterAcquired_bucket4jSync() {
        return bucket4jSyncFast.tryConsume(1);
    }

    /**
     * Guava {@code tryAcquire()}.
     *
     * @return whether the permit was taken
     */
    @Benchmark
    public boolean limiterAcquired_guava() {
        return guavaFast.tryAcquire();
    }

    // ---- permit refused ----

    /**
     * Fluxgate {@code tryAcquire()} on an empty limiter.
     *
     * @return whether the permit was taken (never)
     */
    @Benchmark
    public boolean limiterRefused_fluxgate() {
        return fluxgateEmpty.tryAcquire();
    }

    /**
     * Resilience4j {@code acquirePermission()} (timeout 0) on an empty limiter.
     *
     * @return whether the permit was taken (never)
     */
    @Benchmark
    public boolean limiterRefused_r4j() {
        return r4jEmpty.acquirePermission();
    }

    /**
     * Failsafe {@code tryAcquirePermit()}, smooth, empty.
     *
     * @return whether the permit was taken (never)
     */
    @Benchmark
    public boolean limiterRefused_failsafeSmooth() {
        return failsafeSmoothEmpty.tryAcquirePermit();
    }

    /**
     * Failsafe {@code tryAcquirePermit()}, bursty, empty.
     *
     * @return whether the permit was taken (never)
     */
    @Benchmark
    public boolean limiterRefused_failsafeBursty() {
        return failsafeBurstyEmpty.tryAcquirePermit();
    }

    /**
     * Bucket4j {@code tryConsume(1)}, lock-free, empty.
     *
     * @return whether the permit was taken (never)
     */
    @Benchmark
    public boolean limiterRefused_bucket4j() {
        return bucket4jEmpty.tryConsume(1);
    }

    /**
     * Bucket4j {@code tryConsume(1)}, synchronized, empty.
     *
     * @return whether the permit was taken (never)
     */
    @Benchmark
    public boolean limiterRefused_bucket4jSync() {
        return bucket4jSyncEmpty.tryConsume(1);
    }

    /**
     * Guava {@code tryAcquire()} on an empty limiter.
     *
     * @return whether the permit was taken (never)
     */
    @Benchmark
    public boolean limiterRefused_guava() {
        return guavaEmpty.tryAcquire();
    }
}
