package dev.fluxgate;

import java.time.Duration;
import java.util.Optional;

/**
 * The figures of a breaker's sliding window, plus lifetime counters.
 *
 * <p>{@link CircuitBreaker#metrics()} returns an immutable snapshot, safe to hand to any thread.
 * {@link Tripper}s are asked with the breaker's live view, which is only read under the breaker's lock
 * and never escapes.
 *
 * <p><b>Consistency.</b> The window figures of a snapshot (calls, failures, rates, durations, the
 * streak, {@link #probesInUse()}) are read together under the breaker's lock and agree with one
 * another and with one generation of the state. The lifetime counters are read at the same moment but
 * some of them without stopping the callers that update them ({@link #rejectedCalls()},
 * {@link #ignoredCalls()} and the successes counted without the lock, which are striped counters), so
 * they may lead or lag the window figures by the calls in progress: a rejection or an ignored error
 * that is happening while the snapshot is taken may or may not be counted, and an outcome is counted
 * when it is recorded, not when its call returns. Once no call is in progress, every figure is exact.
 * A late (stale) outcome is counted in the lifetime counters only, never in the window.
 *
 * <p>Window figures ({@link #calls()}, {@link #failures()}, rates, durations, the failure streak)
 * cover the calls recorded in the current state since the last transition or reset (on a
 * {@link Window#decaying decaying} window each weighted by its age; see {@link #effectiveCalls()}). Lifetime
 * counters ({@link #successfulCalls()} and the like) count since the breaker was built.
 *
 * <p><b>Durations.</b> The window keeps durations only when its configuration uses them (a
 * {@link Tripper#slowRate} or {@link Tripper#avgLatency} rule, or a {@code slowCallThreshold});
 * {@link #durationsMeasured()} says which. A window that keeps none says so rather than reporting a
 * zero that looks like a measurement: {@link #averageDuration()} is empty and {@link #slowCalls} and
 * {@link #slowRate} throw {@link IllegalStateException}. Listeners and meters that hear completed calls
 * get their durations either way. On a measured window, an empty window has no average (empty), just as
 * its rates are {@link Double#NaN}.
 */
public interface Metrics {

    /**
     * Calls in the window: successes and tracked failures. Ignored errors are not recorded. On a
     * {@link Window#decaying decaying} window, the effective (weighted) count rounded down; see
     * {@link #effectiveCalls()}.
     *
     * @return the calls in the window
     */
    int calls();

    /**
     * Tracked failures in the window, including results judged failures by {@code failureOnResult}. On a
     * {@link Window#decaying decaying} window, their effective (weighted) count rounded down.
     *
     * @return the failures in the window
     */
    int failures();

    /**
     * The effective number of calls in the window: {@link #calls()} for a count or time window; for a
     * {@link Window#decaying decaying} window the sum of the calls' weights {@code 2^(-age / halfLife)},
     * a real number of which {@link #calls()} is the whole part. {@link Tripper#minRequests} compares
     * this figure, and the rates divide by it.
     *
     * @return the effective number of calls, 0 when the window is empty
     */
    default double effectiveCalls() {
        return calls();
    }

    /** {@return the successful calls in the window} */
    default int successes() {
        return calls() - failures();
    }

    /**
     * {@code failures() / calls()}, or {@link Double#NaN} when the window is empty. On a
     * {@link Window#decaying decaying} window, the effective failures over {@link #effectiveCalls()},
     * from the exact weighted sums.
     *
     * @return the failure rate, or NaN when the window is empty
     */
    default double failureRate() {
        int calls = calls();
        return calls == 0 ? Double.NaN : (double) failures() / calls;
    }

    /**
     * Calls in the window that took at least {@code threshold} (on a {@link Window#decaying decaying}
     * window, their effective count rounded down).
     *
     * @param threshold one of the breaker's {@link CircuitBreaker#slowCallThresholds()}
     * @return the slow calls in the window
     * @throws IllegalStateException if the window does not measure durations ({@link #durationsMeasured()}
     *     is false): it cannot tell a slow call from a fast one, and a 0 would read as "none were slow"
     * @throws IllegalArgumentException if the breaker does not track this threshold: a breaker
     *     tracks the thresholds of its {@link Tripper#slowRate} rules and its
     *     {@code slowCallThreshold} setting
     */
    int slowCalls(Duration threshold);

    /**
     * {@code slowCalls(threshold) / calls()}, or {@link Double#NaN} when the window is empty. On a
     * {@link Window#decaying decaying} window, the effective slow calls over {@link #effectiveCalls()},
     * from the exact weighted sums.
     *
     * @param threshold one of the breaker's {@link CircuitBreaker#slowCallThresholds()}
     * @return the share of slow calls in the window, or NaN
     * @throws IllegalStateException if the window does not measure durations, whether empty or not
     * @throws IllegalArgumentException if the breaker does not track this threshold, whether empty or not
     */
    default double slowRate(Duration threshold) {
        int slow = slowCalls(threshold); // first, so that an unmeasured window or unknown threshold fails even when empty
        int calls = calls();
        return calls == 0 ? Double.NaN : (double) slow / calls;
    }

    /**
     * Whether the window measures durations: true when the breaker's rules need them (a
     * {@link Tripper#slowRate} or {@link Tripper#avgLatency} rule, or a {@code slowCallThreshold}).
     * When false, {@link #averageDuration()} is empty and {@link #slowCalls} throws.
     *
     * @return whether the window measures durations
     */
    boolean durationsMeasured();

    /**
     * Mean duration of the calls in the window; empty when the window does not measure durations
     * ({@link #durationsMeasured()} is false) and when it holds no calls (there is no mean of nothing,
     * as the rates are {@link Double#NaN} then). On a {@link Window#decaying decaying} window, the mean
     * weighted by the calls' weights, rounded to the nanosecond.
     *
     * @return the mean duration, or empty
     */
    Optional<Duration> averageDuration();

    /** {@return the tracked failures in a row, most recent last; a success ends the streak} */
    int consecutiveFailures();

    /** {@return the successful calls since the breaker was built, including late (stale) outcomes} */
    long successfulCalls();

    /** {@return the tracked failures since the breaker was built, including late (stale) outcomes} */
    long failedCalls();

    /** {@return the errors the tracker did not count, since the breaker was built} */
    long ignoredCalls();

    /** {@return the calls rejected with {@link CallNotPermittedException} since the breaker was built} */
    long rejectedCalls();

    /**
     * Outcomes that arrived after the breaker had moved to a new generation and so were not windowed.
     *
     * @return the outcomes that arrived after the breaker had moved to a new generation, so were not
     *     windowed
     */
    long staleCalls();

    /** {@return the state transitions since the breaker was built} */
    long transitions();

    /**
     * Half-open probes currently in flight: admitted in the current half-open period and not yet
     * settled; 0 outside {@link State#HALF_OPEN}.
     *
     * @return the probes in flight
     */
    int probesInUse();

    /** {@return how long the breaker has been in its current state, on its ticker} */
    Duration timeInState();
}
