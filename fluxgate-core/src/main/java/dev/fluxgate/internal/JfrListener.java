package dev.fluxgate.internal;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Listener;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import dev.fluxgate.Transition;

/**
 * Emits {@link TransitionEvent}s and {@link RejectionEvent}s. Made by {@code Listeners.jfr()};
 * stateless and safe to share.
 */
public final class JfrListener implements Listener {

    /** The one instance: the listener has no state. */
    public static final JfrListener INSTANCE = new JfrListener();

    private JfrListener() {
    }

    @Override
    public void onTransition(Transition transition) {
        TransitionEvent e = new TransitionEvent();
        if (!e.isEnabled()) {
            return;
        }
        Metrics m = transition.metrics();
        e.breakerName = transition.breakerName();
        e.from = transition.from().name();
        e.to = transition.to().name();
        e.reason = transition.reason();
        e.calls = m.calls();
        e.failures = m.failures();
        e.failureRate = m.failureRate();
        e.timeInPreviousState = m.timeInState().toNanos();
        e.commit();
    }

    @Override
    public void onRejected(CircuitBreaker breaker, State state) {
        RejectionEvent e = new RejectionEvent();
        if (!e.isEnabled()) {
            return;
        }
        e.breakerName = breaker.name();
        e.state = state.name();
        e.commit();
    }

    @Override
    public String toString() {
        return "Listeners.jfr()";
    }
}
