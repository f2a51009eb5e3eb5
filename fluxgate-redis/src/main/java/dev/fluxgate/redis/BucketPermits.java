package dev.fluxgate.redis;

import dev.fluxgate.RateLimiter;
import dev.fluxgate.Ticker;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.UninterruptibleBlockingStrategy;
import io.github.bucket4j.VerboseResult;

/**
 * A {@link RateLimiter.Store} over a Bucket4j {@link Bucket}: the Redis proxy bucket of a fleet-wide
 * limit, or the local bucket of a local share. Each answer is one Bucket4j command, so one round trip
 * to Redis (a read and a compare-and-swap, see the README) whatever the outcome.
 */
final class BucketPermits implements RateLimiter.Store {

    private final Bucket bucket;
    private final int burst;

    BucketPermits(Bucket bucket, int burst) {
        this.bucket = bucket;
        this.burst = burst;
    }

    /** A bucket in this process for {@code limit}, on the limit's ticker. */
    static BucketPermits local(RateLimiter.Limit limit) {
        Ticker ticker = limit.ticker();
        TimeMeter time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return ticker.read();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        Bucket bucket = Bucket.builder().addLimit(bandwidth(limit)).withCustomTimePrecision(time).build();
        return new BucketPermits(bucket, limit.burst());
    }

    /**
     * The Bucket4j configuration of {@code limit}: a bucket of {@code burst} tokens, starting full,
     * refilled greedily ({@code SMOOTH}: one token as soon as it is earned) or {@code permits} at a time at
     * the end of each period ({@code BURSTY}).
     */
    static BucketConfiguration configuration(RateLimiter.Limit limit) {
        return BucketConfiguration.builder().addLimit(bandwidth(limit)).build();
    }

    private static Bandwidth bandwidth(RateLimiter.Limit limit) {
        var capacity = Bandwidth.builder().capacity(limit.burst());
        var refill = limit.shape() == RateLimiter.Shape.SMOOTH
                ? capacity.refillGreedy(limit.permits(), limit.period())
                : capacity.refillIntervally(limit.permits(), limit.period());
        return refill.initialTokens(limit.burst()).build();
    }

    @Override
    public long tryReserve(int permits, long maxWaitNanos) {
        if (permits > burst) {
            return NEVER; // the bucket never holds that many: no need to ask
        }
        if (maxWaitNanos == 0) {
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(permits);
            return probe.isConsumed() ? 0 : RateLimiter.Store.refused(probe.getNanosToWaitForRefill());
        }
        // Reserve within the wait: Bucket4j would park for the reserved wait; the strategy only notes it,
        // and the RateLimiter around this store does the waiting (or schedules, for callAsync).
        Wait wait = new Wait();
        VerboseResult<Boolean> result = bucket.asBlocking().asVerbose()
                .tryConsumeUninterruptibly(permits, maxWaitNanos, wait);
        if (result.getValue()) {
            return Math.min(wait.nanos, maxWaitNanos);
        }
        // Refused: the state the command saw says how long until the permits are free at once.
        long retryAfter = result.getState()
                .calculateDelayNanosAfterWillBePossibleToConsume(permits, result.getOperationTimeNanos(), true);
        return RateLimiter.Store.refused(retryAfter);
    }

    @Override
    public long availablePermits() {
        return bucket.getAvailableTokens();
    }

    /** Notes the wait Bucket4j would park for. */
    private static final class Wait implements UninterruptibleBlockingStrategy {
        long nanos;

        @Override
        public void parkUninterruptibly(long nanosToPark) {
            nanos = nanosToPark;
        }
    }
}
