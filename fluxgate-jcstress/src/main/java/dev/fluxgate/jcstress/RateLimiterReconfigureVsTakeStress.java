package dev.fluxgate.jcstress;

import dev.fluxgate.RateLimiter;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: a rate change while callers take permits neither loses nor invents a permit. Three permits
 * held, time standing still; one thread takes twice while another reconfigures to burst 2 (the held
 * permits are clamped to it). Whatever the order, both takes succeed (at least two permits are held at
 * every moment), what is left is what the clamp allows (0 when the change came first, else 1), and the
 * grant counter is exact across the retired bucket.
 */
@JCStressTest
@Outcome(id = {"2, 0, 2", "2, 1, 2"}, expect = Expect.ACCEPTABLE,
        desc = "both takes granted; 0 left (change first: 3 clamped to 2) or 1 left (change after a take)")
@Outcome(expect = Expect.FORBIDDEN, desc = "a permit lost, invented, or a grant not counted")
@State
public class RateLimiterReconfigureVsTakeStress {

    final RateLimiter limiter = RateLimiter.builder("stress").rate(3, Duration.ofHours(1)).ticker(() -> 0L).build();

    @Actor
    public void take(III_Result r) {
        r.r1 = (limiter.tryAcquire() ? 1 : 0) + (limiter.tryAcquire() ? 1 : 0);
    }

    @Actor
    public void reconfigure() {
        limiter.reconfigure(RateLimiter.builder("stress").rate(10, Duration.ofHours(1)).burst(2).ticker(limiter.limit().ticker()));
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = (int) limiter.availablePermits();
        r.r3 = (int) limiter.permittedCalls();
    }
}
