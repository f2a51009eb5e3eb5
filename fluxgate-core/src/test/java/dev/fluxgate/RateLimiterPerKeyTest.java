package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** One limit per key: independence, eviction by fake time, the cap, and racing keys. */
class RateLimiterPerKeyTest {

    private static final int RUNS = Integer.getInteger("fluxgate.runs", 200) / 10;

    private final TestTicker ticker = new TestTicker();

    /** 10 per second, burst 3, on the fake ticker. */
    private RateLimiter.Builder limit() {
        return RateLimiter.builder("tenants").rate(10, Duration.ofSeconds(1)).burst(3).ticker(ticker);
    }

    private static <K> int drain(RateLimiter.PerKey<K> limiter, K key) {
        int n = 0;
        while (limiter.tryAcquire(key)) {
            n++;
        }
        return n;
    }

    @Test
    void eachKeyHasItsOwnLimit() throws Exception {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).build();
        assertThat(drain(perKey, "a")).isEqualTo(3);
        assertThat(perKey.tryAcquire("b", 3)).as("a's use leaves b alone").isTrue();
        assertThat(perKey.call("c", () -> "c ran")).isEqualTo("c ran");
        assertThat(perKey.availablePermits("a")).isZero();
        assertThat(perKey.availablePermits("c")).isEqualTo(2);
        assertThat(perKey.availablePermits("never-seen")).isEqualTo(3);
        assertThat(perKey.size()).as("availablePermits creates no key").isEqualTo(3);
        ticker.advanceMillis(100);
        assertThat(drain(perKey, "a")).isEqualTo(1);
        assertThat(perKey.permittedCalls()).isEqualTo(3 + 1 + 1 + 1);
        assertThat(perKey.rejectedCalls()).isEqualTo(2);
    }

    @Test
    void everyWayOfCallingGoesThroughTheKeysLimit() throws Exception {
        RateLimiter.PerKey<Integer> perKey = RateLimiter.perKey(limit().burst(5)).build();
        AtomicInteger ran = new AtomicInteger();
        perKey.run(7, ran::incrementAndGet);
        perKey.get(7, ran::incrementAndGet);
        perKey.acquire(7, 1);
        assertThat(perKey.callAsync(7, () -> CompletableFuture.completedFuture("async")).join()).isEqualTo("async");
        assertThat(perKey.call(7, () -> "last")).isEqualTo("last");
        assertThatThrownBy(() -> perKey.run(7, ran::incrementAndGet)).isInstanceOf(RateLimitedException.class);
        assertThat(ran).hasValue(2);
        assertThat(perKey.tryAcquire(8)).isTrue();
    }

    @Test
    void aFullBucketIdleForTheIdleTimeIsEvictedAndABusyOneIsNot() {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).evictAfterIdle(Duration.ofSeconds(10)).build();
        perKey.tryAcquire("quiet");
        drain(perKey, "busy");
        ticker.advanceMillis(300); // both full again by now: quiet at 100 ms, busy at 300 ms
        ticker.advanceMillis(9_850);
        assertThat(perKey.evictIdle()).as("quiet was full for 10.05 s, busy for 9.85 s").isEqualTo(1);
        assertThat(perKey.size()).isEqualTo(1);
        ticker.advanceMillis(150);
        assertThat(perKey.evictIdle()).isEqualTo(1);
        assertThat(perKey.size()).isZero();
    }

    @Test
    void aBucketThatIsNotFullIsNeverEvictedSoEvictionNeverLiftsTheLimit() {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(RateLimiter.builder("slow").rate(1, Duration.ofHours(1))
                .burst(2).ticker(ticker)).evictAfterIdle(Duration.ZERO).build();
        drain(perKey, "k");
        ticker.advance(Duration.ofMinutes(59));
        assertThat(perKey.evictIdle()).as("still refilling: it remembers its use").isZero();
        assertThat(perKey.tryAcquire("k")).isFalse();
        ticker.advance(Duration.ofMinutes(1));
        assertThat(perKey.evictIdle()).as("one permit back, not full").isZero();
        ticker.advance(Duration.ofHours(1));
        assertThat(perKey.evictIdle()).isEqualTo(1);
        assertThat(drain(perKey, "k")).as("a fresh bucket is what the old one had become").isEqualTo(2);
    }

    @Test
    void newKeysSweepIdleOnesWithoutAnyoneAsking() {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).evictAfterIdle(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 50; i++) {
            perKey.tryAcquire("old-" + i);
        }
        ticker.advanceMillis(5_100);
        perKey.tryAcquire("new");
        assertThat(perKey.size()).as("the 50 idle keys went when a new one arrived").isEqualTo(1);
    }

    @Test
    void beyondTheCapANewKeyIsRefusedWithAClearErrorAndTrackedKeysCarryOn() throws Exception {
        List<Optional<Duration>> heard = new CopyOnWriteArrayList<>();
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit().listener(new RateLimiterListener() {
            @Override
            public void onRejected(RateLimiter limiter, int permits, Optional<Duration> retryAfter) {
                heard.add(retryAfter);
            }
        })).maxKeys(2).evictAfterIdle(Duration.ofSeconds(8)).build();
        perKey.tryAcquire("api-key-1");
        perKey.tryAcquire("api-key-2");
        assertThat(perKey.tryAcquire("api-key-3")).isFalse();
        RateLimitedException e = (RateLimitedException) catchThrowable(() -> perKey.call("api-key-3", () -> "x"));
        assertThat(e.getMessage()).isEqualTo("RateLimiter 'tenants' already tracks its maximum of 2 keys and none is"
                + " idle: a new key gets no permits until keys go idle");
        assertThat(e.getMessage()).as("keys may be credentials").doesNotContain("api-key");
        assertThat(e.retryAfter()).isEmpty();
        assertThat(heard).containsExactly(Optional.empty(), Optional.empty());
        assertThat(perKey.size()).isEqualTo(2);
        assertThat(perKey.tryAcquire("api-key-1")).as("a tracked key is not affected").isTrue();

        ticker.advanceMillis(8_300); // both full again and idle for 8 s
        assertThat(perKey.tryAcquire("api-key-3")).as("the cap sweeps idle keys out for the new one").isTrue();
        assertThat(perKey.size()).isEqualTo(1);
    }

    @Test
    void atTheCapSweepsAreSpacedSoAFloodOfNewKeysCannotMakeEveryCallScanTheMap() {
        // evictAfterIdle 8 s: sweeps at the cap at most once per second (an eighth of it)
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).maxKeys(1).evictAfterIdle(Duration.ofSeconds(8))
                .build();
        perKey.tryAcquire("held"); // full again at 100 ms
        ticker.advanceMillis(8_050);
        assertThat(perKey.tryAcquire("new")).as("swept at 8.05 s: held idle for 7.95 s only").isFalse();
        ticker.advanceMillis(150);
        assertThat(perKey.tryAcquire("new")).as("held is idle now, but the last sweep was 150 ms ago").isFalse();
        ticker.advanceMillis(850);
        assertThat(perKey.tryAcquire("new")).as("a second after the last sweep, the next one").isTrue();
        assertThat(perKey.size()).isEqualTo(1);
    }

    @Test
    void aKeysLimiterStaysUsableAfterItsBucketWasEvictedAndCountsAgainstTheNewOne() {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).evictAfterIdle(Duration.ZERO).build();
        RateLimiter view = perKey.forKey("k");
        RateLimiter held = perKey.limiterFor("k"); // the bucket's own limiter, as a listener sees it
        assertThat(held.key()).contains("k");
        assertThat(view.key()).contains("k");
        assertThat(view.name()).isEqualTo("tenants");
        assertThat(perKey.evictIdle()).isEqualTo(1);
        assertThat(held.tryAcquire()).as("an evicted bucket sends its caller to a fresh one").isTrue();
        assertThat(perKey.size()).isEqualTo(1);
        assertThat(view.tryAcquire(2)).isTrue();
        assertThat(perKey.tryAcquire("k")).as("all three drew on the one live bucket").isFalse();
        assertThat(view.availablePermits()).isZero();
    }

    @Test
    void nullKeysAreRejected() {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).build();
        assertThatThrownBy(() -> perKey.tryAcquire(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> perKey.forKey(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
        assertThatThrownBy(() -> perKey.availablePermits(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void describesItselfWithoutItsKeys() {
        RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).maxKeys(100).build();
        perKey.tryAcquire("secret-token");
        assertThat(perKey.toString()).isEqualTo("RateLimiter.PerKey(tenants, 10 per 1s, burst 3, smooth, 1 of 100 keys)");
        assertThat(perKey.name()).isEqualTo("tenants");
        assertThat(perKey.maxKeys()).isEqualTo(100);
        assertThat(perKey.evictAfterIdle()).isEqualTo(Duration.ofMinutes(1));
        assertThat(perKey.limit().burst()).isEqualTo(3);
    }

    // ---- racing ----

    @Test
    void racingThreadsOnSharedKeysWhileSweepsEvictGetExactlyEachKeysBurst() throws Exception {
        int threads = 4;
        int keys = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        try {
            for (int run = 0; run < RUNS; run++) {
                // evict as soon as full: a fresh bucket is evictable until its first use, so sweeps race the takes
                RateLimiter.PerKey<Integer> perKey = RateLimiter.perKey(RateLimiter.builder("race")
                        .rate(1, Duration.ofHours(1)).burst(5).ticker(ticker)).evictAfterIdle(Duration.ZERO).build();
                AtomicIntegerArray granted = new AtomicIntegerArray(keys);
                CountDownLatch start = new CountDownLatch(1);
                AtomicBoolean done = new AtomicBoolean();
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int offset = t;
                    work.add(pool.submit(() -> {
                        start.await();
                        for (int round = 0; round < 20; round++) {
                            for (int i = 0; i < keys; i++) {
                                int k = (i + offset) % keys;
                                if (perKey.tryAcquire(k)) {
                                    granted.incrementAndGet(k);
                                }
                            }
                        }
                        return null;
                    }));
                }
                Future<?> sweeper = pool.submit(() -> {
                    start.await();
                    while (!done.get()) {
                        perKey.evictIdle();
                    }
                    return null;
                });
                start.countDown();
                for (Future<?> f : work) {
                    f.get(30, TimeUnit.SECONDS);
                }
                done.set(true);
                sweeper.get(30, TimeUnit.SECONDS);
                for (int k = 0; k < keys; k++) {
                    assertThat(granted.get(k)).as("run %d key %d", run, k).isEqualTo(5);
                }
                assertThat(perKey.size()).isEqualTo(keys);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void racingNewKeysNeverExceedTheCap() throws Exception {
        int threads = 4;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int run = 0; run < RUNS; run++) {
                RateLimiter.PerKey<String> perKey = RateLimiter.perKey(limit()).maxKeys(50).build();
                CountDownLatch start = new CountDownLatch(1);
                AtomicInteger admittedKeys = new AtomicInteger();
                List<Future<?>> work = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    work.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < 40; i++) {
                            if (perKey.tryAcquire(thread + "-" + i)) {
                                admittedKeys.incrementAndGet();
                            }
                            assertThat(perKey.size()).isLessThanOrEqualTo(50);
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : work) {
                    f.get(30, TimeUnit.SECONDS);
                }
                assertThat(admittedKeys).as("run %d", run).hasValue(50);
                assertThat(perKey.size()).isEqualTo(50);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
