package dev.fluxgate.jcstress;

import dev.fluxgate.Bulkhead;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: {@link Bulkhead#permittedCalls()} counts every admission exactly once, also when racing
 * admissions cross the point where the count kept in the slots' state word (256 at a time) is flushed to
 * its counter. 254 admissions are made before the race, so the four racing ones pass 255 and 256.
 */
@JCStressTest
@Outcome(id = {"2, 2, 258"}, expect = Expect.ACCEPTABLE, desc = "four admissions, all counted once")
@Outcome(expect = Expect.FORBIDDEN, desc = "an admission was lost or counted twice")
@State
public class BulkheadPermittedCountStress {

    final Bulkhead bulkhead = Bulkhead.of("stress", 5);

    public BulkheadPermittedCountStress() {
        for (int i = 0; i < 254; i++) {
            bulkhead.tryAcquirePermission();
            bulkhead.releasePermission();
        }
    }

    @Actor
    public void first(III_Result r) {
        r.r1 = (bulkhead.tryAcquirePermission() ? 1 : 0) + (bulkhead.tryAcquirePermission() ? 1 : 0);
    }

    @Actor
    public void second(III_Result r) {
        r.r2 = (bulkhead.tryAcquirePermission() ? 1 : 0) + (bulkhead.tryAcquirePermission() ? 1 : 0);
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = (int) bulkhead.permittedCalls();
    }
}
