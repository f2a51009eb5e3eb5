package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: a hung probe's lease expires after {@code halfOpenTimeout}, and its late outcome is
 * fenced off by the generation. The expiry (a new caller finding every slot held too long) races
 * with the hung probe finally succeeding: either the success closes the breaker first (the newcomer
 * then runs in CLOSED) or the lease expires first (the newcomer is the new probe and the late
 * success is stale). The newcomer is admitted either way.
 */
@JCStressTest
@Outcome(id = {"1, 0, 0", "1, 2, 1"}, expect = Expect.ACCEPTABLE,
        desc = "closed by the probe, or lease expired and the newcomer holds the one slot")
@Outcome(expect = Expect.FORBIDDEN, desc = "the breaker wedged, a slot leaked, or a stale success closed it")
@State
public class ExpiredLeaseVsLateOutcomeStress {

    final Breakers.StressTicker ticker = new Breakers.StressTicker();
    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(ticker)
            .maxHalfOpenCalls(1).halfOpenTimeout(Duration.ofSeconds(1)));
    final long hung;

    public ExpiredLeaseVsLateOutcomeStress() {
        hung = cb.acquirePermission();
        ticker.advance(Duration.ofSeconds(2));
    }

    @Actor
    public void newcomer(III_Result r) {
        r.r1 = Breakers.admitted(cb.tryAcquirePermission());
    }

    @Actor
    public void lateSuccess() {
        cb.recordSuccess(hung, 0);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = cb.state().ordinal();
        r.r3 = cb.metrics().probesInUse();
    }
}
