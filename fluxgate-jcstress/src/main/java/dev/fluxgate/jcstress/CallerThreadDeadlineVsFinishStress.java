package dev.fluxgate.jcstress;

import dev.fluxgate.Timeout;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Expect;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.III_Result;

/**
 * Guarantee of a timeout {@linkplain Timeout.Builder#onCallerThread() on the caller's thread}: a deadline
 * that fires while the call ends decides it exactly one way. Either the call ended in time (its value,
 * nothing counted) or the deadline won (a {@code TimeoutException}, counted once); in both cases the
 * caller's thread is not left interrupted. One actor makes the call; the other fires its deadline (the
 * task the timeout scheduled) at any moment during or after it.
 *
 * <p>Results: r1 = 0 value, 1 TimeoutException, 2 anything else; r2 = the caller's interrupt flag after the
 * call; r3 = timeouts counted.
 */
@JCStressTest
@Outcome(id = "0, 0, 0", expect = Expect.ACCEPTABLE, desc = "ended in time: the value, nothing counted, no interrupt")
@Outcome(id = "1, 0, 1", expect = Expect.ACCEPTABLE_INTERESTING,
        desc = "the deadline won: TimeoutException counted once, its interrupt taken back")
@Outcome(expect = Expect.FORBIDDEN, desc = "an interrupt outlived the call, or outcome and count disagree")
@State
public class CallerThreadDeadlineVsFinishStress {

    final CapturingScheduler scheduler = new CapturingScheduler();
    final Timeout timeout = Timeout.builder("stress").timeout(Duration.ofSeconds(1)).onCallerThread()
            .scheduler(scheduler).build();

    @Actor
    public void caller(III_Result r) {
        try {
            r.r1 = "ok".equals(timeout.call(() -> "ok")) ? 0 : 2;
        } catch (TimeoutException e) {
            r.r1 = 1;
        } catch (Exception e) {
            r.r1 = 2;
        }
        r.r2 = Thread.interrupted() ? 1 : 0; // also clears it, so no later test inherits it
    }

    @Actor
    public void deadline() {
        Runnable fire = scheduler.task;
        if (fire != null) {
            fire.run();
        }
    }

    @Arbiter
    public void arbiter(III_Result r) {
        r.r3 = (int) timeout.timeouts();
    }
}
