package dev.fluxgate.redis;

import dev.fluxgate.RateLimiter;
import dev.fluxgate.Ticker;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * Fleet-wide rate limits kept in Redis: a store for {@link RateLimiter.Builder#store}, so that every
 * instance of a service that builds the same limit shares one quota.
 *
 * <pre>{@code
 * StatefulRedisConnection<byte[], byte[]> connection = redisClient.connect(ByteArrayCodec.INSTANCE);
 * RedisRateLimits redis = RedisRateLimits.builder(connection)
 *     .timeout(Duration.ofMillis(250))                 // bound on each call's wait for Redis
 *     .onRedisFailure(OnRedisFailure.localShare(8))    // Redis away: each of 8 instances limits itself to 1/8
 *     .build();
 * RateLimiter payments = RateLimiter.builder("payments")
 *     .rate(100, Duration.ofSeconds(1))                // 100 per second for the whole fleet
 *     .store(redis.store())
 *     .build();
 * }</pre>
 *
 * <p><b>How.</b> Each limit is a Bucket4j bucket ({@code bucket4j_jdk17-lettuce}, its compare-and-swap
 * proxy manager) under the Redis key {@link #redisKey(RateLimiter.Limit)}: the prefix, the limiter's name and
 * the limit itself, so that instances configured alike share a bucket, and a changed limit starts a new
 * one instead of inheriting an old configuration. The bucket holds {@code burst} tokens and starts full;
 * {@link RateLimiter.Shape#SMOOTH} refills it greedily (one token as soon as it is earned),
 * {@link RateLimiter.Shape#BURSTY} with {@code permits} at the end of each period. Time is the clock of the
 * instance that asks (Bucket4j's compare-and-swap runs its arithmetic on the client, in milliseconds of
 * wall-clock time): keep the fleet's clocks synchronised (NTP); a clock ahead by {@code d} lets its
 * instance see up to {@code rate x d} permits early. An idle bucket's key expires one minute after the
 * bucket is full again. Every {@link RateLimiter} feature works on top: waiting up to {@code maxWait}
 * (the wait is reserved in Redis and slept in this process), {@code callAsync}, listeners, meters.
 *
 * <p><b>Round trips.</b> Each acquisition is one Bucket4j command: a {@code GET} of the bucket's state and,
 * when the command changed it, an {@code EVAL} of a compare-and-swap script: two round trips for a granted
 * permit (or a reservation within {@code maxWait}), one for a refusal, one for
 * {@link RateLimiter#availablePermits()}; two more for each retry when another instance changed the bucket
 * in between. Calls racing on one limiter in this process are batched into one command (Bucket4j's exact
 * batching optimization), so they never retry against each other and cost less than two round trips each.
 *
 * <p><b>When Redis does not answer</b> (down, unreachable, too slow, refusing the credentials): a call
 * waits for Redis at most {@link Builder#timeout} (Bucket4j's request timeout, whatever the connection's own
 * command timeout; twice that when it queued behind another thread's batch), then follows {@link Builder#onRedisFailure}: {@link OnRedisFailure#failClosed()} (the
 * default) refuses it with {@link RedisUnavailableException}, {@link OnRedisFailure#localShare(int)} limits it
 * in this process to this instance's share. Until Redis answers again, calls do not wait for it: they take
 * that path at once, and one call per {@link Builder#probeInterval} asks Redis (a probe; reading
 * {@link RateLimiter#availablePermits()} probes too). The first answer puts every limiter of this object
 * back on its shared bucket: nothing needs a restart. The change is logged on the {@link System.Logger}
 * {@code dev.fluxgate.redis.RedisRateLimits} (WARNING when Redis stops answering, INFO when it answers
 * again). Lettuce reconnects the connection by itself, after its client's reconnect delay (exponential up to
 * 30 s by default; {@code ClientResources.builder().reconnectDelay(...)} shortens it). If Redis lost the
 * bucket (a restart without persistence), the bucket starts full again.
 *
 * <p><b>Secrets.</b> Nothing here prints the connection, its URI or its password: not {@link #toString()},
 * not the exceptions, not the log.
 *
 * <p>Thread safety: safe for concurrent use, lock-free outside the Redis client; all the limiters made from
 * one object share its connection and its view of whether Redis answers. The connection belongs to the
 * caller, who closes it after the limiters are no longer used.
 */
public final class RedisRateLimits {

    private final ProxyManager<byte[]> proxies;
    private final RedisHealth health;
    private final Duration timeout;
    private final Duration probeInterval;
    private final OnRedisFailure onRedisFailure;
    private final String keyPrefix;

    private RedisRateLimits(Builder b) {
        this.timeout = b.timeout;
        this.probeInterval = b.probeInterval;
        this.onRedisFailure = b.onRedisFailure;
        this.keyPrefix = b.keyPrefix;
        this.health = new RedisHealth(b.ticker, b.probeInterval);
        this.proxies = Bucket4jLettuce.casBasedBuilder(b.connection)
                .requestTimeout(b.timeout)
                .expirationAfterWrite(ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(
                        Duration.ofMinutes(1)))
                .build();
    }

    /**
     * Starts a builder over a Lettuce connection with byte-array keys and values
     * ({@code redisClient.connect(ByteArrayCodec.INSTANCE)}); nothing is sent to Redis before a limiter
     * asks for permits.
     *
     * @param connection the connection (owned by the caller; shared by every limiter made from this object)
     * @return a builder: 500 ms timeout, a probe every second, {@link OnRedisFailure#failClosed()}, key
     *     prefix {@code "fluxgate:rate-limiter:"}
     * @throws NullPointerException if {@code connection} is null
     */
    public static Builder builder(StatefulRedisConnection<byte[], byte[]> connection) {
        return new Builder(connection);
    }

    /**
     * A store factory for {@link RateLimiter.Builder#store}: each limiter built with it keeps its permits in
     * Redis and follows this object's {@link #onRedisFailure()} choice.
     *
     * @return the factory
     */
    public Function<RateLimiter.Limit, RateLimiter.Store> store() {
        return store(onRedisFailure);
    }

    /**
     * A store factory for {@link RateLimiter.Builder#store} with its own choice for when Redis does not
     * answer (for example: fail closed for payments, a local share for search).
     *
     * @param onFailure what the limiter does while Redis does not answer
     * @return the factory
     * @throws NullPointerException if {@code onFailure} is null
     */
    public Function<RateLimiter.Limit, RateLimiter.Store> store(OnRedisFailure onFailure) {
        Objects.requireNonNull(onFailure, "onFailure");
        long timeoutNanos = timeout.toNanos();
        return limit -> {
            Objects.requireNonNull(limit, "limit");
            byte[] key = redisKey(limit).getBytes(StandardCharsets.UTF_8);
            var configuration = BucketPermits.configuration(limit);
            // Batching: calls racing in this process share one command (one read, one compare-and-swap) instead
            // of failing each other's compare-and-swap and retrying; exact, unlike Bucket4j's other optimizations.
            var bucket = proxies.builder().withOptimization(Optimizations.batching()).build(key, () -> configuration);
            return new RedisStore(limit, new BucketPermits(bucket, limit.burst()), health, onFailure, timeoutNanos);
        };
    }

    /**
     * The Redis key of a limit: the prefix, the limiter's name, then the limit ({@code permits/period in
     * nanoseconds/burst/shape}), for example {@code fluxgate:rate-limiter:payments:100/1000000000ns/burst100/smooth}.
     *
     * @param limit the limit
     * @return the key
     * @throws NullPointerException if {@code limit} is null
     */
    public String redisKey(RateLimiter.Limit limit) {
        return keyPrefix + limit.name() + ":" + limit.permits() + "/" + limit.period().toNanos() + "ns/burst"
                + limit.burst() + "/" + limit.shape().name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether Redis answered the latest call that asked it (false from a failure until a probe finds it
     * answering).
     *
     * @return whether Redis answers
     */
    public boolean redisAvailable() {
        return health.isUp();
    }

    /**
     * The longest a call waits for Redis.
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * How often a call probes Redis while it does not answer.
     *
     * @return the probe interval
     */
    public Duration probeInterval() {
        return probeInterval;
    }

    /**
     * What {@link #store()}'s limiters do while Redis does not answer.
     *
     * @return the choice
     */
    public OnRedisFailure onRedisFailure() {
        return onRedisFailure;
    }

    @Override
    public String toString() {
        return "RedisRateLimits(timeout " + timeout.toMillis() + " ms, probe every " + probeInterval.toMillis()
                + " ms, " + onRedisFailure + ", " + health + ")";
    }

    /**
     * Builds {@link RedisRateLimits}. Every method returns this builder; ranges are checked by
     * {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);
        private static final Duration MAX_PROBE_INTERVAL = Duration.ofHours(1);

        private final StatefulRedisConnection<byte[], byte[]> connection;
        private Duration timeout = Duration.ofMillis(500);
        private Duration probeInterval = Duration.ofSeconds(1);
        private OnRedisFailure onRedisFailure = OnRedisFailure.failClosed();
        private String keyPrefix = "fluxgate:rate-limiter:";
        private Ticker ticker = Ticker.system();

        private Builder(StatefulRedisConnection<byte[], byte[]> connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
        }

        /**
         * The longest a call waits for Redis (all its round trips together); then Redis counts as not
         * answering. Default 500 ms.
         *
         * @param timeout positive, at most one minute (checked by {@link #build()})
         * @return this builder
         * @throws NullPointerException if {@code timeout} is null
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * While Redis does not answer, how often one call asks it again. Default one second.
         *
         * @param probeInterval positive, at most one hour (checked by {@link #build()})
         * @return this builder
         * @throws NullPointerException if {@code probeInterval} is null
         */
        public Builder probeInterval(Duration probeInterval) {
            this.probeInterval = Objects.requireNonNull(probeInterval, "probeInterval");
            return this;
        }

        /**
         * What limiters do while Redis does not answer. Default {@link OnRedisFailure#failClosed()}.
         *
         * @param onRedisFailure the choice
         * @return this builder
         * @throws NullPointerException if {@code onRedisFailure} is null
         */
        public Builder onRedisFailure(OnRedisFailure onRedisFailure) {
            this.onRedisFailure = Objects.requireNonNull(onRedisFailure, "onRedisFailure");
            return this;
        }

        /**
         * The start of every key. Default {@code "fluxgate:rate-limiter:"}.
         *
         * @param keyPrefix the prefix (may be empty)
         * @return this builder
         * @throws NullPointerException if {@code keyPrefix} is null
         */
        public Builder keyPrefix(String keyPrefix) {
            this.keyPrefix = Objects.requireNonNull(keyPrefix, "keyPrefix");
            return this;
        }

        /**
         * The ticker that times the probes. Default {@link Ticker#system()}. (The local share of
         * {@link OnRedisFailure#localShare(int)} runs on the limiter's own ticker.)
         *
         * @param ticker the ticker
         * @return this builder
         * @throws NullPointerException if {@code ticker} is null
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Builds the object; sends nothing to Redis.
         *
         * @return the Redis-backed limits
         * @throws IllegalArgumentException naming the parameter and its range: a {@code timeout} that is not
         *     positive or beyond one minute, a {@code probeInterval} that is not positive or beyond one hour
         */
        public RedisRateLimits build() {
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException("timeout must be positive and at most 1 minute, was " + timeout);
            }
            if (probeInterval.isNegative() || probeInterval.isZero() || probeInterval.compareTo(MAX_PROBE_INTERVAL) > 0) {
                throw new IllegalArgumentException("probeInterval must be positive and at most 1 hour, was "
                        + probeInterval);
            }
            return new RedisRateLimits(this);
        }
    }
}
