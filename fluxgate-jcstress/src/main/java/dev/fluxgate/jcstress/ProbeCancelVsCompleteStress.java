package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: an async probe is settled exactly once when its completion races with the caller
 * cancelling it. Two slots per period, two successes to close. Either the success is recorded (one
 * call in the window; the probe keeps its slot, so one more probe fits in the period) or the
 * cancellation drops it and gives the slot back (no call; two more probes fit). Never both.
 */
@JCStressTest
@Outcome(id = {"0, 0, 2", "0, 1, 1"}, expect = Expect.ACCEPTABLE,
        desc = "settled once: cancelled (slot back) or recorded (slot kept)")
@Outcome(expect = Expect.FORBIDDEN, desc = "the probe slot leaked, was freed twice, or a recorded probe freed it")
@State
public class ProbeCancelVsCompleteStress {

    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(() -> 0L)
            .maxHalfOpenCalls(2).closeAfterSuccesses(2));
    final CompletableFuture<String> task = new CompletableFuture<>();
    final CompletableFuture<String> call = cb.callAsync(() -> task);

    @Actor
    public void complete() {
        task.complete("ok");
    }

    @Actor
    public void cancel() {
        call.cancel(true);
    }

    @Arbiter
    public void check(III_Result r) {
        var m = cb.metrics();
        r.r1 = m.probesInUse();
        r.r2 = m.calls();
        r.r3 = Breakers.admitted(cb.tryAcquirePermission()) + Breakers.admitted(cb.tryAcquirePermission());
    }
}
