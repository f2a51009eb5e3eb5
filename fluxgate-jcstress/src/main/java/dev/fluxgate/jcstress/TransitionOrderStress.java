package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Listener;
import dev.fluxgate.Transition;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Guarantee: listeners hear a breaker's transitions in the order it made them. A reader makes the
 * OPEN to HALF_OPEN move after the cooldown while a caller takes the one probe slot (making that move
 * itself if it comes first) and fails, which reopens the breaker: the listener hears HALF_OPEN, then
 * OPEN, each transition starting where the previous one ended. (The HALF_OPEN move used to be
 * published after its compare-and-set, outside any lock, and could be heard after the reopening.)
 */
@JCStressTest
@Outcome(id = "1221, 2", expect = Expect.ACCEPTABLE, desc = "OPEN -> HALF_OPEN, then HALF_OPEN -> OPEN")
@Outcome(expect = Expect.FORBIDDEN, desc = "transitions heard out of order, twice, or lost")
@org.openjdk.jcstress.annotations.State
public class TransitionOrderStress {

    final Breakers.StressTicker ticker = new Breakers.StressTicker();
    final Queue<Transition> heard = new ConcurrentLinkedQueue<>();
    final CircuitBreaker cb;

    public TransitionOrderStress() {
        Listener listener = heard::add;
        cb = Breakers.tripsOnFirstFailure(ticker)
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
                .maxHalfOpenCalls(1)
                .listener(listener)
                .build();
        Breakers.trip(cb);
        heard.clear();
        ticker.advance(Duration.ofSeconds(1));
    }

    @Actor
    public void reader() {
        cb.state();
    }

    @Actor
    public void prober() {
        long p = cb.tryAcquirePermission();
        if (p != CircuitBreaker.NO_PERMISSION) {
            cb.recordError(p, 0, Breakers.BOOM);
        }
    }

    @Arbiter
    public void check(II_Result r) {
        int sequence = 0;
        for (Transition t : heard) {
            sequence = sequence * 100 + t.from().ordinal() * 10 + t.to().ordinal(); // OPEN -> HALF_OPEN reads 12
        }
        r.r1 = sequence;
        r.r2 = heard.size();
    }
}
