package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.RateLimitedException;
import dev.fluxgate.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two limiters with their own clients and connections (two instances of a service) share one quota in a
 * real Redis: across both, no more than the quota is admitted.
 */
class SharedQuotaRedisTest {

    private static RedisServer server;
    private static RedisClients clients;
    private static RedisRateLimits first;
    private static RedisRateLimits second;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        clients = new RedisClients();
        first = RedisRateLimits.builder(clients.connect(server)).timeout(Duration.ofSeconds(10)).build();
        second = RedisRateLimits.builder(clients.connect(server)).timeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stopRedis() {
        try {
            if (clients != null) {
                clients.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private static RateLimiter limiter(RedisRateLimits redis, String name, int permits, Duration period, int burst) {
        return RateLimiter.builder(name).rate(permits, period).burst(burst).store(redis.store()).build();
    }

    @Test
    void racingThreadsOnTwoInstancesTakeExactlyTheQuotaBetweenThem() throws Exception {
        // One refill an hour: within the test only the burst is there to take, so the count is exact.
        RateLimiter a = limiter(first, "shared-exact", 1, Duration.ofHours(1), 40);
        RateLimiter b = limiter(second, "shared-exact", 1, Duration.ofHours(1), 40);
        int threads = 8;
        int attemptsEach = 25; // 200 attempts for 40 permits
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger admittedA = new AtomicInteger();
        AtomicInteger admittedB = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                boolean onA = t % 2 == 0;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < attemptsEach; i++) {
                        if ((onA ? a : b).tryAcquire()) {
                            (onA ? admittedA : admittedB).incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(admittedA.get() + admittedB.get()).isEqualTo(40);
        assertThat(a.permittedCalls() + b.permittedCalls()).isEqualTo(40);
        assertThat(a.rejectedCalls() + b.rejectedCalls()).isEqualTo(threads * attemptsEach - 40);
        assertThat(a.availablePermits()).isZero();
        assertThat(b.availablePermits()).isZero();
    }

    @Test
    void whatOneInstanceTookTheOtherCannotTake() {
        RateLimiter a = limiter(first, "shared-sequence", 1, Duration.ofHours(1), 10);
        RateLimiter b = limiter(second, "shared-sequence", 1, Duration.ofHours(1), 10);
        for (int i = 0; i < 7; i++) {
            assertThat(a.tryAcquire()).isTrue();
        }
        assertThat(b.availablePermits()).isEqualTo(3);
        assertThat(b.tryAcquire(3)).isTrue();
        assertThat(a.tryAcquire()).isFalse();
        assertThatThrownBy(() -> b.acquire())
                .isInstanceOf(RateLimitedException.class)
                .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter()).hasValueSatisfying(
                        d -> assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofHours(1))));
    }

    @Test
    void acrossBothNoMoreThanTheRateTimesTheTimePlusTheBurstIsAdmitted() throws Exception {
        // 20 per second, burst 5, hammered for about 2 s from both instances. The bound is measured around
        // the whole run on the same clock Bucket4j uses (wall-clock milliseconds), so a slow machine can
        // only admit less, never make the check fail.
        RateLimiter a = limiter(first, "shared-rate", 20, Duration.ofSeconds(1), 5);
        RateLimiter b = limiter(second, "shared-rate", 20, Duration.ofSeconds(1), 5);
        AtomicInteger admitted = new AtomicInteger();
        long startMillis = System.currentTimeMillis();
        long runNanos = Duration.ofSeconds(2).toNanos();
        long begin = System.nanoTime();
        CompletableFuture<?>[] runs = new CompletableFuture<?>[4];
        for (int t = 0; t < runs.length; t++) {
            RateLimiter l = t % 2 == 0 ? a : b;
            runs[t] = CompletableFuture.runAsync(() -> {
                while (System.nanoTime() - begin < runNanos) {
                    if (l.tryAcquire()) {
                        admitted.incrementAndGet();
                    }
                }
            });
        }
        CompletableFuture.allOf(runs).get(2, TimeUnit.MINUTES);
        long elapsedMillis = System.currentTimeMillis() - startMillis;
        long bound = 5 + (20 * elapsedMillis) / 1000;
        assertThat(admitted.get()).isPositive().isLessThanOrEqualTo((int) bound);
        assertThat(a.permittedCalls() + b.permittedCalls()).isEqualTo(admitted.get());
    }

    @Test
    void waitingCallersOnBothInstancesAreSpacedByTheSharedRate() throws Exception {
        // 2 per second, burst 1, wait up to 5 s: four calls from the two instances take at least 1.5 s
        // together (the first is free, each later one is usable 500 ms after the one before), measured from
        // before the first call. The waits told add up to less: each is counted from its own reservation,
        // after the round trips before it.
        RateLimiter a = RateLimiter.builder("shared-wait").rate(2, Duration.ofSeconds(1)).burst(1)
                .maxWait(Duration.ofSeconds(5)).store(first.store()).build();
        RateLimiter b = RateLimiter.builder("shared-wait").rate(2, Duration.ofSeconds(1)).burst(1)
                .maxWait(Duration.ofSeconds(5)).store(second.store()).build();
        long begin = System.nanoTime();
        for (int i = 0; i < 2; i++) {
            a.acquire();
            b.acquire();
        }
        // 10 ms of slack: Bucket4j counts time in whole milliseconds.
        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isGreaterThanOrEqualTo(Duration.ofMillis(1490));
        assertThat(a.totalWaitTime().plus(b.totalWaitTime())).isPositive();
        assertThat(a.permittedCalls() + b.permittedCalls()).isEqualTo(4);
        assertThat(a.rejectedCalls() + b.rejectedCalls()).isZero();
    }

    @Test
    void differentLimitsUnderOneNameKeepSeparateBuckets() {
        RateLimiter a = limiter(first, "shared-config", 1, Duration.ofHours(1), 2);
        RateLimiter b = limiter(second, "shared-config", 1, Duration.ofHours(1), 3);
        assertThat(first.redisKey(a.limit())).isNotEqualTo(second.redisKey(b.limit()));
        assertThat(a.tryAcquire(2)).isTrue();
        assertThat(b.tryAcquire(3)).isTrue();
        assertThat(a.tryAcquire()).isFalse();
        assertThat(b.tryAcquire()).isFalse();
    }
}
