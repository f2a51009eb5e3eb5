package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The two shapes of the local limit, on fake time: what is granted when, and what a refusal says. */
class RateLimiterTest {

    private final TestTicker ticker = new TestTicker();

    private RateLimiter.Builder limiter(String name) {
        return RateLimiter.builder(name).ticker(ticker).sleeper(nanos -> ticker.advance(Duration.ofNanos(nanos)));
    }

    private static int drain(RateLimiter limiter) {
        int n = 0;
        while (limiter.tryAcquire()) {
            n++;
        }
        return n;
    }

    @Test
    void aSmoothLimiterStartsFullThenSpacesPermitsEvenly() {
        RateLimiter rl = limiter("smooth").rate(10, Duration.ofSeconds(1)).burst(3).build();
        assertThat(drain(rl)).as("the burst, at once").isEqualTo(3);
        ticker.advanceMillis(99);
        assertThat(rl.tryAcquire()).as("99 ms earn no permit at 10/s").isFalse();
        ticker.advanceMillis(1);
        assertThat(drain(rl)).as("100 ms earn exactly one").isEqualTo(1);
        ticker.advanceMillis(250);
        assertThat(drain(rl)).as("250 ms earn two and a half").isEqualTo(2);
        ticker.advanceMillis(50);
        assertThat(drain(rl)).as("the half saved from before completes the third").isEqualTo(1);
    }

    @Test
    void aQuietSmoothLimiterSavesNoMoreThanItsBurst() {
        RateLimiter rl = limiter("capped").rate(10, Duration.ofSeconds(1)).burst(4).build();
        drain(rl);
        ticker.advance(Duration.ofMinutes(10));
        assertThat(rl.availablePermits()).isEqualTo(4);
        assertThat(drain(rl)).isEqualTo(4);
    }

    @Test
    void burstOneSpacesEveryCall() {
        RateLimiter rl = limiter("strict").rate(5, Duration.ofSeconds(1)).burst(1).build();
        assertThat(rl.tryAcquire()).isTrue();
        assertThat(rl.tryAcquire()).isFalse();
        ticker.advanceMillis(199);
        assertThat(rl.tryAcquire()).isFalse();
        ticker.advanceMillis(1);
        assertThat(rl.tryAcquire()).isTrue();
        assertThat(rl.tryAcquire()).isFalse();
    }

    @Test
    void aBurstyLimiterGrantsThePeriodsPermitsAtOnceAtEachPeriodStart() {
        RateLimiter rl = limiter("bursty").rate(5, Duration.ofSeconds(1)).bursty().build();
        assertThat(drain(rl)).isEqualTo(5);
        ticker.advanceMillis(999);
        assertThat(rl.tryAcquire()).as("nothing is earned within a period").isFalse();
        ticker.advanceMillis(1);
        assertThat(drain(rl)).as("the whole next period's permits at its start").isEqualTo(5);
        ticker.advanceMillis(1_500);
        assertThat(drain(rl)).as("one period started in 1.5 s").isEqualTo(5);
        ticker.advanceMillis(500);
        assertThat(drain(rl)).isEqualTo(5);
    }

    @Test
    void aBurstyLimiterWithALargerBurstSavesUpSeveralPeriods() {
        RateLimiter rl = limiter("saver").rate(2, Duration.ofSeconds(1)).burst(5).bursty().build();
        assertThat(drain(rl)).isEqualTo(5);
        ticker.advanceMillis(1_000);
        assertThat(drain(rl)).isEqualTo(2);
        ticker.advanceMillis(2_000);
        assertThat(drain(rl)).isEqualTo(4);
        ticker.advance(Duration.ofSeconds(60));
        assertThat(drain(rl)).as("saved up to the burst only").isEqualTo(5);
    }

    @Test
    void aRateThatDoesNotDivideThePeriodIsCountedExactlyNotRounded() {
        // 3 per second: a rounded interval (333,333,334 ns) would lose a permit every few hundred seconds.
        RateLimiter rl = limiter("thirds").rate(3, Duration.ofSeconds(1)).burst(1).build();
        int granted = drain(rl);
        for (int step = 0; step < 142_857; step++) { // 999.999 s polled every 7 ms
            ticker.advanceMillis(7);
            granted += drain(rl);
        }
        ticker.advanceMillis(1);
        granted += drain(rl);
        // exactly 1,000 s: 3 x 1,000 earned, plus the burst
        assertThat(granted).isEqualTo(3_000 + 1);
    }

    @Test
    void bothShapesAdmitExactlyRateTimesTimePlusBurstUnderSteadyDemand() {
        for (RateLimiter.Shape shape : RateLimiter.Shape.values()) {
            TestTicker t = new TestTicker();
            RateLimiter rl = RateLimiter.builder("steady-" + shape).rate(7, Duration.ofMillis(300)).burst(9)
                    .shape(shape).ticker(t).build();
            int granted = drain(rl);
            for (int i = 0; i < 3_000; i++) { // 30 s in steps of 10 ms
                t.advanceMillis(10);
                granted += drain(rl);
            }
            assertThat(granted).as(shape.toString()).isEqualTo(7 * 100 + 9);
        }
    }

