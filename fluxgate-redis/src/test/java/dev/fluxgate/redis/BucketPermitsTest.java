package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.RateLimiter;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Bucket4j adapter, on a local bucket and a fake ticker: the store contract's answers, exactly. */
class BucketPermitsTest {

    private final ManualTicker ticker = new ManualTicker();

    private BucketPermits bucket(int permits, Duration period, int burst, RateLimiter.Shape shape) {
        return BucketPermits.local(new RateLimiter.Limit("test", permits, period, burst, shape, ticker));
    }

    private static long ms(long n) {
        return Duration.ofMillis(n).toNanos();
    }

    @Test
    void aFullBucketGrantsItsBurstAtOnceThenRefusesWithTheWaitForTheNextPermit() {
        BucketPermits b = bucket(10, Duration.ofSeconds(1), 3, RateLimiter.Shape.SMOOTH);
        assertThat(b.tryReserve(1, 0)).isZero();
        assertThat(b.tryReserve(2, 0)).isZero();
        long refused = b.tryReserve(1, 0);
        assertThat(refused).isNegative().isNotEqualTo(RateLimiter.Store.NEVER);
        assertThat(RateLimiter.Store.retryAfterNanos(refused)).isEqualTo(ms(100));
        assertThat(b.availablePermits()).isZero();
        ticker.advance(Duration.ofMillis(100));
        assertThat(b.tryReserve(1, 0)).isZero();
    }

    @Test
    void aWaitWithinTheMaximumIsReservedAndTheNextCallerQueuesBehindIt() {
        BucketPermits b = bucket(10, Duration.ofSeconds(1), 1, RateLimiter.Shape.SMOOTH);
        assertThat(b.tryReserve(1, ms(500))).isZero();
        assertThat(b.tryReserve(1, ms(500))).isEqualTo(ms(100));
        assertThat(b.tryReserve(1, ms(500))).isEqualTo(ms(200));
        assertThat(b.availablePermits()).isEqualTo(-2);
        ticker.advance(Duration.ofMillis(100));
        assertThat(b.tryReserve(1, ms(500))).isEqualTo(ms(200));
    }

    @Test
    void aWaitBeyondTheMaximumIsRefusedWithItsLengthAndTakesNothing() {
        BucketPermits b = bucket(10, Duration.ofSeconds(1), 1, RateLimiter.Shape.SMOOTH);
        assertThat(b.tryReserve(1, ms(150))).isZero();
        assertThat(b.tryReserve(1, ms(150))).isEqualTo(ms(100));
        long refused = b.tryReserve(1, ms(150));
        assertThat(RateLimiter.Store.retryAfterNanos(refused)).isEqualTo(ms(200));
        assertThat(b.availablePermits()).isEqualTo(-1); // the refusal took nothing
    }

    @Test
    void morePermitsThanTheBurstAreNeverGranted() {
        BucketPermits b = bucket(10, Duration.ofSeconds(1), 3, RateLimiter.Shape.SMOOTH);
        assertThat(b.tryReserve(4, 0)).isEqualTo(RateLimiter.Store.NEVER);
        assertThat(b.tryReserve(4, ms(10_000))).isEqualTo(RateLimiter.Store.NEVER);
        assertThat(b.availablePermits()).isEqualTo(3);
    }

    @Test
    void aBurstyBucketEarnsAPeriodsPermitsAtOnceAtTheEndOfThePeriod() {
        BucketPermits b = bucket(5, Duration.ofSeconds(1), 5, RateLimiter.Shape.BURSTY);
        assertThat(b.tryReserve(5, 0)).isZero();
        ticker.advance(Duration.ofMillis(999));
        assertThat(RateLimiter.Store.retryAfterNanos(b.tryReserve(1, 0))).isEqualTo(ms(1));
        ticker.advance(Duration.ofMillis(1));
        assertThat(b.tryReserve(5, 0)).isZero();
    }
}
