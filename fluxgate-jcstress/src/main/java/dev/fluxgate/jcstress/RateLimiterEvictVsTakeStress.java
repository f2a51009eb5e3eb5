package dev.fluxgate.jcstress;

import dev.fluxgate.RateLimiter;
import java.time.Duration;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee: evicting an idle key never lets that key exceed its limit. A per-key limiter with burst 1
 * that evicts a key as soon as its bucket is full again; key {@code k} is tracked and full. One caller
 * takes its permit while a sweep evicts idle keys: whichever wins, the key has handed out one permit, so
 * a later caller of {@code k} is refused (a bucket evicted under a caller must not let that caller take
 * from it while a fresh one serves the next).
 */
@JCStressTest
@Outcome(id = {"1, 0, 0", "1, 1, 0"}, expect = Expect.ACCEPTABLE,
        desc = "the permit was taken, from the old bucket (not evicted) or from a fresh one (evicted first)")
@Outcome(id = {"1, 1, 1"}, expect = Expect.FORBIDDEN, desc = "taken from a bucket evicted under the caller: two permits")
@Outcome(expect = Expect.FORBIDDEN, desc = "a permit was lost or doubled")
@State
public class RateLimiterEvictVsTakeStress {

    final long[] now = {0};
    final RateLimiter.PerKey<String> perKey = RateLimiter.perKey(RateLimiter.builder("stress")
            .rate(1, Duration.ofSeconds(1)).burst(1).ticker(() -> now[0])).evictAfterIdle(Duration.ZERO).build();

    public RateLimiterEvictVsTakeStress() {
        perKey.tryAcquire("k"); // tracks k ...
        now[0] = 1_000_000_000L; // ... and full again, so idle at once
    }

    @Actor
    public void take(III_Result r) {
        r.r1 = perKey.tryAcquire("k") ? 1 : 0;
    }

    @Actor
    public void sweep(III_Result r) {
        r.r2 = perKey.evictIdle();
    }

    @Arbiter
    public void check(III_Result r) {
        r.r3 = perKey.tryAcquire("k") ? 1 : 0;
    }
}
