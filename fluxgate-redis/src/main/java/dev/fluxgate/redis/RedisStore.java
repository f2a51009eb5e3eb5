package dev.fluxgate.redis;

import dev.fluxgate.RateLimiter;
import io.github.bucket4j.util.concurrent.batch.BatchHelper;
import java.util.concurrent.CancellationException;
import java.util.function.LongSupplier;

/**
 * The store of a Redis-backed limiter: the fleet-wide Bucket4j bucket while Redis answers, the
 * {@link OnRedisFailure} choice while it does not (see {@link RedisHealth}).
 */
final class RedisStore implements RateLimiter.Store {

    private final String name;
    private final int burst;
    private final RateLimiter.Store redis;
    private final RedisHealth health;
    private final OnRedisFailure onFailure;
    /** The local share; never asked when failing closed. */
    private final RateLimiter.Store local;
    private final long timeoutNanos;

    RedisStore(RateLimiter.Limit limit, RateLimiter.Store redis, RedisHealth health, OnRedisFailure onFailure,
            long timeoutNanos) {
        this.name = limit.name();
        this.burst = limit.burst();
        this.redis = redis;
        this.health = health;
        this.onFailure = onFailure;
        this.local = onFailure.isFailClosed() ? Refusing.INSTANCE : BucketPermits.local(onFailure.shareOf(limit));
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public long tryReserve(int permits, long maxWaitNanos) {
        if (permits > burst) {
            return NEVER; // no wait brings them, Redis or not
        }
        if (health.mayAsk()) {
            long answer;
            try {
                answer = ask(() -> redis.tryReserve(permits, maxWaitNanos));
            } catch (Interrupted e) {
                throw e;
            } catch (RuntimeException thrown) {
                RuntimeException e = unwrap(thrown);
                health.failed(e);
                if (onFailure.isFailClosed()) {
                    throw new RedisUnavailableException(name, "Redis did not answer RateLimiter '" + name
                            + "' (timeout " + RedisHealth.millis(timeoutNanos) + "): " + RedisHealth.describe(e)
                            + "; the call is refused (onRedisFailure failClosed); Redis is asked again every "
                            + RedisHealth.millis(health.probeNanos()), e);
                }
                return local.tryReserve(permits, maxWaitNanos);
            }
            health.answered();
            return answer;
        }
        if (onFailure.isFailClosed()) {
            RedisHealth.Failure last = health.last();
            throw new RedisUnavailableException(name, "Redis has not answered RateLimiter '" + name + "' for "
                    + RedisHealth.millis(health.downForNanos()) + " (last failure: "
                    + RedisHealth.describe(last.error()) + "); the call is refused without asking Redis"
                    + " (onRedisFailure failClosed) until a probe finds it answering (next within "
                    + RedisHealth.millis(health.nextProbeInNanos()) + ")", last.error());
        }
        return local.tryReserve(permits, maxWaitNanos);
    }

    @Override
    public long availablePermits() {
        if (health.mayAsk()) {
            try {
                long available = ask(redis::availablePermits);
                health.answered();
                return available;
            } catch (Interrupted e) {
                throw e;
            } catch (RuntimeException e) {
                health.failed(unwrap(e));
            }
        }
        return local.availablePermits();
    }

    /**
     * Asks Redis. An interrupt is no failure of Redis: the interrupted caller gets a
     * {@link CancellationException} (its flag stays set); a caller whose shared batch was ended by another
     * thread's interrupt asks again, once.
     */
    private long ask(LongSupplier question) {
        try {
            return question.getAsLong();
        } catch (RuntimeException e) {
            if (!interruptedIn(e)) {
                throw e;
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new Interrupted(name, e);
            }
            return question.getAsLong();
        }
    }

    /** The failure itself, out of Bucket4j's wrapper for a failed batch. */
    private static RuntimeException unwrap(RuntimeException e) {
        RuntimeException failure = e;
        while (failure instanceof BatchHelper.BatchFailedException && failure.getCause() instanceof RuntimeException cause) {
            failure = cause;
        }
        return failure;
    }

    private static boolean interruptedIn(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RedisStore(" + name + ", " + onFailure + ", " + health + ")";
    }

    /** The caller was interrupted while it asked Redis. */
    private static final class Interrupted extends CancellationException {
        private static final long serialVersionUID = 1L;

        Interrupted(String name, Throwable cause) {
            super("RateLimiter '" + name + "': interrupted while asking Redis for permits (the interrupt flag"
                    + " stays set)");
            initCause(cause);
        }
    }

    /** The local store of a limiter that fails closed: never asked, holds nothing. */
    private enum Refusing implements RateLimiter.Store {
        INSTANCE;

        @Override
        public long tryReserve(int permits, long maxWaitNanos) {
            return NEVER;
        }

        @Override
        public long availablePermits() {
            return 0;
        }
    }
}
