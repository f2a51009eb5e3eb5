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
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: reading the state of an OPEN breaker whose cooldown has passed makes the OPEN to
 * HALF_OPEN move, racing with a caller that would make it too: the move happens once (one event), the
 * reader sees HALF_OPEN (never OPEN), and the caller gets the one probe slot.
 */
@JCStressTest
@Outcome(id = "2, 1, 1", expect = Expect.ACCEPTABLE, desc = "read HALF_OPEN, the caller probes, one event")
@Outcome(expect = Expect.FORBIDDEN, desc = "read OPEN after the cooldown, HALF_OPEN entered twice, or the slot lost")
@org.openjdk.jcstress.annotations.State
public class StateReadVsAcquireAtCooldownStress {

    final Breakers.StressTicker ticker = new Breakers.StressTicker();
    final Breakers.Counter halfOpened = new Breakers.Counter(State.HALF_OPEN);
    final CircuitBreaker cb;

    public StateReadVsAcquireAtCooldownStress() {
        cb = Breakers.tripsOnFirstFailure(ticker)
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
                .maxHalfOpenCalls(1)
                .listener(halfOpened)
                .build();
        Breakers.trip(cb);
        ticker.advance(Duration.ofSeconds(1));
    }

    @Actor
    public void reader(III_Result r) {
        r.r1 = cb.state().ordinal();
    }

    @Actor
    public void caller(III_Result r) {
        r.r2 = Breakers.admitted(cb.tryAcquirePermission());
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = halfOpened.count.get();
    }
}
