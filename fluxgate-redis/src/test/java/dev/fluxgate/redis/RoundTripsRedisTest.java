package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.RateLimiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Counts the Redis commands per acquisition with {@code INFO commandstats} (the numbers the README states):
 * a granted permit, a refused one, and a reservation within {@code maxWait}. One client alone on its
 * limiter, so no compare-and-swap ever has to be retried.
 *
 * <p>{@code commandstats} counts the commands a script runs as well as the script: Bucket4j's
 * compare-and-swap {@code EVAL} runs one {@code GET} and, when the state is unchanged, one {@code PSETEX}.
 * The round trips are the commands the client sent: {@code (get - psetex) + eval}.
 */
class RoundTripsRedisTest {

    private static final int CALLS = 50;

    private static RedisServer server;
    private static RedisClients clients;
    private static RedisRateLimits redis;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        clients = new RedisClients();
        redis = RedisRateLimits.builder(clients.connect(server)).timeout(Duration.ofSeconds(10)).build();
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

    private RateLimiter limiter;

    @BeforeEach
    void warmUp() throws Exception {
        // A fresh limiter whose bucket already exists in Redis (its first call creates it), then zero counts.
        limiter = RateLimiter.builder("round-trips-" + System.nanoTime()).rate(1, Duration.ofHours(1))
                .burst(1_000).maxWait(Duration.ofHours(2)).store(redis.store()).build();
        assertThat(limiter.tryAcquire()).isTrue();
        server.command("CONFIG", "RESETSTAT");
    }

    /** Commands per call since the reset, by name (the INFO and CONFIG commands of the test itself left out). */
    private static Map<String, Double> perCall(int calls) throws Exception {
        Map<String, Double> per = new TreeMap<>();
        server.commandCalls().forEach((name, n) -> {
            if (!name.equals("info") && !name.startsWith("config")) {
                per.put(name, n / (double) calls);
            }
        });
        return per;
    }

    /** The commands the client sent, per call: top-level GETs plus the scripts. */
    private static double roundTrips(Map<String, Double> perCall) {
        double scripts = perCall.getOrDefault("eval", 0.0);
        double topLevelGets = perCall.getOrDefault("get", 0.0) - scripts; // each script runs one GET
        return topLevelGets + scripts;
    }

    @Test
    void aGrantedPermitCostsTwoRoundTripsAGetAndACompareAndSwapScript() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            assertThat(limiter.tryAcquire()).isTrue();
        }
        Map<String, Double> perCall = perCall(CALLS);
        assertThat(perCall).containsExactlyInAnyOrderEntriesOf(Map.of("get", 2.0, "eval", 1.0, "psetex", 1.0));
        assertThat(roundTrips(perCall)).isEqualTo(2.0);
    }

    @Test
    void aRefusedPermitCostsOneRoundTripAGet() throws Exception {
        assertThat(limiter.tryAcquire(999)).isTrue(); // empty now: every later call is refused
        server.command("CONFIG", "RESETSTAT");
        for (int i = 0; i < CALLS; i++) {
            assertThat(limiter.tryAcquire()).isFalse();
        }
        // A refusal changes nothing, so Bucket4j writes nothing back.
        Map<String, Double> perCall = perCall(CALLS);
        assertThat(perCall).containsExactlyInAnyOrderEntriesOf(Map.of("get", 1.0));
        assertThat(roundTrips(perCall)).isEqualTo(1.0);
    }

    @Test
    void aReservationWithinTheMaximumWaitCostsTwoRoundTrips() throws Exception {
        assertThat(limiter.tryAcquire(999)).isTrue();
        server.command("CONFIG", "RESETSTAT");
        // The store alone (the limiter would sleep the hour): each call reserves the next permit.
        RateLimiter.Store store = redis.store().apply(limiter.limit());
        for (int i = 0; i < CALLS; i++) {
            assertThat(store.tryReserve(1, Duration.ofHours(200).toNanos())).isPositive();
        }
        Map<String, Double> perCall = perCall(CALLS);
        assertThat(perCall).containsExactlyInAnyOrderEntriesOf(Map.of("get", 2.0, "eval", 1.0, "psetex", 1.0));
        assertThat(roundTrips(perCall)).isEqualTo(2.0);
    }

    @Test
    void aReservationBeyondTheMaximumWaitIsRefusedInOneRoundTrip() throws Exception {
        assertThat(limiter.tryAcquire(999)).isTrue();
        server.command("CONFIG", "RESETSTAT");
        RateLimiter.Store store = redis.store().apply(limiter.limit());
        for (int i = 0; i < CALLS; i++) {
            long answer = store.tryReserve(1, Duration.ofMinutes(30).toNanos()); // the next permit is an hour away
            assertThat(RateLimiter.Store.retryAfterNanos(answer)).isGreaterThan(Duration.ofMinutes(30).toNanos());
        }
        Map<String, Double> perCall = perCall(CALLS);
        assertThat(perCall).containsExactlyInAnyOrderEntriesOf(Map.of("get", 1.0));
        assertThat(roundTrips(perCall)).isEqualTo(1.0);
    }

    @Test
    void racingThreadsOfOneInstanceShareCommandsInsteadOfRetryingEachOther() throws Exception {
        // Batched, the threads of one instance never fail each other's compare-and-swap: every script
        // succeeds (one PSETEX each), and a command serves one call or more.
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < CALLS; i++) {
                        assertThat(limiter.tryAcquire()).isTrue();
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, Double> perCall = perCall(threads * CALLS);
        assertThat(perCall).containsOnlyKeys("get", "eval", "psetex");
        assertThat(perCall.get("psetex")).isEqualTo(perCall.get("eval")); // no compare-and-swap failed
        assertThat(roundTrips(perCall)).isLessThanOrEqualTo(2.0);
        assertThat(limiter.permittedCalls()).isEqualTo(1 + threads * CALLS);
    }

    @Test
    void readingTheAvailablePermitsCostsOneRoundTripAGet() throws Exception {
        for (int i = 0; i < CALLS; i++) {
            assertThat(limiter.availablePermits()).isEqualTo(999);
        }
        assertThat(perCall(CALLS)).containsExactlyInAnyOrderEntriesOf(Map.of("get", 1.0));
    }
}
