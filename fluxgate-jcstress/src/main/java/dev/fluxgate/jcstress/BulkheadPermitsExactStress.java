package dev.fluxgate.jcstress;

import dev.fluxgate.Bulkhead;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIII_Result;

/**
 * Guarantee: a bulkhead hands out exactly {@code maxConcurrentCalls} slots however callers race, and a
 * slot given back is taken again at most once. Three slots, one held and given back during the race;
 * two threads try twice each: exactly three slots are held at the end, none free, and every miss is
 * counted as a rejection.
 */
@JCStressTest
@Outcome(id = {"2, 1, 3, 1", "1, 2, 3, 1"}, expect = Expect.ACCEPTABLE,
        desc = "exactly three of four attempts got a slot, the fourth was rejected")
@Outcome(id = {"2, 2, 4, 0"}, expect = Expect.FORBIDDEN, desc = "four slots handed out for three")
@Outcome(expect = Expect.FORBIDDEN, desc = "a slot was lost or a rejection not counted")
@State
public class BulkheadPermitsExactStress {

    final Bulkhead bulkhead = Bulkhead.of("stress", 3);

    public BulkheadPermitsExactStress() {
        bulkhead.tryAcquirePermission();
    }

    @Actor
    public void first(IIII_Result r) {
        bulkhead.releasePermission(); // gives back the slot taken before the race
        r.r1 = (bulkhead.tryAcquirePermission() ? 1 : 0) + (bulkhead.tryAcquirePermission() ? 1 : 0);
    }

    @Actor
    public void second(IIII_Result r) {
        r.r2 = (bulkhead.tryAcquirePermission() ? 1 : 0) + (bulkhead.tryAcquirePermission() ? 1 : 0);
    }

    @Arbiter
    public void check(IIII_Result r) {
        r.r3 = bulkhead.concurrentCalls();
        r.r4 = (int) bulkhead.rejectedCalls();
    }
}
