package dev.fluxgate.jcstress;

import dev.fluxgate.RateLimitedException;
import dev.fluxgate.RateLimiter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.JJJ_Result;

/**
 * Guarantee: callers that race to wait for permits reserve distinct ones, and their reservations count
 * against the rate. One permit per 100 ms, burst 1, the held permit taken before the race, time standing
 * still; two callers acquire with a maximum wait of 200 ms: they are told to wait 100 and 200 ms (in
 * total 300, the longer 200), and a caller after them is refused with a retry-after of 300 ms.
 */
@JCStressTest
@Outcome(id = "300, 200, 300", expect = Expect.ACCEPTABLE, desc = "two distinct reservations, the next permit after both")
@Outcome(id = "200, 100, 200", expect = Expect.FORBIDDEN, desc = "one permit reserved twice")
@Outcome(expect = Expect.FORBIDDEN, desc = "a reservation was lost or misplaced")
@State
public class RateLimiterReservationsStress {

    static final Runnable NOTHING = () -> { };

    final AtomicLong totalWait = new AtomicLong();
    final AtomicLong longestWait = new AtomicLong();
    final RateLimiter limiter = RateLimiter.builder("stress").rate(1, Duration.ofMillis(100)).burst(1)
            .ticker(() -> 0L).maxWait(Duration.ofMillis(200))
            .sleeper(nanos -> { // records the wait instead of waiting
                totalWait.addAndGet(nanos);
                longestWait.accumulateAndGet(nanos, Math::max);
            }).build();

    public RateLimiterReservationsStress() {
        limiter.tryAcquire();
    }

    @Actor
    public void first() {
        limiter.run(NOTHING);
    }

    @Actor
    public void second() {
        limiter.run(NOTHING);
    }

    @Arbiter
    public void check(JJJ_Result r) {
        r.r1 = totalWait.get() / 1_000_000;
        r.r2 = longestWait.get() / 1_000_000;
        try {
            limiter.run(NOTHING);
            r.r3 = 0;
        } catch (RateLimitedException e) {
            r.r3 = e.retryAfter().orElseThrow().toMillis();
        }
    }
}