    @Test
    void severalPermitsAreTakenAllOrNothing() {
        RateLimiter rl = limiter("weighted").rate(10, Duration.ofSeconds(1)).build();
        assertThat(rl.tryAcquire(7)).isTrue();
        assertThat(rl.tryAcquire(4)).as("3 left: 4 are refused and none taken").isFalse();
        assertThat(rl.availablePermits()).isEqualTo(3);
        assertThat(rl.tryAcquire(3)).isTrue();
        assertThat(rl.availablePermits()).isZero();
    }

    @Test
    void morePermitsThanTheBurstAreNeverGrantedAndSaySoWithoutAWait() {
        RateLimiter rl = limiter("small").rate(10, Duration.ofSeconds(1)).burst(5).maxWait(Duration.ofMinutes(1)).build();
        assertThat(rl.tryAcquire(6)).isFalse();
        RateLimitedException e = catchThrowableOfType(RateLimitedException.class, () -> rl.acquire(6));
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.permits()).isEqualTo(6);
        assertThat(e.getMessage()).isEqualTo("RateLimiter 'small' cannot grant 6 permits at once: more than it ever holds");
        assertThat(rl.availablePermits()).as("nothing taken").isEqualTo(5);
    }

    @Test
    void fewerThanOnePermitIsABadArgument() {
        RateLimiter rl = limiter("args").build();
        assertThatThrownBy(() -> rl.tryAcquire(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permits must be >= 1, was 0");
        assertThatThrownBy(() -> rl.acquire(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("permits must be >= 1");
        assertThat(rl.rejectedCalls()).isZero();
    }

    @Test
    void aRefusalSaysWhichLimiterHowManyPermitsAndHowLongToWait() {
        RateLimiter rl = limiter("payments").rate(10, Duration.ofSeconds(1)).burst(1).build();
        rl.run(() -> { });
        RateLimitedException e = catchThrowableOfType(RateLimitedException.class, () -> rl.call(() -> "no"));
        assertThat(e).isInstanceOf(RejectedException.class);
        assertThat(e.limiterName()).isEqualTo("payments");
        assertThat(e.permits()).isEqualTo(1);
        assertThat(e.retryAfter()).contains(Duration.ofMillis(100));
        assertThat(e.getMessage()).isEqualTo(
                "RateLimiter 'payments' has no 1 permit free within 0s (its maximum wait); retry after 0.1s");
        assertThat(e.getStackTrace()).as("a rejection has no stack trace").isEmpty();
        ticker.advanceMillis(40);
        assertThat(catchThrowableOfType(RateLimitedException.class, rl::acquire).retryAfter())
                .as("the wait left, on the ticker").contains(Duration.ofMillis(60));
    }

    @Test
    void theTaskDoesNotRunWhenRefused() {
        RateLimiter rl = limiter("guard").rate(1, Duration.ofSeconds(1)).build();
        AtomicInteger runs = new AtomicInteger();
        rl.run(runs::incrementAndGet);
        assertThatThrownBy(() -> rl.run(runs::incrementAndGet)).isInstanceOf(RateLimitedException.class);
        assertThatThrownBy(() -> rl.get(runs::incrementAndGet)).isInstanceOf(RateLimitedException.class);
        assertThat(runs).hasValue(1);
    }

    @Test
    void theTasksOwnExceptionPassesThroughUnchanged() {
        RateLimiter rl = limiter("through").build();
        IOException boom = new IOException("boom");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> rl.call(() -> {
            throw boom;
        }))).isSameAs(boom);
        assertThat(rl.permittedCalls()).isEqualTo(1);
    }

    @Test
    void countersCountAcquisitionsAndGrantedWaits() throws Exception {
        RateLimiter rl = limiter("counted").rate(10, Duration.ofSeconds(1)).burst(2).maxWait(Duration.ofSeconds(1)).build();
        rl.tryAcquire(2);
        rl.tryAcquire();
        rl.acquire(); // waits 100 ms
        assertThatThrownBy(() -> rl.acquire(3)).as("more than the burst").isInstanceOf(RateLimitedException.class);
        assertThat(rl.permittedCalls()).isEqualTo(2);
        assertThat(rl.rejectedCalls()).isEqualTo(2);
        assertThat(rl.totalWaitTime()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void listenersHearGrantsWithTheirWaitAndRefusalsWithTheirRetryAfter() throws Exception {
        List<String> heard = new CopyOnWriteArrayList<>();
        RateLimiter rl = limiter("heard").rate(10, Duration.ofSeconds(1)).burst(1).maxWait(Duration.ofMillis(100))
                .listener(new RateLimiterListener() {
                    @Override
                    public void onPermitted(RateLimiter limiter, int permits, Duration wait) {
                        heard.add(limiter.name() + " permitted " + permits + " after " + wait);
                    }

                    @Override
                    public void onRejected(RateLimiter limiter, int permits, Optional<Duration> retryAfter) {
                        heard.add(limiter.name() + " rejected " + permits + " retry " + retryAfter);
                    }
                }).build();
        rl.acquire();
        rl.acquire(); // 100 ms
        assertThat(rl.tryAcquire()).isFalse();
        assertThat(rl.tryAcquire(2)).isFalse();
        assertThat(heard).containsExactly(
                "heard permitted 1 after PT0S",
                "heard permitted 1 after PT0.1S",
                "heard rejected 1 retry Optional[PT0.1S]",
                "heard rejected 2 retry Optional.empty");
    }

    @Test
    void aListenerThatThrowsNeverChangesAdmissionAndTheOthersStillHear() throws Exception {
        AtomicInteger second = new AtomicInteger();
        RateLimiter rl = limiter("plugged").rate(2, Duration.ofSeconds(1)).build();
        rl.addListener(new RateLimiterListener() {
            @Override
            public void onPermitted(RateLimiter limiter, int permits, Duration wait) {
                throw new OutOfMemoryError("listener");
            }

            @Override
            public void onRejected(RateLimiter limiter, int permits, Optional<Duration> retryAfter) {
                throw new IllegalStateException("listener");
            }
        });
        RateLimiterListener counting = new RateLimiterListener() {
            @Override
            public void onPermitted(RateLimiter limiter, int permits, Duration wait) {
                second.incrementAndGet();
            }

            @Override
            public void onRejected(RateLimiter limiter, int permits, Optional<Duration> retryAfter) {
                second.addAndGet(100);
            }
        };
        rl.addListener(counting);
        assertThat(rl.call(() -> "ran")).isEqualTo("ran");
        assertThat(rl.tryAcquire()).isTrue();
        assertThatThrownBy(() -> rl.call(() -> "no")).isInstanceOf(RateLimitedException.class);
        assertThat(second).hasValue(102);
        assertThat(rl.removeListener(counting)).isTrue();
        assertThat(rl.removeListener(counting)).isFalse();
        ticker.advanceMillis(500);
        rl.tryAcquire();
        assertThat(second).hasValue(102);
    }

    @Test
    void aBreakerOutsideTheLimiterDoesNotCountItsRejections() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("outer").tripper(Tripper.failureStreak(1)).build();
        RateLimiter rl = limiter("inner").rate(1, Duration.ofSeconds(1)).build();
        Resilience pipeline = Resilience.of(breaker, rl);
        assertThat(pipeline.call(() -> "one")).isEqualTo("one");
        assertThatThrownBy(() -> pipeline.call(() -> "two")).isInstanceOf(RateLimitedException.class);
        assertThatThrownBy(() -> pipeline.call(() -> "three")).isInstanceOf(RateLimitedException.class);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.metrics().failures()).isZero();
    }

    @Test
    void availablePermitsGoNegativeWhileCallersWaitForReservedPermits() throws Exception {
        java.util.concurrent.atomic.AtomicLong slept = new java.util.concurrent.atomic.AtomicLong();
        RateLimiter rl = RateLimiter.builder("debt").rate(10, Duration.ofSeconds(1)).burst(2).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).sleeper(slept::addAndGet).build();
        assertThat(rl.availablePermits()).isEqualTo(2);
        rl.acquire(2);
        rl.acquire(2); // reserved, usable 200 ms from now; this sleeper does not move the ticker
        assertThat(slept).hasValue(200_000_000L);
        assertThat(rl.availablePermits()).isEqualTo(-2);
        ticker.advanceMillis(200);
        assertThat(rl.availablePermits()).isZero();
        ticker.advanceMillis(100);
        assertThat(rl.availablePermits()).isEqualTo(1);
    }

    @Test
    void describesItself() {
        RateLimiter rl = limiter("shown").rate(50, Duration.ofMillis(500)).burst(5).bursty()
                .maxWait(Duration.ofMillis(20)).build();
        assertThat(rl.toString()).isEqualTo("RateLimiter(shown, 50 per 0.5s, burst 5, bursty)");
        assertThat(rl.limit()).isEqualTo(new RateLimiter.Limit("shown", 50, Duration.ofMillis(500), 5,
                RateLimiter.Shape.BURSTY, ticker));
        assertThat(rl.maxWait()).isEqualTo(Duration.ofMillis(20));
        assertThat(rl.key()).isEmpty();
        assertThat(RateLimiter.of("d", 100, Duration.ofSeconds(1)).limit().burst()).isEqualTo(100);
    }
}
