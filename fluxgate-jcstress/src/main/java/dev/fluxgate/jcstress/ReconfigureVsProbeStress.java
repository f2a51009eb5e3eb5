package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.State;
import dev.fluxgate.Ticker;
import dev.fluxgate.Window;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee (a half-open probe in flight settles across a reconfiguration): a probe admitted under
 * the old configuration succeeds while {@code reconfigure} replaces the window with one that does not
 * fit (a new, empty one) and lowers {@code maxHalfOpenCalls}. The half-open period, its probe and its
 * slot carry over, so the success closes the breaker exactly once, whichever comes first, and no slot
 * stays taken.
 */
@JCStressTest
@Outcome(id = "0, 1, 0, 1", expect = Expect.ACCEPTABLE, desc = "closed once by the probe, no slot held")
@Outcome(expect = Expect.FORBIDDEN, desc = "the probe was lost or leaked its slot, or the breaker closed twice")
@org.openjdk.jcstress.annotations.State
public class ReconfigureVsProbeStress {

    final Ticker ticker = () -> 0L;
    final Breakers.Counter closed = new Breakers.Counter(State.CLOSED);
    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(ticker).maxHalfOpenCalls(2).listener(closed));
    final CircuitBreaker.Builder next = Breakers.tripsOnFirstFailure(ticker).window(Window.count(20)).maxHalfOpenCalls(1);
    final long probe = cb.acquirePermission();

    @Actor
    public void probeSucceeds() {
        cb.recordSuccess(probe, 0);
    }

    @Actor
    public void reconfigure() {
        cb.reconfigure(next);
    }

    @Arbiter
    public void check(IIII_Result r) {
        var m = cb.metrics();
        r.r1 = cb.state().ordinal();
        r.r2 = closed.count.get();
        r.r3 = m.probesInUse();
        r.r4 = (int) m.successfulCalls();
    }
}
