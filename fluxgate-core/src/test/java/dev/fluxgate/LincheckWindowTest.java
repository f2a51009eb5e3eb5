package dev.fluxgate;

import java.io.IOException;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.annotations.Operation;
import org.jetbrains.kotlinx.lincheck.strategy.stress.StressOptions;
import org.junit.jupiter.api.Test;

/**
 * Linearizability (Lincheck) of a breaker's count window: concurrent successes (which may go through
 * the lock or a striped buffer), failures (always locked), {@code reset()} and metric reads behave as
 * if each happened atomically at one point, in an order consistent with real time. The window is
 * small (3 calls) so eviction is exercised; the tripper never fires, so the generation moves only
 * with {@code reset()}. Lifetime counters are not observed: they count a call admitted before a
 * {@code reset()} when it finishes (see LincheckBreakerTest). Lincheck's stress strategy is used:
 * its model checker cannot replay the breaker deterministically (striped buffers are picked by
 * identity hash) and 2.39 fails on record classes ("can't get base address on a record class").
 */
public class LincheckWindowTest {

    private final CircuitBreaker cb = CircuitBreaker.builder("lincheck")
            .window(Window.count(3))
            .tripper(Tripper.failureStreak(1000))
            .ticker(() -> 0L)
            .build();

    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: operations compare outcomes, not traces
    private static final IOException BOOM = new IOException("boom");

    /** Lincheck creates one instance per scenario. */
    public LincheckWindowTest() {
    }

    @Operation
    public void success() {
        cb.recordSuccess(cb.acquirePermission(), 0);
    }

    @Operation
    public void failure() {
        cb.recordError(cb.acquirePermission(), 0, BOOM);
    }

    @Operation
    public void reset() {
        cb.reset();
    }

    @Operation
    public String window() {
        Metrics m = cb.metrics();
        return m.calls() + "/" + m.failures() + "/" + m.consecutiveFailures();
    }

    @Test
    void countWindowIsLinearizableUnderStress() {
        LincheckSupport.assumeRuns();
        LinChecker.check(LincheckWindowTest.class, new StressOptions()
                .iterations(30).invocationsPerIteration(500).threads(3).actorsPerThread(3));
    }
}
