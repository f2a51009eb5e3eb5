package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: a probe that ends without an outcome (released: never ran, untracked exception) gives its
 * slot back exactly once, racing with a caller that wants the slot. One slot, held; its release races
 * with another acquire: the newcomer is admitted only if the slot was freed, and the probes in use
 * always equal the leases held.
 */
@JCStressTest
@Outcome(id = {"1, 1, 2", "0, 0, 2"}, expect = Expect.ACCEPTABLE, desc = "the slot went to the newcomer or stayed free")
@Outcome(expect = Expect.FORBIDDEN, desc = "a slot leaked or was handed out twice")
@State
public class ProbeReleaseVsAcquireStress {

    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(() -> 0L).maxHalfOpenCalls(1));
    final long probe = cb.acquirePermission();

    @Actor
    public void release() {
        cb.releasePermission(probe);
    }

    @Actor
    public void acquire(III_Result r) {
        r.r1 = Breakers.admitted(cb.tryAcquirePermission());
    }

    @Arbiter
    public void check(III_Result r) {
        r.r2 = cb.metrics().probesInUse();
        r.r3 = cb.state().ordinal();
    }
}
