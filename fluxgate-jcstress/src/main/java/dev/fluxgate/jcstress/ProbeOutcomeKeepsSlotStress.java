package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Tripper;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: a half-open period admits at most {@code maxHalfOpenCalls} probes <em>in total</em>: a
 * probe that records an outcome keeps its slot. Two slots, two successes to close, one slot held; its
 * success races with a caller trying twice: the caller gets exactly the one remaining slot whichever
 * comes first (when the cap counted probes in flight only, a success first let it in twice).
 */
@JCStressTest
@Outcome(id = "1, 1, 2", expect = Expect.ACCEPTABLE, desc = "one more probe admitted; one in flight; still HALF_OPEN")
@Outcome(expect = Expect.FORBIDDEN, desc = "the period admitted more probes than its cap, or lost a slot")
@State
public class ProbeOutcomeKeepsSlotStress {

    // The tripper fires only in CLOSED: the half-open period decides by its probes alone.
    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(() -> 0L)
            .tripper(Tripper.closed().and(Tripper.failureStreak(1))).maxHalfOpenCalls(2).closeAfterSuccesses(2));
    final long probe = cb.acquirePermission();

    @Actor
    public void succeed() {
        cb.recordSuccess(probe, 0);
    }

    @Actor
    public void acquire(III_Result r) {
        r.r1 = Breakers.admitted(cb.tryAcquirePermission()) + Breakers.admitted(cb.tryAcquirePermission());
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = cb.metrics().probesInUse();
        r.r3 = cb.state().ordinal();
    }
}
