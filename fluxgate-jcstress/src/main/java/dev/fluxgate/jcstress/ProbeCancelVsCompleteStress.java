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
 * cancelling it. The probe's success is either recorded (one call in the window) or dropped by the
 * cancellation (none); the slot is freed exactly once, so afterwards it is free and a new caller gets it.
 */
@JCStressTest
@Outcome(id = {"0, 0, 1", "0, 1, 1"}, expect = Expect.ACCEPTABLE,
        desc = "settled once; the slot is free again")
@Outcome(expect = Expect.FORBIDDEN, desc = "the probe slot leaked or was freed twice")
@State
public class ProbeCancelVsCompleteStress {

    final CircuitBreaker cb = Breakers.halfOpen(Breakers.tripsOnFirstFailure(() -> 0L)
            .maxHalfOpenCalls(1).closeAfterSuccesses(2));
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
        r.r3 = Breakers.admitted(cb.tryAcquirePermission());
    }
}
