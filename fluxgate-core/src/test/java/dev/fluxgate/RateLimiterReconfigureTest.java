package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** Live reconfiguration of a rate limiter: held permits and reservations carry over, the new rate applies at once. */
class RateLimiterReconfigureTest {

    private final TestTicker ticker = new TestTicker();

    private RateLimiter.Builder limit(int permits, Duration period, int burst) {
        return RateLimiter.builder("x").rate(permits, period).burst(burst).ticker(ticker);
    }

    private static int take(RateLimiter l, int max) {
        int n = 0;
        while (n < max && l.tryAcquire()) {
            n++;
        }
        return n;
    }

    @Test
    void heldPermitsCarryOverClampedToTheNewBurst() {
        RateLimiter l = limit(10, Duration.ofSeconds(1), 10).build();
        assertThat(take(l, 2)).isEqualTo(2);
        Reconfiguration r = l.reconfigure(limit(100, Duration.ofSeconds(1), 5));
        assertThat(r.changed()).containsExactly("burst", "rate");
        assertThat(l.availablePermits()).as("8 held, clamped to the new burst").isEqualTo(5);
        assertThat(take(l, 100)).isEqualTo(5);
        ticker.advanceMillis(10);
        assertThat(take(l, 100)).as("the new rate: one permit per 10 ms").isEqualTo(1);
        assertThat(l.limit().burst()).isEqualTo(5);
        assertThat(l.permittedCalls()).isEqualTo(8);
    }

    @Test
    void fewerHeldThanTheNewBurstAreKeptExactlyNotRefilled() {
        RateLimiter l = limit(10, Duration.ofSeconds(1), 10).build();
        assertThat(take(l, 7)).isEqualTo(7);
        l.reconfigure(limit(1, Duration.ofSeconds(1), 100));
        assertThat(l.availablePermits()).isEqualTo(3);
        assertThat(take(l, 100)).isEqualTo(3);
    }

    @Test
    void aFasterRateAppliesAtOnce() {
        RateLimiter l = limit(1, Duration.ofSeconds(1), 1).build();
        assertThat(l.tryAcquire()).isTrue();
        ticker.advanceMillis(50);
        l.reconfigure(limit(10, Duration.ofSeconds(1), 1));
        assertThat(l.tryAcquire()).isFalse();
        ticker.advanceMillis(99);
        assertThat(l.tryAcquire()).as("the half-earned old permit is dropped, not counted twice").isFalse();
        ticker.advanceMillis(1);
        assertThat(l.tryAcquire()).as("100 ms after the change at 10 per second, not 1 s at the old rate").isTrue();
    }

    @Test
    void reservationsOfWaitingCallersStandAndLaterCallersWaitBehindThemAtTheNewRate() {
        RateLimiter l = limit(10, Duration.ofSeconds(1), 1).maxWait(Duration.ofSeconds(1)).build();
        assertThat(l.reserve(1)).isZero();
        assertThat(l.reserve(1)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(l.reserve(1)).isEqualTo(Duration.ofMillis(200).toNanos());
        l.reconfigure(limit(1, Duration.ofSeconds(1), 1).maxWait(Duration.ofSeconds(10)));
        assertThat(l.maxWait()).isEqualTo(Duration.ofSeconds(10));
        // Two permits were reserved ahead of the burst: at one per second they are owed for 2 s, then this one.
        assertThat(l.reserve(1)).isEqualTo(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void perKeyAndCustomStoreLimitersRefuseWithAClearException() {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit(1, Duration.ofSeconds(1), 1)).build();
        assertThatThrownBy(() -> perKey.forKey("a").reconfigure(limit(2, Duration.ofSeconds(1), 2)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("per-key");
        RateLimiter custom = limit(1, Duration.ofSeconds(1), 1).store(lim -> new RateLimiter.Store() {
            @Override
            public long tryReserve(int permits, long maxWaitNanos) {
                return 0;
            }

            @Override
            public long availablePermits() {
                return 1;
            }
        }).build();
        assertThatThrownBy(() -> custom.reconfigure(limit(2, Duration.ofSeconds(1), 2)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("custom store");
        RateLimiter l = limit(1, Duration.ofSeconds(1), 1).build();
        assertThatThrownBy(() -> l.reconfigure(RateLimiter.builder("x").rate(2, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ticker");
        assertThatThrownBy(() -> l.reconfigure(limit(1, Duration.ofSeconds(1), 0)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("burst");
        assertThat(l.limit().permits()).as("a refused change keeps the old limit").isEqualTo(1);
        assertThat(List.of(l.isReconfigurable(), perKey.forKey("a").isReconfigurable(), custom.isReconfigurable()))
                .as("isReconfigurable says beforehand which of them reconfigure accepts")
                .containsExactly(true, false, false);
    }

    @Test
    void theRegistryReconfiguresALimiterByNameKeepingTheInstance() {
        Registry<RateLimiter, RateLimiter.Builder> registry = Registry.ofRateLimiters(limit(1, Duration.ofSeconds(1), 1));
        RateLimiter l = registry.get("a");
        assertThat(l.tryAcquire()).isTrue();
        assertThat(registry.reconfigure("a", b -> b.rate(5, Duration.ofSeconds(1)).burst(5))).isPresent();
        assertThat(registry.get("a")).isSameAs(l);
        assertThat(l.limit().permits()).isEqualTo(5);
        assertThat(l.tryAcquire()).as("held nothing, so nothing carried over").isFalse();
        assertThat(registry.reconfigure("absent", b -> b.burst(2))).isEmpty();
    }

    /**
     * Many threads race tryAcquire while the ticker advances and the rate and burst change again and
     * again: the grants never exceed the first burst plus what each rate earned in its own stretch, and
     * the grant counter stays exact across every retired bucket.
     */
    @Test
    void manyThreadsAcrossRateChangesNeverGetMoreThanTheRatesEarnedPlusTheFirstBurst() throws Exception {
        int[][] configs = {{100, 20}, {1000, 5}, {10, 50}, {333, 7}};
        RateLimiter l = limit(configs[0][0], Duration.ofSeconds(1), configs[0][1]).build();
        long bound = configs[0][1];
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch started = new CountDownLatch(threads);
        AtomicBoolean stop = new AtomicBoolean();
        LongAdder granted = new LongAdder();
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                workers.add(pool.submit(() -> {
                    started.countDown();
                    while (!stop.get()) {
                        if (l.tryAcquire()) {
                            granted.increment();
                        }
                    }
                }));
            }
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
            int current = 0;
            long stretch = 0;
            for (int step = 1; step <= 400; step++) {
                ticker.advance(Duration.ofNanos(1_700_000)); // 1.7 ms
                stretch += 1_700_000;
                if (step % 20 == 0) {
                    bound += configs[current][0] * stretch / 1_000_000_000L; // what this rate earned in its stretch
                    current = (current + 1) % configs.length;
                    l.reconfigure(limit(configs[current][0], Duration.ofSeconds(1), configs[current][1]));
                    stretch = 0;
                }
            }
            bound += configs[current][0] * stretch / 1_000_000_000L;
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(30, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
        assertThat(granted.sum()).as("grants within the bound").isLessThanOrEqualTo(bound).isPositive();
        assertThat(l.permittedCalls()).as("the grant count is exact across retired buckets").isEqualTo(granted.sum());
    }
}
