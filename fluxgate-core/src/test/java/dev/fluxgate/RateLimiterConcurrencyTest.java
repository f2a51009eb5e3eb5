package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The limit under racing threads: never more than {@code rate x time + burst}, and exact (no permit the
 * limit allows is lost); and the admitted path allocates nothing.
 */
class RateLimiterConcurrencyTest {

    private static final int RUNS = Integer.getInteger("fluxgate.runs", 200) / 4;
    private static final int THREADS = 4;

    /** Permits earned after {@code elapsed} nanoseconds at {@code permits} per {@code periodNanos}, as the limit says. */
    private static long earned(RateLimiter.Shape shape, long permits, long periodNanos, long elapsed) {
        return shape == RateLimiter.Shape.SMOOTH
                ? java.math.BigInteger.valueOf(elapsed).multiply(java.math.BigInteger.valueOf(permits))
                        .divide(java.math.BigInteger.valueOf(periodNanos)).longValueExact()
                : elapsed / periodNanos * permits;
    }

    // The local store counts grants in its state word's low bits and adds them 16 at a time: the count must
    // be exact at every number of grants (not only multiples of 16), reservations included, refusals not.
    @Test
    void permittedCallsIsExactAfterAnyNumberOfGrantsFromRacingThreads() throws Exception {
        TestTicker ticker = new TestTicker();
        RateLimiter rl = RateLimiter.builder("count").rate(1_000, Duration.ofSeconds(1)).burst(1_000)
                .maxWait(Duration.ofSeconds(1)).ticker(ticker).sleeper(nanos -> { }).build();
        for (int i = 1; i <= 40; i++) {
            assertThat(rl.tryAcquire()).isTrue();
            assertThat(rl.permittedCalls()).isEqualTo(i);
        }
        rl.acquire(3); // one acquisition of 3 permits counts once
        assertThat(rl.permittedCalls()).isEqualTo(41);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            AtomicLong granted = new AtomicLong();
            AtomicLong refused = new AtomicLong();
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                work.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 300; i++) {
                        if (rl.tryAcquire()) {
                            granted.incrementAndGet();
                        } else {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : work) {
                f.get(60, TimeUnit.SECONDS);
            }
            assertThat(granted.get()).as("the burst left: 1000 - 43 permits").isEqualTo(957);
            assertThat(rl.permittedCalls()).isEqualTo(41 + granted.get());
            assertThat(rl.rejectedCalls()).isEqualTo(refused.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void threadsRacingAtEachMomentGetExactlyThePermitsEarnedByThen() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int run = 0; run < RUNS; run++) {
                RateLimiter.Shape shape = RateLimiter.Shape.values()[run % 2];
                TestTicker ticker = new TestTicker();
                RateLimiter rl = RateLimiter.builder("race").rate(7, Duration.ofMillis(30)).burst(11).shape(shape)
                        .ticker(ticker).build();
                int phases = 12;
                long[] steps = new long[phases];
                for (int i = 0; i < phases; i++) {
                    steps[i] = ThreadLocalRandom.current().nextLong(0, 50_000_000L);
                }
                AtomicLong granted = new AtomicLong();
                long[] expected = {11}; // a new limiter is full
                CyclicBarrier phase = new CyclicBarrier(THREADS, () -> { });
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> work = new ArrayList<>();
                long[] elapsed = new long[1];
                List<String> failures = Collections.synchronizedList(new ArrayList<>());
                for (int t = 0; t < THREADS; t++) {
                    work.add(pool.submit(() -> {
                        start.await();
                        for (int p = 0; p < phases; p++) {
                            // at a fixed moment, every thread takes until refused: the total is the supply
                            while (rl.tryAcquire()) {
                                granted.incrementAndGet();
                            }
                            if (phase.await() == 0) {
                                if (granted.get() != expected[0]) {
                                    failures.add("phase " + p + ": " + granted.get() + " != " + expected[0]);
                                }
                                ticker.advance(Duration.ofNanos(steps[p]));
                                long before = earned(shape, 7, 30_000_000L, elapsed[0]);
                                elapsed[0] += steps[p];
                                // drained: what was earned since, of which the limiter keeps at most the burst
                                expected[0] += Math.min(11, earned(shape, 7, 30_000_000L, elapsed[0]) - before);
                            }
                            phase.await();
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : work) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertThat(failures).as("run %d (%s)", run, shape).isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void whileTimeMovesUnderRacingThreadsTheyNeverGetMoreThanEarnedPlusBurstAndLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            for (int run = 0; run < RUNS; run++) {
                RateLimiter.Shape shape = RateLimiter.Shape.values()[run % 2];
                TestTicker ticker = new TestTicker();
                long start0 = ticker.read();
                // a burst the run never refills: no earned permit is dropped for a full bucket, so the
                // permits taken plus those left must be exactly earned + burst
                RateLimiter rl = RateLimiter.builder("moving").rate(3, Duration.ofMillis(10)).burst(1_000).shape(shape)
                        .ticker(ticker).build();
                AtomicLong granted = new AtomicLong();
                AtomicBoolean over = new AtomicBoolean();
                AtomicBoolean stop = new AtomicBoolean();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    work.add(pool.submit(() -> {
                        start.await();
                        while (!stop.get()) {
                            // the time read after a grant is at least the time the grant was decided on
                            if (rl.tryAcquire()) {
                                long g = granted.incrementAndGet();
                                long bound = earned(shape, 3, 10_000_000L, ticker.read() - start0) + 1_000;
                                if (g > bound) {
                                    over.set(true);
                                }
                            }
                        }
                        return null;
                    }));
                }
                Future<?> clock = pool.submit(() -> {
                    start.await();
                    while (granted.get() < 500 && !stop.get()) {
                        Thread.onSpinWait(); // time moves once the bucket is half empty: it never fills up again
                    }
                    for (int i = 0; i < 2_000; i++) {
                        ticker.advance(Duration.ofNanos(ThreadLocalRandom.current().nextLong(1, 200_000)));
                    }
                    stop.set(true);
                    return null;
                });
                start.countDown();
                clock.get(60, TimeUnit.SECONDS);
                for (Future<?> f : work) {
                    f.get(60, TimeUnit.SECONDS);
                }
                assertThat(over).as("run %d (%s): more than earned + burst at some moment", run, shape).isFalse();
                long leftover = 0;
                while (rl.tryAcquire()) {
                    leftover++;
                }
                assertThat(granted.get() + leftover).as("run %d (%s): nothing lost", run, shape)
                        .isEqualTo(earned(shape, 3, 10_000_000L, ticker.read() - start0) + 1_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void racingWaitersReservationsAreUsableNoFasterThanTheRate() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (int run = 0; run < RUNS; run++) {
                TestTicker ticker = new TestTicker(); // fixed: every wait is a reservation ahead of the rate
                long now = ticker.read();
                List<Long> usableAt = Collections.synchronizedList(new ArrayList<>());
                ThreadLocal<long[]> lastWait = ThreadLocal.withInitial(() -> new long[1]);
                RateLimiter rl = RateLimiter.builder("queue").rate(10, Duration.ofSeconds(1)).burst(3)
                        .maxWait(Duration.ofSeconds(2)).ticker(ticker).sleeper(nanos -> lastWait.get()[0] = nanos).build();
                CountDownLatch start = new CountDownLatch(1);
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    work.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 20; i++) {
                            lastWait.get()[0] = 0;
                            try {
                                rl.acquire();
                                usableAt.add(now + lastWait.get()[0]);
                            } catch (RateLimitedException full) {
                                // beyond two seconds of reservations
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : work) {
                    f.get(60, TimeUnit.SECONDS);
                }
                List<Long> sorted = new ArrayList<>(usableAt);
                Collections.sort(sorted);
                assertThat(sorted).as("run %d: burst plus two seconds at 10/s", run).hasSize(3 + 20);
                for (int i = 0; i < sorted.size(); i++) {
                    long earnedBy = (sorted.get(i) - now) / 100_000_000L; // one per 100 ms
                    assertThat((long) i + 1).as("run %d: the %dth permit", run, i + 1).isLessThanOrEqualTo(earnedBy + 3);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theAdmittedPathAllocatesNothing() throws Exception {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] nanos = {0};
        Ticker ticker = () -> nanos[0];
        RateLimiter smooth = RateLimiter.builder("alloc-smooth").rate(1_000, Duration.ofSeconds(1)).burst(3).ticker(ticker).build();
        RateLimiter bursty = RateLimiter.builder("alloc-bursty").rate(3, Duration.ofMillis(3)).bursty().ticker(ticker).build();
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(RateLimiter.builder("alloc-keys").rate(1_000, Duration.ofSeconds(1))
                .burst(1).ticker(ticker)).build();
        Supplier<String> task = () -> "ok";
        Runnable noop = () -> { };
        java.util.concurrent.Callable<String> callable = () -> "ok";
        Runnable iteration = () -> {
            nanos[0] += 3_000_000L; // three permits earned per limiter
            smooth.get(task);
            smooth.run(noop);
            try {
                smooth.call(callable);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            bursty.tryAcquire(3);
            perKey.tryAcquire("tenant");
            smooth.tryAcquire(); // refused: a refused tryAcquire allocates nothing either
        };
        for (int i = 0; i < 200_000; i++) { // warm up past JIT compilation
            iteration.run();
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            iteration.run();
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertThat(allocated).as("bytes allocated by 600,000 acquisitions").isLessThan(1_024);
        assertThat(smooth.permittedCalls()).isEqualTo(3 * 300_000L);
        assertThat(smooth.rejectedCalls()).isEqualTo(300_000L);
    }
}
