package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.State;
import dev.fluxgate.Tripper;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: a half-open period whose probes have all failed reopens the breaker exactly once, even
 * when its tripper cannot fire on so few calls (as the default one cannot) and the last two outcomes
 * arrive together: one HALF_OPEN to OPEN event, OPEN afterwards, no probe left in flight.
 */
@JCStressTest
@Outcome(id = "2, 1, 0", expect = Expect.ACCEPTABLE, desc = "reopened once (the trip plus one reopen), OPEN, no probe held")
@Outcome(expect = Expect.FORBIDDEN, desc = "reopened twice, never decided, or a probe leaked")
@org.openjdk.jcstress.annotations.State
public class ProbesExhaustedReopenOnceStress {

    final Breakers.StressTicker ticker = new Breakers.StressTicker();
    final Breakers.Counter opened = new Breakers.Counter(State.OPEN);
    final CircuitBreaker cb;
    final long p1;
    final long p2;

    public ProbesExhaustedReopenOnceStress() {
        cb = Breakers.tripsOnFirstFailure(ticker)
                .tripper(Tripper.closed().and(Tripper.failureStreak(1)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
                .maxHalfOpenCalls(2)
                .listener(opened)
                .build();
        Breakers.trip(cb);
        ticker.advance(Duration.ofSeconds(1));
        p1 = cb.acquirePermission(); // OPEN -> HALF_OPEN
        p2 = cb.acquirePermission();
    }

    @Actor
    public void first() {
        cb.recordError(p1, 0, Breakers.BOOM);
    }

    @Actor
    public void second() {
        cb.recordError(p2, 0, Breakers.BOOM);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r1 = opened.count.get();
        r.r2 = cb.state().ordinal(); // the new cooldown has not passed on the ticker: still OPEN
        r.r3 = cb.metrics().probesInUse();
    }
}
