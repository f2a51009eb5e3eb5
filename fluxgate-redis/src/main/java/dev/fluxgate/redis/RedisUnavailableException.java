package dev.fluxgate.redis;

import dev.fluxgate.RejectedException;
import java.util.Objects;

/**
 * Thrown by a Redis-backed {@link dev.fluxgate.RateLimiter} (by {@code tryAcquire} too, and failing the
 * future of {@code callAsync}) when Redis does not answer within the configured timeout, or has not
 * answered since a recent failure, and the limiter fails closed ({@link OnRedisFailure#failClosed()}).
 * The call did not run.
 *
 * <p>Like every {@link RejectedException} it is a local decision, which a breaker outside the limiter does
 * not count as a failure of the downstream, and it carries no stack trace of its own. Its message names
 * the limiter, what failed and what happens next; its {@link #getCause() cause} is the Redis client's
 * exception of the last failure. Neither ever contains the Redis password.
 */
public final class RedisUnavailableException extends RejectedException {

    private static final long serialVersionUID = 1L;

    private final String limiterName;
    /** The cause: {@link RejectedException} fixes its own cause to none, so this class keeps it here. */
    private final Throwable redisFailure;

    /**
     * Creates the exception.
     *
     * @param limiterName the limiter whose call was refused
     * @param message what failed and what happens next
     * @param cause the Redis client's exception of the last failure
     */
    RedisUnavailableException(String limiterName, String message, Throwable cause) {
        super(message);
        this.limiterName = Objects.requireNonNull(limiterName, "limiterName");
        this.redisFailure = Objects.requireNonNull(cause, "cause");
    }

    /**
     * The Redis client's exception of the last failure (Lettuce's, or Bucket4j's timeout).
     *
     * @return the failure
     */
    @Override
    public Throwable getCause() {
        return redisFailure;
    }

    /**
     * The name of the limiter whose call was refused.
     *
     * @return the limiter's name
     */
    public String limiterName() {
        return limiterName;
    }
}
