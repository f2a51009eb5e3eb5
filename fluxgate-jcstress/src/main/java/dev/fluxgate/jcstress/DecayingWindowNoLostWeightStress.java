package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Metrics;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: a decaying window loses no weight to concurrent records, and each record weighs what
 * its moment of entry says. One thread records a success, moves the ticker one half-life on, and records
 * a failure; the other records a success and a failure. Each record weighs 1/2 if it entered the
 * window before the move and 1 after it (a success that waited in a striped buffer enters when it is
 * drained, so it may only look younger, never older). The arbiter reports twice the effective calls and
 * twice the effective failures, rounded: the first thread's failure weighs 1 and the other three records
 * 1/2 or 1 each, so calls are 2.5 to 4 and failures 1.5 or 2; and the lifetime counters see all four.
 */
@JCStressTest
@Outcome(id = {"5, 3, 4", "6, 3, 4", "7, 3, 4", "6, 4, 4", "7, 4, 4", "8, 4, 4"}, expect = Expect.ACCEPTABLE,
        desc = "every record counted once, with the weight of its moment of entry")
@Outcome(expect = Expect.FORBIDDEN, desc = "weight lost, counted twice, or a record aged wrongly")
@State
public class DecayingWindowNoLostWeightStress {

    final Breakers.StressTicker ticker = new Breakers.StressTicker();
    final CircuitBreaker cb = CircuitBreaker.builder("stress")
            .window(Window.decaying(Duration.ofSeconds(1)))
            .tripper(Tripper.failureStreak(100))
            .ticker(ticker)
            .build();

    @Actor
    public void successMoveFailure() {
        cb.recordSuccess(cb.acquirePermission(), 0);
        ticker.advance(Duration.ofSeconds(1));
        cb.recordError(cb.acquirePermission(), 0, Breakers.BOOM);
    }

    @Actor
    public void successFailure() {
        cb.recordSuccess(cb.acquirePermission(), 0);
        cb.recordError(cb.acquirePermission(), 0, Breakers.BOOM);
    }

    @Arbiter
    public void check(III_Result r) {
        Metrics m = cb.metrics();
        r.r1 = (int) Math.round(2 * m.effectiveCalls());
        r.r2 = (int) Math.round(2 * m.failureRate() * m.effectiveCalls());
        r.r3 = (int) (m.successfulCalls() + m.failedCalls());
    }
}
