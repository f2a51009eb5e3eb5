package dev.fluxgate.jcstress;

import dev.fluxgate.RateLimiter;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee: a rate limiter hands out exactly the permits it holds however callers race (its state is
 * one compare-and-set word). Three permits held, time standing still; two threads try twice each:
 * exactly three attempts succeed, none is left, and the miss is counted as a rejection.
 */
@JCStressTest
@Outcome(id = {"2, 1, 0, 1", "1, 2, 0, 1"}, expect = Expect.ACCEPTABLE,
        desc = "exactly three of four attempts got a permit, the fourth was rejected")
@Outcome(id = {"2, 2, -1, 0"}, expect = Expect.FORBIDDEN, desc = "four permits handed out for three")
@Outcome(expect = Expect.FORBIDDEN, desc = "a permit was lost or a rejection not counted")
@State
public class RateLimiterPermitsExactStress {

    final RateLimiter limiter = RateLimiter.builder("stress").rate(3, Duration.ofHours(1)).ticker(() -> 0L).build();

    @Actor
    public void first(IIII_Result r) {
        r.r1 = (limiter.tryAcquire() ? 1 : 0) + (limiter.tryAcquire() ? 1 : 0);
    }

    @Actor
    public void second(IIII_Result r) {
        r.r2 = (limiter.tryAcquire() ? 1 : 0) + (limiter.tryAcquire() ? 1 : 0);
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r3 = (int) limiter.availablePermits();
        r.r4 = (int) limiter.rejectedCalls();
    }
}
