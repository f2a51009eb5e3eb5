package dev.fluxgate;

import org.jspecify.annotations.Nullable;

/**
 * Receives a breaker's state transitions and, optionally, its per-call events.
 *
 * <p>Most users pass a lambda for {@link #onTransition(Transition)}. Integrations (meters,
 * tracing) also override the per-call methods; a breaker delivers per-call events only to listeners
 * that override at least one of them, and reads the clock around calls only while some listener
 * overrides {@code onSuccess}, {@code onFailure} or {@code onIgnored}.
 *
 * <p>Listeners run synchronously in the thread whose call or command caused the event, after the
 * new state is visible and outside any lock. A listener that throws is logged through
 * {@link System.Logger} and disturbs neither the breaker, nor the caller, nor the other listeners.
 * Keep them short: they run on the caller's thread.
 */
@FunctionalInterface
public interface Listener {

    /**
     * Called once for every state transition, in the order listeners were added.
     *
     * @param transition what changed, and why
     */
    void onTransition(Transition transition);

    /**
     * Called after a call succeeded and was recorded.
     *
     * @param breaker the breaker
     * @param durationNanos how long the call took on the breaker's ticker
     */
    default void onSuccess(CircuitBreaker breaker, long durationNanos) {
    }

    /**
     * Called after a call failed (a tracked exception, or a result judged a failure) and was recorded.
     *
     * @param breaker the breaker
     * @param durationNanos how long the call took on the breaker's ticker
     * @param failure the exception, or {@code null} when the result was judged a failure
     */
    default void onFailure(CircuitBreaker breaker, long durationNanos, @Nullable Throwable failure) {
    }

    /**
     * Called after a call threw an exception that the tracker does not count.
     *
     * @param breaker the breaker
     * @param durationNanos how long the call took on the breaker's ticker
     * @param error the exception
     */
    default void onIgnored(CircuitBreaker breaker, long durationNanos, Throwable error) {
    }

    /**
     * Called when a call was rejected.
     *
     * @param breaker the breaker
     * @param state the state that rejected it
     */
    default void onRejected(CircuitBreaker breaker, State state) {
    }
}
