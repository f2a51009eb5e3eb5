package dev.fluxgate.test;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import java.util.Objects;

/**
 * Plain assertions on a breaker's state and metrics, usable from any test framework: each failure
 * throws an {@link AssertionError} whose message shows the breaker's figures.
 *
 * <pre>{@code
 * BreakerAssert.assertThat(cb).isIn(State.OPEN).hasCalls(0).hasRejected(3);
 * }</pre>
 */
public final class BreakerAssert {

    private final CircuitBreaker breaker;

    private BreakerAssert(CircuitBreaker breaker) {
        this.breaker = Objects.requireNonNull(breaker, "breaker");
    }

    /**
     * Starts assertions on {@code breaker}.
     *
     * @param breaker the breaker to check
     * @return assertions on {@code breaker}
     */
    public static BreakerAssert assertThat(CircuitBreaker breaker) {
        return new BreakerAssert(breaker);
    }

    /**
     * Asserts the breaker is in {@code expected}.
     *
     * @param expected the state the breaker should be in
     * @return this, for more assertions
     */
    public BreakerAssert isIn(State expected) {
        State actual = breaker.state();
        if (actual != expected) {
            throw fail("state " + expected, actual);
        }
        return this;
    }

    /**
     * Asserts the window holds {@code expected} calls.
     *
     * @param expected the calls the window should hold
     * @return this, for more assertions
     */
    public BreakerAssert hasCalls(int expected) {
        int actual = breaker.metrics().calls();
        if (actual != expected) {
            throw fail(expected + " calls in the window", actual);
        }
        return this;
    }

    /**
     * Asserts the window holds {@code expected} failures.
     *
     * @param expected the failures the window should hold
     * @return this, for more assertions
     */
    public BreakerAssert hasFailures(int expected) {
        int actual = breaker.metrics().failures();
        if (actual != expected) {
            throw fail(expected + " failures in the window", actual);
        }
        return this;
    }

    /**
     * Asserts the breaker has rejected {@code expected} calls in its lifetime.
     *
     * @param expected the rejections since the breaker was built
     * @return this, for more assertions
     */
    public BreakerAssert hasRejected(long expected) {
        long actual = breaker.metrics().rejectedCalls();
        if (actual != expected) {
            throw fail(expected + " rejected calls", actual);
        }
        return this;
    }

    /**
     * Asserts the window's failure rate is {@code expected} within {@code tolerance}.
     *
     * @param expected the failure rate the window should show
     * @param tolerance the largest accepted difference
     * @return this, for more assertions
     */
    public BreakerAssert hasFailureRate(double expected, double tolerance) {
        double actual = breaker.metrics().failureRate();
        if (!(Math.abs(actual - expected) <= tolerance)) {
            throw fail("failure rate " + expected + " +/- " + tolerance, actual);
        }
        return this;
    }

    /**
     * Asserts the breaker has made {@code expected} transitions in its lifetime.
     *
     * @param expected the transitions since the breaker was built
     * @return this, for more assertions
     */
    public BreakerAssert hasTransitions(long expected) {
        long actual = breaker.metrics().transitions();
        if (actual != expected) {
            throw fail(expected + " transitions", actual);
        }
        return this;
    }

    private AssertionError fail(String expected, Object actual) {
        Metrics m = breaker.metrics();
        return new AssertionError("expected circuit breaker '" + breaker.name() + "' to have " + expected
                + " but was " + actual + " (state " + breaker.state() + ", " + m + ")");
    }
}
