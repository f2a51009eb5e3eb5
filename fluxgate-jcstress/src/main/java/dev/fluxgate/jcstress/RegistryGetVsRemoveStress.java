package dev.fluxgate.jcstress;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.Registry;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.infra.results.II_Result;

/**
 * Guarantee: a remove racing the first get of a name either comes first (removes nothing; the get's
 * instance stays) or comes after (removes exactly the get's instance). Regression: a remove that took
 * the slot's lock before the creating get did "removed" the not-yet-built instance and threw a
 * NullPointerException.
 */
@JCStressTest
@Outcome(id = "0, 1", expect = Expect.ACCEPTABLE, desc = "remove first: nothing removed, the get's instance is present")
@Outcome(id = "1, 0", expect = Expect.ACCEPTABLE, desc = "get first: remove removed the get's instance")
@Outcome(expect = Expect.FORBIDDEN, desc = "remove threw, removed another instance, or the registry kept the wrong one")
@org.openjdk.jcstress.annotations.State
public class RegistryGetVsRemoveStress {

    final Registry<Bulkhead, Bulkhead.Builder> registry = Registry.ofBulkheads();
    @Nullable Bulkhead got;
    @Nullable Bulkhead removed;
    boolean removeThrew;

    @Actor
    public void get() {
        got = registry.get("x");
    }

    @Actor
    public void remove() {
        try {
            removed = registry.remove("x").orElse(null);
        } catch (RuntimeException e) {
            removeThrew = true;
        }
    }

    @Arbiter
    public void check(II_Result r) {
        // r1: 0 nothing removed, 1 the get's instance, 2 another one, 3 remove threw.
        r.r1 = removeThrew ? 3 : removed == null ? 0 : removed == got ? 1 : 2;
        // r2: 0 the name is absent, 1 the get's instance is present, 2 another one is.
        Optional<Bulkhead> present = registry.find("x");
        r.r2 = present.isEmpty() ? 0 : present.get() == got ? 1 : 2;
    }
}
