package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.State;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee: two successful probes finishing together close the breaker once (one HALF_OPEN to
 * CLOSED event); the second outcome belongs to the finished half-open generation and does not
 * leak into the new CLOSED window; no probe slot stays taken.
 */
@JCStressTest
@Outcome(id = "1, 0, 0, 0", expect = Expect.ACCEPTABLE, desc = "closed once, empty window, no probe held")
@Outcome(expect = Expect.FORBIDDEN, desc = "closed twice, a stale probe counted, or a slot leaked")
@org.openjdk.jcstress.annotations.State
public class ProbesCloseOnceStress {

    final Breakers.Counter closed = new Breakers.Counter(State.CLOSED);
    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(() -> 0L)
            .maxHalfOpenCalls(2).closeAfterSuccesses(1).listener(closed));
    final long p1 = cb.acquirePermission();
    final long p2 = cb.acquirePermission();

    @Actor
    public void first() {
        cb.recordSuccess(p1, 0);
    }

    @Actor
    public void second() {
        cb.recordSuccess(p2, 0);
    }

    @Arbiter
    public void check(IIII_Result r) {
        var m = cb.metrics();
        r.r1 = closed.count.get();
        r.r2 = cb.state().ordinal();
        r.r3 = m.calls();
        r.r4 = m.probesInUse();
    }
}
