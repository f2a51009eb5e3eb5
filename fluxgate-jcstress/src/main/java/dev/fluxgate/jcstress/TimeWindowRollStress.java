package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Guarantee: a time window rolls its buckets correctly while calls are recorded concurrently. A 2 s
 * window in 1 s buckets holds three failures from t=0; one thread moves time to t=2 s and records a
 * failure while another records a success. The old failures must have expired (exactly one failure
 * in the window), the new failure must be there, and the success is either expired with its bucket
 * (it read t=0) or counted.
 */
@JCStressTest
@Outcome(id = {"1, 1", "2, 1"}, expect = Expect.ACCEPTABLE, desc = "old bucket expired, new failure counted")
@Outcome(expect = Expect.FORBIDDEN, desc = "a stale bucket survived the roll or a new outcome was lost")
@State
public class TimeWindowRollStress {

    final Breakers.StressTicker ticker = new Breakers.StressTicker();
    final CircuitBreaker cb;

    public TimeWindowRollStress() {
        cb = CircuitBreaker.builder("stress")
                .window(Window.time(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .tripper(Tripper.failureStreak(100))
                .ticker(ticker)
                .build();
        for (int i = 0; i < 3; i++) {
            cb.recordError(cb.acquirePermission(), 0, Breakers.BOOM);
        }
    }

    @Actor
    public void rollAndFail() {
        ticker.advance(Duration.ofSeconds(2));
        cb.recordError(cb.acquirePermission(), 0, Breakers.BOOM);
    }

    @Actor
    public void succeed() {
        cb.recordSuccess(cb.acquirePermission(), 0);
    }

    @Arbiter
    public void check(II_Result r) {
        var m = cb.metrics();
        r.r1 = m.calls();
        r.r2 = m.failures();
    }
}
