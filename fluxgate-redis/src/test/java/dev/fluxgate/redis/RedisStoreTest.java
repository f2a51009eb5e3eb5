package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.RateLimitedException;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The failure handling of the Redis store without Redis: a fake remote store that answers or fails on
 * command, and a manual ticker for the probes, so every decision is exact.
 */
class RedisStoreTest {

    private static final Duration PROBE = Duration.ofSeconds(1);

    private final ManualTicker ticker = new ManualTicker();
    private final RedisHealth health = new RedisHealth(ticker, PROBE);
    private final Remote remote = new Remote();

    /** A remote store that grants everything, or throws while {@link #down} is set; counts the calls. */
    private static final class Remote implements RateLimiter.Store {
        final AtomicBoolean down = new AtomicBoolean();
        final AtomicInteger calls = new AtomicInteger();
        volatile RuntimeException failure = new IllegalStateException("Connection refused: /127.0.0.1:6379");

        @Override
        public long tryReserve(int permits, long maxWaitNanos) {
            calls.incrementAndGet();
            if (down.get()) {
                throw failure;
            }
            return 0;
        }

        @Override
        public long availablePermits() {
            calls.incrementAndGet();
            if (down.get()) {
                throw failure;
            }
            return 42;
        }
    }

    private RateLimiter limiter(OnRedisFailure onFailure) {
        RateLimiter.Limit limit = new RateLimiter.Limit("unit", 100, Duration.ofSeconds(1), 40,
                RateLimiter.Shape.SMOOTH, ticker);
        return RateLimiter.builder("unit").rate(100, Duration.ofSeconds(1)).burst(40).ticker(ticker)
                .store(l -> new RedisStore(limit, remote, health, onFailure, Duration.ofMillis(250).toNanos()))
                .build();
    }

    @Test
    void failClosedRefusesWithTheFailureAsCauseThenStopsAskingUntilTheProbeIsDue() {
        RateLimiter limiter = limiter(OnRedisFailure.failClosed());
        assertThat(limiter.tryAcquire()).isTrue();
        remote.down.set(true);

        assertThatThrownBy(limiter::tryAcquire)
                .isInstanceOf(RedisUnavailableException.class)
                .hasMessage("Redis did not answer RateLimiter 'unit' (timeout 250 ms): IllegalStateException:"
                        + " Connection refused: /127.0.0.1:6379; the call is refused (onRedisFailure failClosed);"
                        + " Redis is asked again every 1000 ms")
                .hasCause(remote.failure);
        assertThat(remote.calls).hasValue(2);

        ticker.advance(Duration.ofMillis(400));
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(limiter::tryAcquire)
                    .isInstanceOf(RedisUnavailableException.class)
                    .hasMessage("Redis has not answered RateLimiter 'unit' for 400 ms (last failure:"
                            + " IllegalStateException: Connection refused: /127.0.0.1:6379); the call is refused"
                            + " without asking Redis (onRedisFailure failClosed) until a probe finds it answering"
                            + " (next within 600 ms)")
                    .hasCause(remote.failure);
        }
        assertThat(limiter.availablePermits()).isZero();
        assertThat(remote.calls).as("no call asked Redis before the probe was due").hasValue(2);

        ticker.advance(Duration.ofMillis(600)); // the probe is due: exactly one call asks, and fails
        assertThatThrownBy(limiter::tryAcquire).hasMessageContaining("Redis did not answer");
        assertThatThrownBy(limiter::tryAcquire).hasMessageContaining("without asking Redis");
        assertThat(remote.calls).hasValue(3);

