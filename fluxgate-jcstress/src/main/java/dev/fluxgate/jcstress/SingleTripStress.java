package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.State;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee: one trip is one CLOSED to OPEN transition and one listener event, even when several
 * failures that each satisfy the tripper are recorded at once. Two callers admitted in CLOSED
 * fail together: one OPEN event, one transition, state OPEN, and the OPEN window is empty (the
 * late failures are stale, not counted in the new state's window).
 */
@JCStressTest
@Outcome(id = "1, 1, 1, 0", expect = Expect.ACCEPTABLE, desc = "one trip, one event, empty OPEN window")
@Outcome(expect = Expect.FORBIDDEN, desc = "a trip was doubled, lost, or a late failure leaked into the new window")
@org.openjdk.jcstress.annotations.State
public class SingleTripStress {

    final Breakers.Counter opened = new Breakers.Counter(State.OPEN);
    // A cooldown that never ends on this ticker: with none, the arbiter's own reads would make the due
    // OPEN to HALF_OPEN move (a second transition) before it counted.
    final CircuitBreaker cb = Breakers.tripsOnFirstFailure(() -> 0L).cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
            .listener(opened).build();
    final long p1 = cb.acquirePermission();
    final long p2 = cb.acquirePermission();

    @Actor
    public void first() {
        cb.recordError(p1, 0, Breakers.BOOM);
    }

    @Actor
    public void second() {
        cb.recordError(p2, 0, Breakers.BOOM);
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r1 = opened.count.get();
        r.r2 = (int) cb.metrics().transitions();
        r.r3 = cb.state().ordinal();
        r.r4 = cb.metrics().calls();
    }
}
