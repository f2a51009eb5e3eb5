package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.State;
import dev.fluxgate.Ticker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee (live reconfiguration keeps the window): a failure admitted under the old configuration
 * and recorded while {@code reconfigure} swaps in a stricter tripper over the same window is neither
 * lost nor judged twice. Recorded first, it stays in the kept window and the new tripper, which judges
 * the window at once, opens the breaker; recorded after, the new tripper judges it. Either way the
 * breaker opens exactly once with the failure counted once.
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "opened once by the new tripper, failure counted once")
@Outcome(expect = Expect.FORBIDDEN, desc = "the failure was lost, counted twice, or opened the breaker twice")
@org.openjdk.jcstress.annotations.State
public class ReconfigureVsInFlightOutcomeStress {

    final Ticker ticker = () -> 0L;
    final Breakers.Counter opened = new Breakers.Counter(State.OPEN);
    final CircuitBreaker cb = CircuitBreaker.builder("stress").window(Window.count(10))
            .tripper(Tripper.failureStreak(3)).ticker(ticker).listener(opened).build();
    final CircuitBreaker.Builder stricter = CircuitBreaker.builder("stress").window(Window.count(10))
            .tripper(Tripper.failureStreak(1)).ticker(ticker);
    final long permit = cb.acquirePermission();

    @Actor
    public void lateOutcome() {
        cb.recordError(permit, 0, Breakers.BOOM);
    }

    @Actor
    public void reconfigure() {
        cb.reconfigure(stricter);
    }

    @Arbiter
    public void check(IIII_Result r) {
        var m = cb.metrics();
        r.r1 = cb.state().ordinal();
        r.r2 = opened.count.get();
        r.r3 = (int) m.failedCalls();
        r.r4 = m.calls(); // the trip cleared the window
    }
}
