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
 * Guarantee: when the cooldown expires and many callers arrive at once, the breaker moves OPEN to
 * HALF_OPEN exactly once (one listener event) and the one probe slot goes to exactly one caller.
 */
@JCStressTest
@Outcome(id = {"1, 0, 1", "0, 1, 1"}, expect = Expect.ACCEPTABLE,
        desc = "one HALF_OPEN transition, one probe admitted")
@Outcome(expect = Expect.FORBIDDEN, desc = "HALF_OPEN entered twice or the probe cap broken")
@org.openjdk.jcstress.annotations.State
public class CooldownExpiryStress {

    final Breakers.StressTicker ticker = new Breakers.StressTicker();
    final Breakers.Counter halfOpened = new Breakers.Counter(State.HALF_OPEN);
    final CircuitBreaker cb;

    public CooldownExpiryStress() {
        cb = Breakers.tripsOnFirstFailure(ticker)
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
                .maxHalfOpenCalls(1)
                .listener(halfOpened)
                .build();
        Breakers.trip(cb);
        ticker.advance(Duration.ofSeconds(1)); // exactly the cooldown: a call now is admitted (>=)
    }

    @Actor
    public void first(III_Result r) {
        r.r1 = Breakers.admitted(cb.tryAcquirePermission());
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = Breakers.admitted(cb.tryAcquirePermission());
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = halfOpened.count.get();
    }
}