        remote.down.set(false);
        ticker.advance(PROBE);
        assertThat(limiter.tryAcquire()).isTrue(); // the probe finds Redis: shared again from this call on
        assertThat(health.isUp()).isTrue();
        assertThat(limiter.tryAcquire()).isTrue();
        assertThat(remote.calls).hasValue(5);
        assertThat(limiter.permittedCalls()).isEqualTo(3);
        assertThat(limiter.rejectedCalls()).isZero();
    }

    @Test
    void localShareLimitsThisInstanceToItsShareWhileRedisIsDownAndRefillsAtTheShareOfTheRate() throws Exception {
        RateLimiter limiter = limiter(OnRedisFailure.localShare(4)); // 100/s burst 40 -> 25/s burst 10
        remote.down.set(true);
        int admitted = 0;
        while (limiter.tryAcquire()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(10);
        assertThatThrownBy(() -> limiter.acquire())
                .isInstanceOf(RateLimitedException.class)
                .satisfies(e -> assertThat(((RateLimitedException) e).retryAfter()).hasValue(Duration.ofMillis(40)));
        assertThat(remote.calls).as("one call found Redis down, the others did not ask").hasValue(1);

        ticker.advance(Duration.ofMillis(400)); // 25/s: 10 more permits (before the probe is due)
        admitted = 0;
        while (limiter.tryAcquire()) {
            admitted++;
        }
        assertThat(admitted).isEqualTo(10);
        assertThat(limiter.availablePermits()).isZero();
        assertThat(remote.calls).hasValue(1);

        remote.down.set(false);
        ticker.advance(PROBE);
        for (int i = 0; i < 50; i++) {
            assertThat(limiter.tryAcquire()).isTrue(); // Redis again: its limit, not the local share
        }
        assertThat(limiter.availablePermits()).isEqualTo(42);
    }

    @Test
    void whileRedisIsDownOnlyOneOfManyRacingCallersProbesIt() throws Exception {
        RateLimiter limiter = limiter(OnRedisFailure.localShare(1));
        remote.down.set(true);
        assertThat(limiter.tryAcquire()).isTrue(); // Redis found down, local share admits
        assertThat(remote.calls).hasValue(1);
        ticker.advance(PROBE);

        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CyclicBarrier go = new CyclicBarrier(threads);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < 20; i++) {
                        limiter.tryAcquire();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(1, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(remote.calls).as("one probe per probe interval").hasValue(2);
    }

    @Test
    void morePermitsThanTheBurstAreRefusedForGoodWithoutAskingRedis() {
        RateLimiter limiter = limiter(OnRedisFailure.failClosed());
        assertThat(limiter.tryAcquire(41)).isFalse();
        assertThat(remote.calls).hasValue(0);
        remote.down.set(true);
        assertThat(limiter.tryAcquire(41)).isFalse(); // no probe taken up, no failure recorded
        assertThat(health.isUp()).isTrue();
    }

    @Test
    void aCallerInterruptedWhileWaitingForRedisIsCancelledAndRedisIsNotMarkedDown() {
        RateLimiter limiter = limiter(OnRedisFailure.failClosed());
        remote.down.set(true);
        remote.failure = new IllegalStateException("interrupted", new InterruptedException());
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(limiter::tryAcquire)
                    .isInstanceOf(CancellationException.class)
                    .hasMessageContaining("interrupted while asking Redis");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(health.isUp()).isTrue();
    }

    @Test
    void aCallWhoseSharedBatchAnotherThreadsInterruptEndedAsksAgainAndRedisIsNotMarkedDown() {
        RateLimiter limiter = limiter(OnRedisFailure.failClosed());
        remote.down.set(true);
        remote.failure = new IllegalStateException("batch failed", new InterruptedException());
        // This thread is not interrupted: the failure is someone else's interrupt. Redis answers the retry.
        RateLimiter.Store once = new RateLimiter.Store() {
            @Override
            public long tryReserve(int permits, long maxWaitNanos) {
                try {
                    return remote.tryReserve(permits, maxWaitNanos);
                } finally {
                    remote.down.set(false);
                }
            }

            @Override
            public long availablePermits() {
                return remote.availablePermits();
            }
        };
        RateLimiter.Limit limit = limiter.limit();
        RedisStore store = new RedisStore(limit, once, health, OnRedisFailure.failClosed(), 1);
        assertThat(store.tryReserve(1, 0)).isZero();
        assertThat(remote.calls).hasValue(2);
        assertThat(health.isUp()).isTrue();
    }

    @Test
    void availablePermitsProbesAndFallsBackToTheLocalShare() {
        RateLimiter limiter = limiter(OnRedisFailure.localShare(4));
        assertThat(limiter.availablePermits()).isEqualTo(42);
        remote.down.set(true);
        assertThat(limiter.availablePermits()).isEqualTo(10); // Redis down: the local share's
        assertThat(health.isUp()).isFalse();
        remote.down.set(false);
        ticker.advance(PROBE);
        assertThat(limiter.availablePermits()).isEqualTo(42); // the gauge's read was the probe
        assertThat(health.isUp()).isTrue();
    }

    @Test
    void bothLimitersOfOneConnectionSeeRedisComeBackFromEitherProbe() {
        RateLimiter a = limiter(OnRedisFailure.failClosed());
        RateLimiter b = limiter(OnRedisFailure.failClosed());
        remote.down.set(true);
        assertThatThrownBy(a::tryAcquire).isInstanceOf(RedisUnavailableException.class);
        assertThatThrownBy(b::tryAcquire).hasMessageContaining("without asking Redis");
        remote.down.set(false);
        ticker.advance(PROBE);
        assertThat(a.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isTrue();
    }
}
