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
 * Guarantee: a HALF_OPEN period admits exactly {@code maxHalfOpenCalls} probes however callers race
 * for them. Three slots; two threads each try twice (four attempts): exactly three admitted, three
 * probes in use. (That settled probes keep their slots is {@link ProbeOutcomeKeepsSlotStress}.)
 */
@JCStressTest
@Outcome(id = {"2, 1, 3", "1, 2, 3"}, expect = Expect.ACCEPTABLE, desc = "exactly three of four attempts got a slot")
@Outcome(expect = Expect.FORBIDDEN, desc = "the probe cap was exceeded or a slot was lost")
@State
public class HalfOpenProbeCapStress {

    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(() -> 0L).maxHalfOpenCalls(3));

    @Actor
    public void first(III_Result r) {
        r.r1 = Breakers.admitted(cb.tryAcquirePermission()) + Breakers.admitted(cb.tryAcquirePermission());
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = Breakers.admitted(cb.tryAcquirePermission()) + Breakers.admitted(cb.tryAcquirePermission());
    }

    @Arbiter
    public void probes(III_Result r) {
        r.r3 = cb.metrics().probesInUse();
    }
}
