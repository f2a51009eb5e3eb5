/**
 * A fleet-wide {@link dev.fluxgate.RateLimiter} on Redis: {@link dev.fluxgate.redis.RedisRateLimits} makes
 * stores for {@link dev.fluxgate.RateLimiter.Builder#store}, kept in Redis by Bucket4j over a Lettuce
 * connection, so that every instance of a service shares one quota; {@link dev.fluxgate.redis.OnRedisFailure}
 * chooses what happens while Redis does not answer (refuse with
 * {@link dev.fluxgate.redis.RedisUnavailableException}, or limit each instance to its local share).
 *
 * <h2>Thread safety</h2>
 * Every type here is safe for concurrent use; {@code RedisRateLimits.Builder} is not (build, then share).
 */
@NullMarked
package dev.fluxgate.redis;

import org.jspecify.annotations.NullMarked;
