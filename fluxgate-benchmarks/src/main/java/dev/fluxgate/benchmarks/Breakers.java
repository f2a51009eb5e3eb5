package dev.fluxgate.benchmarks;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeExecutor;
import dev.failsafe.function.CheckedSupplier;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Window;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The breakers under test, configured alike: a window of the last 100 calls (or of 60 s), a 50%
 * failure-rate threshold over at least 100 calls (so 10% failures never trip), a 60 s wait in OPEN
 * unless a case needs another. Each peer is configured at its best: Resilience4j without stack traces
 * on its rejection exception (Fluxgate's has none either), Failsafe with a direct executor for
 * asynchronous calls (so that no thread hand-off is measured).
 */
public final class Breakers {

    /** The value every benchmarked task returns. */
    public static final Object VALUE = new Object();
    /** The task every benchmark runs: returns {@link #VALUE}. */
    public static final Supplier<Object> TASK = () -> VALUE;
    /** The exception a failing task throws: preallocated and stackless, so only the breaker's cost shows. */
    @SuppressWarnings("StaticAssignmentOfThrowable") // preallocated on purpose: see above
    public static final RuntimeException FAILURE = new Failure();
    /** A task that fails with {@link #FAILURE}. */
    public static final Supplier<Object> FAILING = () -> {
        throw FAILURE;
    };
    /** {@link #TASK} as Failsafe's supplier type (a constant, so that no call allocates a method reference). */
    public static final CheckedSupplier<Object> FAILSAFE_TASK = () -> VALUE;
    /** {@link #FAILING} as Failsafe's supplier type. */
    public static final CheckedSupplier<Object> FAILSAFE_FAILING = () -> {
        throw FAILURE;
    };
    /** An already-completed stage, for the asynchronous path. */
    public static final CompletableFuture<Object> DONE = CompletableFuture.completedFuture(VALUE);

    /** The wait in OPEN for the cases that must stay OPEN: longer than any run. */
    public static final Duration LONG_WAIT = Duration.ofHours(1);

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int WINDOW = 100;

    private Breakers() {
    }

    // ---- Fluxgate ----

    /**
     * Fluxgate with a count window of 100 (the documented defaults, spelled out).
     *
     * @return a builder; the benchmark builds it
     */
    public static CircuitBreaker.Builder fluxgateCount() {
        return CircuitBreaker.builder("bench")
                .window(Window.count(WINDOW))
                .tripper(dev.fluxgate.Tripper.minRequests(WINDOW).and(dev.fluxgate.Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(WAIT));
    }

    /**
     * Fluxgate with a time window of {@code span}.
     *
     * @param span how far back the window reaches
     * @return a builder; the benchmark builds it
     */
    public static CircuitBreaker.Builder fluxgateTime(Duration span) {
        return fluxgateCount().window(Window.time(span));
    }

    /**
     * Fluxgate with a decaying window whose half-life is 60 s * ln 2 (41.6 s): it weighs the past as much,
     * in total, as a time window of 60 s.
     *
     * @return a builder for that breaker
     */
    public static CircuitBreaker.Builder fluxgateDecaying() {
        return fluxgateCount().window(Window.decaying(Duration.ofMillis(41_589)));
    }

    // ---- Resilience4j ----

    /**
     * Resilience4j with a count window of 100 and the given window synchronization strategy.
     *
     * @param strategy the window's synchronization strategy
     * @return a config builder
     */
    public static CircuitBreakerConfig.Builder r4jCount(SlidingWindowSynchronizationStrategy strategy) {
        return r4jCount(strategy, WAIT);
    }

    /**
     * As {@link #r4jCount(SlidingWindowSynchronizationStrategy)}, waiting {@code wait} in OPEN (it may be
     * set once only).
     *
     * @param strategy the window's synchronization strategy
     * @param wait how long OPEN waits
     * @return a config builder
     */
    public static CircuitBreakerConfig.Builder r4jCount(SlidingWindowSynchronizationStrategy strategy, Duration wait) {
        return CircuitBreakerConfig.custom()
                .slidingWindow(WINDOW, WINDOW, SlidingWindowType.COUNT_BASED, strategy)
                .failureRateThreshold(50)
                .waitDurationInOpenState(wait)
                .writableStackTraceEnabled(false);
    }

    /**
     * Resilience4j with a time window of 60 s.
     *
     * @param strategy the window's synchronization strategy
     * @return a config builder
     */
    public static CircuitBreakerConfig.Builder r4jTime(SlidingWindowSynchronizationStrategy strategy) {
        return r4jCount(strategy).slidingWindow(60, WINDOW, SlidingWindowType.TIME_BASED, strategy);
    }

    /**
     * Builds a Resilience4j breaker.
     *
     * @param config the configuration
     * @return a new breaker, CLOSED
     */
    public static io.github.resilience4j.circuitbreaker.CircuitBreaker r4j(CircuitBreakerConfig.Builder config) {
        return io.github.resilience4j.circuitbreaker.CircuitBreaker.of("bench", config.build());
    }

    // ---- Failsafe ----

    /**
     * Failsafe with a count window of 100: opens at 50 failures of the last 100 executions.
     *
     * @return a builder; the benchmark builds it
     */
    public static dev.failsafe.CircuitBreakerBuilder<Object> failsafeCount() {
        return dev.failsafe.CircuitBreaker.builder()
                .withFailureThreshold(WINDOW / 2, WINDOW)
                .withDelay(WAIT);
    }

    /**
     * Failsafe with a time window of 60 s: opens at a 50% failure rate over at least 100 executions.
     *
     * @return a builder; the benchmark builds it
     */
    public static dev.failsafe.CircuitBreakerBuilder<Object> failsafeTime() {
        return dev.failsafe.CircuitBreaker.builder()
                .withFailureRateThreshold(50, WINDOW, Duration.ofSeconds(60))
                .withDelay(WAIT);
    }

    /**
     * The executor Failsafe runs calls with; asynchronous stages complete on the calling thread.
     *
     * @param breaker the breaker calls run through
     * @return an executor around {@code breaker}
     */
    public static FailsafeExecutor<Object> failsafe(dev.failsafe.CircuitBreaker<Object> breaker) {
        return Failsafe.with(breaker).with((Executor) Runnable::run);
    }

    /**
     * Fails {@code n} calls through each breaker's own API (to trip it the way users would).
     *
     * @param n the calls to fail
     * @param fluxgate the Fluxgate breaker
     * @param r4j the Resilience4j breaker
     * @param failsafe the Failsafe breaker
     */
    public static void fail(@Nullable CircuitBreaker fluxgate,
            io.github.resilience4j.circuitbreaker.@Nullable CircuitBreaker r4j,
            dev.failsafe.@Nullable CircuitBreaker<Object> failsafe, int n) {
        for (int i = 0; i < n; i++) {
            if (fluxgate != null) {
                long p = fluxgate.tryAcquirePermission();
                if (p >= 0) {
                    fluxgate.recordError(p, 0, FAILURE);
                }
            }
            if (r4j != null && r4j.tryAcquirePermission()) {
                r4j.onError(0, java.util.concurrent.TimeUnit.NANOSECONDS, FAILURE);
            }
            if (failsafe != null && failsafe.tryAcquirePermit()) {
                failsafe.recordFailure();
            }
        }
    }

    /**
     * Throws unless {@code condition} holds: a benchmark whose breakers are not in the state it measures
     * is wrong.
     *
     * @param condition what must hold
     * @param what the state expected, for the exception's message
     */
    public static void check(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("benchmark misconfigured: " + what);
        }
    }

    /** The stackless failure the failing tasks throw. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure() {
            super("simulated failure", null, false, false);
        }
    }
}
