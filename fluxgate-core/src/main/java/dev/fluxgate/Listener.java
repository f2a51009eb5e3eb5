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
 * <p><b>Transitions</b> reach each listener once, in the order the breaker made them (the order of
 * their generations), one at a time, after the new state is visible, and with no lock held. A breaker
 * delivers its transitions from a queue, one thread at a time: the thread that caused a transition (a
 * call, a command, or a read of {@code state()}/{@code metrics()} that made a due OPEN to HALF_OPEN
 * move) delivers it, unless another thread is already delivering an earlier transition of the same
 * breaker; that thread then delivers this one too, after the earlier ones. So:
 * <ul>
 *   <li>{@code onTransition} runs in the thread that caused the transition, or in the thread already
 *       delivering an earlier transition of the same breaker;</li>
 *   <li>the caller whose call or command caused a transition may return before that transition's
 *       listeners have run, when another thread is delivering (it never waits for them);</li>
 *   <li>a listener that calls back into its breaker (for example {@code reset()} on OPEN) hears the
 *       transition it caused after the current one has reached every listener, on the same thread,
 *       not nested inside it;</li>
 *   <li>a listener must not wait for another transition of the same breaker to be delivered: that
 *       transition is delivered only after the waiting listener returns.</li>
 * </ul>
 * Each transition goes to the listeners registered when it is delivered, in the order they were added.
 *
 * <p><b>Per-call events</b> ({@code onSuccess}, {@code onFailure}, {@code onIgnored},
 * {@code onRejected}) run synchronously in the thread that settled or was refused the call, with no
 * lock held, and are not ordered against transitions made by other threads.
 *
 * <p>A listener that throws anything, an {@link Error} included, is logged at {@code WARNING} on the
 * {@link System.Logger} {@code dev.fluxgate.CircuitBreaker} and disturbs neither the breaker, nor the
 * caller, nor the other listeners. Keep listeners short: they run on callers' threads.
 *
 * <p>Memory consistency effects: actions of the thread that made a transition, before it made it,
 * happen-before the {@code onTransition} calls for that transition, and each {@code onTransition}
 * call happens-before the calls for the next transition of the same breaker, whichever threads run
 * them. Actions in a thread prior to settling or being refused a call happen-before its per-call
 * events, which run in that thread.
 */
@FunctionalInterface
public interface Listener {

    /**
     * Called once for every state transition, in the order the breaker made them, and for each
     * transition in the order listeners were added; see the class comment for the thread it runs in.
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

    /**
     * Called once after {@link CircuitBreaker#reconfigure} replaced the breaker's configuration, in the
     * thread that reconfigured it, after the new configuration is in effect and any transition the new
     * rules made at once has been queued; not ordered against transitions or calls of other threads.
     * A listener that throws is logged and ignored like any other.
     *
     * @param reconfiguration what changed, what carried over and what started afresh
     */
    default void onReconfigured(Reconfiguration reconfiguration) {
    }
}
