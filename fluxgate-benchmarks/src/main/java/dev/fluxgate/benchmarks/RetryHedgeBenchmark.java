package dev.fluxgate.benchmarks;

import static dev.fluxgate.benchmarks.Breakers.DONE;
import static dev.fluxgate.benchmarks.Breakers.VALUE;

import dev.fluxgate.Backoff;
import dev.fluxgate.Hedge;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryBudget;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The paths that cost something only when nothing goes wrong: a retry whose first attempt succeeds,
 * with and without a {@link RetryBudget} (the budget's overhead on the no-retry path: a read of a full
 * balance), and a hedge that is not needed (the first attempt answers long before the delay) against a
 * plain call. Every thread shares one retry, one budget and one hedge. Method names read
 * {@code case_implementation}; {@code report.py} groups them by case.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@org.openjdk.jmh.annotations.State(Scope.Benchmark)
public class RetryHedgeBenchmark {

    /** The task of the synchronous cases, as a {@code Callable} (a constant: no call allocates it). */
    public static final Callable<Object> CALLABLE = () -> VALUE;

    Retry plainRetry;
    Retry budgetedRetry;
    RetryBudget budget;
    Hedge hedge;

    /** Builds the retries, the budget (full) and the hedge (its delay far beyond any call here). */
    @Setup
    public void setUp() {
        plainRetry = Retry.builder("plain").maxAttempts(3).backoff(Backoff.none()).build();
        budget = RetryBudget.builder("budget").ratio(0.2).minRetriesPerSecond(10).maxTokens(100).build();
        budgetedRetry = Retry.builder("budgeted").maxAttempts(3).backoff(Backoff.none()).budget(budget).build();
        hedge = Hedge.builder("hedge").delay(Duration.ofSeconds(10)).build();
    }

    /** No case may have retried, hedged, or spent budget. */
    @TearDown
    public void verify() {
        Breakers.check(plainRetry.retries() == 0 && budgetedRetry.retries() == 0, "no retry ran");
        Breakers.check(budget.admittedRetries() == 0 && budget.rejectedRetries() == 0, "the budget was not asked");
        Breakers.check(hedge.hedgedAttempts() == 0, "no hedge started");
    }

    /**
     * A retry without a budget, first attempt succeeds: the baseline of the budget's overhead.
     *
     * @return the task's value
     * @throws Exception never: the task succeeds
     */
    @Benchmark
    public Object retryNoRetry_noBudget() throws Exception {
        return plainRetry.call(CALLABLE);
    }

    /**
     * The same retry drawing on a (full) budget: the first attempt's deposit is a read.
     *
     * @return the task's value
     * @throws Exception never: the task succeeds
     */
    @Benchmark
    public Object retryNoRetry_fluxgate() throws Exception {
        return budgetedRetry.call(CALLABLE);
    }

    /**
     * The task called directly, on the caller's thread.
     *
     * @return the task's value
     * @throws Exception never: the task succeeds
     */
    @Benchmark
    public Object hedgeNotNeeded_direct() throws Exception {
        return CALLABLE.call();
    }

    /**
     * A hedge that is not needed, synchronous: the attempt runs on the hedge's executor (a thread hand-off
     * there and back) and answers before the delay.
     *
     * @return the task's value
     * @throws Exception never: the task succeeds
     */
    @Benchmark
    public Object hedgeNotNeeded_fluxgate() throws Exception {
        return hedge.call(CALLABLE);
    }

    /**
     * An already-completed stage, joined directly.
     *
     * @return the stage's value
     */
    @Benchmark
    public Object hedgeNotNeededAsync_direct() {
        return DONE.join();
    }

    /**
     * A hedge that is not needed, asynchronous: the stage is complete, so no timer is even scheduled.
     *
     * @return the stage's value
     */
    @Benchmark
    public Object hedgeNotNeededAsync_fluxgate() {
        return hedge.callAsync(() -> DONE).join();
    }
}
