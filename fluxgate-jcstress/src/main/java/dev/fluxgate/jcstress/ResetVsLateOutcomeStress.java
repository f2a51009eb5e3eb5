package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee (generation fencing): {@code reset()} racing with outcomes of calls admitted before it
 * leaves an empty window. Each outcome lands before the reset (and is cleared) or after it (and is
 * stale, counted only in the lifetime counters); none ever shows in the new generation's window,
 * whether it took the lock or was buffered in a stripe.
 */
@JCStressTest
@Outcome(id = {"0, 0, 2, 0"}, expect = Expect.ACCEPTABLE, desc = "window empty, both outcomes in lifetime counters")
@Outcome(expect = Expect.FORBIDDEN, desc = "a late outcome leaked into the window after reset()")
@State
public class ResetVsLateOutcomeStress {

    final CircuitBreaker cb = CircuitBreaker.builder("stress")
            .window(Window.count(10))
            .tripper(Tripper.failureStreak(5))
            .ticker(() -> 0L)
            .build();
    final long p1 = cb.acquirePermission();
    final long p2 = cb.acquirePermission();

    @Actor
    public void lateOutcomes() {
        cb.recordSuccess(p1, 0);
        cb.recordError(p2, 0, Breakers.BOOM);
    }

    @Actor
    public void reset() {
        cb.reset();
    }

    @Arbiter
    public void check(IIII_Result r) {
        var m = cb.metrics();
        r.r1 = m.calls();
        r.r2 = m.consecutiveFailures();
        r.r3 = (int) (m.successfulCalls() + m.failedCalls());
        r.r4 = cb.state().ordinal();
    }
}
