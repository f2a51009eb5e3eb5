package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.RateLimiter;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.lang.reflect.Proxy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Building without Redis: bad input named at build(), the keys, the defaults; nothing is sent. */
class RedisRateLimitsBuilderTest {

    /** A connection whose commands must never be called: building sends nothing to Redis. */
    @SuppressWarnings("unchecked")
    private static StatefulRedisConnection<byte[], byte[]> connection() {
        RedisAsyncCommands<byte[], byte[]> commands = (RedisAsyncCommands<byte[], byte[]>) Proxy.newProxyInstance(
                RedisRateLimitsBuilderTest.class.getClassLoader(), new Class<?>[] {RedisAsyncCommands.class},
                (proxy, method, args) -> {
                    throw new AssertionError("sent to Redis: " + method.getName());
                });
        return (StatefulRedisConnection<byte[], byte[]>) Proxy.newProxyInstance(
                RedisRateLimitsBuilderTest.class.getClassLoader(), new Class<?>[] {StatefulRedisConnection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("async")) {
                        return commands;
                    }
                    throw new AssertionError("connection used: " + method.getName());
                });
    }

    @Test
    void defaultsAreAHalfSecondTimeoutAProbeEverySecondAndFailingClosed() {
        RedisRateLimits redis = RedisRateLimits.builder(connection()).build();
        assertThat(redis.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(redis.probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(redis.onRedisFailure()).isEqualTo(OnRedisFailure.failClosed());
        assertThat(redis.redisAvailable()).isTrue();
        assertThat(redis).hasToString("RedisRateLimits(timeout 500 ms, probe every 1000 ms, failClosed, Redis answering)");
    }

    @Test
    void buildingLimitersSendsNothingToRedis() {
        RedisRateLimits redis = RedisRateLimits.builder(connection()).build();
        RateLimiter limiter = RateLimiter.builder("lazy").rate(10, Duration.ofSeconds(1)).store(redis.store()).build();
        assertThat(limiter.name()).isEqualTo("lazy");
        RateLimiter other = RateLimiter.builder("lazy2").store(redis.store(OnRedisFailure.localShare(3))).build();
        assertThat(other.name()).isEqualTo("lazy2");
    }

    @Test
    void theKeyHoldsThePrefixTheNameAndTheLimit() {
        RedisRateLimits redis = RedisRateLimits.builder(connection()).build();
        RateLimiter limiter = RateLimiter.builder("payments").rate(100, Duration.ofSeconds(1)).burst(20)
                .store(redis.store()).build();
        assertThat(redis.redisKey(limiter.limit()))
                .isEqualTo("fluxgate:rate-limiter:payments:100/1000000000ns/burst20/smooth");
        RedisRateLimits prefixed = RedisRateLimits.builder(connection()).keyPrefix("app1:").build();
        RateLimiter bursty = RateLimiter.builder("search").rate(5, Duration.ofMinutes(1)).bursty()
                .store(prefixed.store()).build();
        assertThat(prefixed.redisKey(bursty.limit())).isEqualTo("app1:search:5/60000000000ns/burst5/bursty");
    }

    @Test
    void aTimeoutOutsideItsRangeIsRejectedAtBuildNamingIt() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), Duration.ofMinutes(1).plusNanos(1)}) {
            assertThatThrownBy(() -> RedisRateLimits.builder(connection()).timeout(bad).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("timeout must be positive and at most 1 minute, was " + bad);
        }
        assertThat(RedisRateLimits.builder(connection()).timeout(Duration.ofMinutes(1)).build().timeout())
                .isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void aProbeIntervalOutsideItsRangeIsRejectedAtBuildNamingIt() {
        for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofSeconds(-1), Duration.ofHours(1).plusNanos(1)}) {
            assertThatThrownBy(() -> RedisRateLimits.builder(connection()).probeInterval(bad).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("probeInterval must be positive and at most 1 hour, was " + bad);
        }
    }

    @Test
    void nullsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> RedisRateLimits.builder(null)).hasMessage("connection");
        RedisRateLimits.Builder b = RedisRateLimits.builder(connection());
        assertThatThrownBy(() -> b.timeout(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
        assertThatThrownBy(() -> b.probeInterval(null)).hasMessage("probeInterval");
        assertThatThrownBy(() -> b.onRedisFailure(null)).hasMessage("onRedisFailure");
        assertThatThrownBy(() -> b.keyPrefix(null)).hasMessage("keyPrefix");
        assertThatThrownBy(() -> b.ticker(null)).hasMessage("ticker");
        assertThatThrownBy(() -> b.build().store(null)).hasMessage("onFailure");
    }

    @Test
    void aLocalShareNeedsBetweenOneAndAMillionInstances() {
        for (int bad : new int[] {0, -1, 1_000_001}) {
            assertThatThrownBy(() -> OnRedisFailure.localShare(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("instances must be between 1 and 1000000, was " + bad);
        }
        assertThat(OnRedisFailure.localShare(1_000_000).instances()).isEqualTo(1_000_000);
        assertThat(OnRedisFailure.localShare(8)).hasToString("localShare(8 instances)")
                .isEqualTo(OnRedisFailure.localShare(8)).isNotEqualTo(OnRedisFailure.failClosed());
        assertThat(OnRedisFailure.failClosed().isFailClosed()).isTrue();
        assertThat(OnRedisFailure.localShare(8).isFailClosed()).isFalse();
    }

    @Test
    void theLocalShareIsTheRateAndBurstDividedRoundedDownButAtLeastOne() {
        RateLimiter.Limit limit = new RateLimiter.Limit("x", 100, Duration.ofSeconds(1), 30, RateLimiter.Shape.BURSTY,
                dev.fluxgate.Ticker.system());
        RateLimiter.Limit share = OnRedisFailure.localShare(8).shareOf(limit);
        assertThat(share.permits()).isEqualTo(12);
        assertThat(share.burst()).isEqualTo(3);
        assertThat(share.period()).isEqualTo(Duration.ofSeconds(1));
        assertThat(share.shape()).isEqualTo(RateLimiter.Shape.BURSTY);
        RateLimiter.Limit tiny = OnRedisFailure.localShare(1000).shareOf(limit);
        assertThat(tiny.permits()).isEqualTo(1);
        assertThat(tiny.burst()).isEqualTo(1);
    }
}
