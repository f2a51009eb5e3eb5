package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.RateLimitedException;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped, frozen and restarted under running limiters: calls get a clear error within a bounded
 * time (fail closed) or the local share (fail open), never hang, and the shared limit resumes when Redis
 * answers again, on the same objects.
 *
 * <p>The probes run on a manual ticker, so which call asks Redis is decided by the test, not by the speed
 * of the machine; the bounds on real time are generous (the timeout is 300 ms, a hang would be Lettuce's
 * 60 s or forever).
 */
class RedisOutageTest {

    private static final Duration TIMEOUT = Duration.ofMillis(300);
    private static final Duration PROBE = Duration.ofSeconds(1);
    /** Far above the 300 ms timeout (twice it when a call queues behind a batch), far below a hang. */
    private static final Duration BOUND = Duration.ofSeconds(15);
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private static RedisServer server;

    private final ManualTicker probes = new ManualTicker();
    private RedisClients clients;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() {
        if (server != null) {
            server.close();
        }
    }

    @BeforeEach
    void newClients() {
        clients = new RedisClients();
    }

    @AfterEach
    void closeClientsAndHealRedis() throws Exception {
        try {
            clients.close();
        } finally {
            server.resume();
            if (!isAnswering()) {
                server.stop();
                server.restart();
            }
        }
    }

    private static boolean isAnswering() {
        try {
            return "PONG".equals(server.command("PING"));
        } catch (Exception e) {
            return false;
        }
    }

    private RedisRateLimits limits(OnRedisFailure onFailure) {
        return RedisRateLimits.builder(clients.connect(server)).timeout(TIMEOUT).probeInterval(PROBE)
                .ticker(probes).onRedisFailure(onFailure).build();
    }

    private static RateLimiter limiter(RedisRateLimits redis, String name, int burst) {
        return RateLimiter.builder(name).rate(1, Duration.ofHours(1)).burst(burst).store(redis.store()).build();
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Probes (advancing the probe ticker before each call) until {@code redis} answers again. */
    private void probeUntilAnswering(RedisRateLimits redis, RateLimiter limiter) throws InterruptedException {
        long start = System.nanoTime();
        while (!redis.redisAvailable()) {
            assertThat(since(start)).as("Redis answering again").isLessThan(DEADLINE);
            probes.advance(PROBE);
            try {
                limiter.tryAcquire();
            } catch (RedisUnavailableException stillDown) {
                TimeUnit.MILLISECONDS.sleep(50); // polling for Lettuce's reconnection, not timing any logic
            }
        }
    }

    @Test
    void failClosedRefusesEveryCallWithAClearErrorWithinTheTimeoutThenResumesWhenRedisIsBack() throws Exception {
        RedisRateLimits redis = limits(OnRedisFailure.failClosed());
        RateLimiter payments = limiter(redis, "outage-closed", 5);
        assertThat(payments.tryAcquire()).isTrue();

        server.stop();
        long start = System.nanoTime();
        assertThatThrownBy(payments::tryAcquire)
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("Redis did not answer RateLimiter 'outage-closed' (timeout 300 ms)")
                .hasMessageContaining("the call is refused (onRedisFailure failClosed)")
                .satisfies(e -> assertThat(((RedisUnavailableException) e).limiterName()).isEqualTo("outage-closed"))
                .cause().isNotNull();
        assertThat(since(start)).isLessThan(BOUND);
        assertThat(redis.redisAvailable()).isFalse();

        // Until the next probe, calls do not wait for Redis: they are refused at once, saying so.
        assertThatThrownBy(() -> payments.acquire())
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessageContaining("the call is refused without asking Redis (onRedisFailure failClosed)");
        CompletableFuture<String> async = payments.callAsync(() -> CompletableFuture.completedFuture("ran"));
        assertThatThrownBy(() -> async.get(BOUND.toSeconds(), TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(RedisUnavailableException.class);
        assertThat(payments.permittedCalls()).isEqualTo(1);
        assertThat(payments.rejectedCalls()).isZero(); // not a rate-limit refusal: the store could not answer

        // Redis back on the same port (empty: no persistence, so the bucket starts full again): a probe finds
        // it, and the same limiter shares its limit again: what it takes, another instance cannot take.
        server.restart();
        probeUntilAnswering(redis, payments);
        RateLimiter other = limiter(limits(OnRedisFailure.failClosed()), "outage-closed", 5);
        int taken = 0;
        while (payments.tryAcquire()) {
            taken++;
            assertThat(taken).isLessThan(5);
        }
        assertThat(taken).isPositive();
        assertThat(other.tryAcquire()).isFalse();
        assertThat(other.availablePermits()).isZero();
    }

    @Test
    void localShareAdmitsThisInstancesShareWhileRedisIsDownThenTheSharedLimitResumes() throws Exception {
        RedisRateLimits redis = limits(OnRedisFailure.localShare(4));
        RateLimiter search = limiter(redis, "outage-open", 40);
        assertThat(search.tryAcquire()).isTrue();

        server.stop();
        long start = System.nanoTime();
        assertThat(search.tryAcquire()).isTrue(); // Redis timed out: the local share (burst 40 / 4 = 10) admits it
        assertThat(since(start)).isLessThan(BOUND);
        assertThat(redis.redisAvailable()).isFalse();
        int local = 1;
        while (search.tryAcquire()) {
            local++;
            assertThat(local).isLessThanOrEqualTo(10);
        }
        assertThat(local).isEqualTo(10); // exactly its share: not unlimited, not nothing
        assertThatThrownBy(() -> search.acquire()).isInstanceOf(RateLimitedException.class);
        assertThat(search.availablePermits()).isZero();

        server.restart();
        probeUntilAnswering(redis, search);
        // Shared again: the two instances take the fresh bucket's 40 permits between them (less the probe's),
        // far more than their local shares (10 each) would allow, and then both are refused.
        RateLimiter other = limiter(limits(OnRedisFailure.localShare(4)), "outage-open", 40);
        int shared = 0;
        for (int i = 0; i < 30; i++) {
            if (search.tryAcquire()) {
                shared++;
            }
            if (other.tryAcquire()) {
                shared++;
            }
        }
        assertThat(shared).isBetween(30, 39);
        assertThat(other.permittedCalls()).isPositive();
        assertThat(search.tryAcquire()).isFalse();
        assertThat(other.tryAcquire()).isFalse();
        assertThat(redis.redisAvailable()).isTrue();
    }

    @Test
    void aFrozenRedisCannotHangCallersTheyAllGetTheErrorWithinTheBound() throws Exception {
        RedisRateLimits redis = limits(OnRedisFailure.failClosed());
        RateLimiter frozen = limiter(redis, "outage-frozen", 100);
        assertThat(frozen.tryAcquire()).isTrue();

        server.pause(); // connections stay open, nothing is answered
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Duration>> took = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                took.add(pool.submit(() -> {
                    go.await();
                    long start = System.nanoTime();
                    assertThatThrownBy(frozen::tryAcquire).isInstanceOf(RedisUnavailableException.class);
                    return since(start);
                }));
            }
            go.countDown();
            for (Future<Duration> f : took) {
                assertThat(f.get(2, TimeUnit.MINUTES)).isLessThan(BOUND);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(redis.redisAvailable()).isFalse();

        server.resume();
        probeUntilAnswering(redis, frozen);
        assertThat(frozen.tryAcquire()).isTrue();
    }
}
