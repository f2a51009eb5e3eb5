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
 * Guarantee: concurrent outcomes are never lost from the count window, whether a success takes the
 * lock ({@code tryLock}), lands in a striped buffer while the lock is busy, or is a failure that
 * always locks. Four successes and two failures from two threads: the window shows six calls
 * and two failures, and the lifetime counters agree.
 */
@JCStressTest
@Outcome(id = "6, 2, 4, 2", expect = Expect.ACCEPTABLE, desc = "every outcome counted once")
@Outcome(expect = Expect.FORBIDDEN, desc = "an outcome was lost or counted twice")
@State
public class CountWindowNoLostOutcomeStress {

    final CircuitBreaker cb = CircuitBreaker.builder("stress")
            .window(Window.count(10))
            .tripper(Tripper.minRequests(10).and(Tripper.failureRate(1.0)))
            .ticker(() -> 0L)
            .build();

    @Actor
    public void successesThenFailure() {
        cb.recordSuccess(cb.acquirePermission(), 0);
        cb.recordSuccess(cb.acquirePermission(), 0);
        cb.recordError(cb.acquirePermission(), 0, Breakers.BOOM);
    }

    @Actor
    public void failureBetweenSuccesses() {
        cb.recordSuccess(cb.acquirePermission(), 0);
        cb.recordError(cb.acquirePermission(), 0, Breakers.BOOM);
        cb.recordSuccess(cb.acquirePermission(), 0);
    }

    @Arbiter
    public void check(IIII_Result r) {
        var m = cb.metrics();
        r.r1 = m.calls();
        r.r2 = m.failures();
        r.r3 = (int) m.successfulCalls();
        r.r4 = (int) m.failedCalls();
    }
}
