package dev.fluxgate;

import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A breaker's listeners as one immutable value: every listener (for transitions), those that hear
 * per-call events, and whether the breaker must time its calls (its rules need durations, or some
 * listener hears completed calls). The breaker holds it in one volatile field and replaces it whole,
 * so a reader never sees the three out of step. Safe to share between threads.
 *
 * <p>{@link #dispatch} is the one loop that tells listeners about anything, under the one rule for
 * plugged-in code ({@link Plugged}): a listener that throws, an {@link Error} included, is logged at
 * {@code WARNING} and the others still hear the event.
 */
final class ListenerSnapshot {

    /** What happened: picks the {@link Listener} method {@link #dispatch} calls. */
    enum Event {
        TRANSITION, SUCCESS, FAILURE, IGNORED, REJECTED
    }

    private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());
    private static final Listener[] NONE = new Listener[0];

    /** Every listener, in the order added. */
    final Listener[] all;
    /** The listeners that override a per-call method, in the order added. */
    final Listener[] calls;
    /** Whether calls must be timed: the configuration needs durations, or a listener hears completed calls. */
    final boolean timed;
    private final boolean configTimed;

    private ListenerSnapshot(Listener[] all, boolean configTimed) {
        this.all = all;
        this.calls = Arrays.stream(all).filter(ListenerSnapshot::wantsCallEvents).toArray(Listener[]::new);
        this.configTimed = configTimed;
        this.timed = configTimed || needDurations(calls);
    }

    /** The snapshot of {@code listeners}, for a breaker whose rules need durations when {@code configTimed}. */
    static ListenerSnapshot of(Listener[] listeners, boolean configTimed) {
        return new ListenerSnapshot(listeners.clone(), configTimed);
    }

    /** This snapshot with {@code listener} added last. */
    ListenerSnapshot with(Listener listener) {
        Listener[] ls = Arrays.copyOf(all, all.length + 1);
        ls[all.length] = Objects.requireNonNull(listener, "listener");
        return new ListenerSnapshot(ls, configTimed);
    }

    /** This snapshot without the first listener equal to {@code listener}; this one itself if there is none. */
    ListenerSnapshot without(Listener listener) {
        for (int i = 0; i < all.length; i++) {
            if (all[i].equals(listener)) {
                Listener[] ls = new Listener[all.length - 1];
                System.arraycopy(all, 0, ls, 0, i);
                System.arraycopy(all, i + 1, ls, i, all.length - i - 1);
                return new ListenerSnapshot(ls, configTimed);
            }
        }
        return this;
    }

    /** This snapshot for rules that need durations when {@code configTimed} (a reconfigured breaker); this one if unchanged. */
    ListenerSnapshot withConfigTimed(boolean configTimed) {
        return configTimed == this.configTimed ? this : new ListenerSnapshot(all, configTimed);
    }

    /** Tells every listener about a reconfiguration, under the one rule for plugged-in code. */
    static void reconfigured(Listener[] listeners, CircuitBreaker breaker, Reconfiguration reconfiguration) {
        for (Listener l : listeners) {
            try {
                l.onReconfigured(reconfiguration);
            } catch (Throwable thrown) {
                Plugged.failed(LOG, Plugged.owner("CircuitBreaker", breaker.name()), "listener", l, "ignored", thrown);
            }
        }
    }

    /** This snapshot with no listeners. */
    ListenerSnapshot empty() {
        return new ListenerSnapshot(NONE, configTimed);
    }

    /**
     * Tells every listener in {@code listeners} about one event, in order: the one dispatch loop for
     * every kind of event. Allocates nothing. The arguments an event does not use are ignored (and may
     * be null); the ones it uses are never null, except a FAILURE's error for a result judged a failure.
     */
    static void dispatch(Listener[] listeners, Event event, CircuitBreaker breaker, @Nullable Transition transition,
            long durationNanos, @Nullable Throwable error, @Nullable State state) {
        for (Listener l : listeners) {
            try {
                switch (event) {
                    case TRANSITION -> l.onTransition(Objects.requireNonNull(transition, "transition"));
                    case SUCCESS -> l.onSuccess(breaker, durationNanos);
                    case FAILURE -> l.onFailure(breaker, durationNanos, error);
                    case IGNORED -> l.onIgnored(breaker, durationNanos, Objects.requireNonNull(error, "error"));
                    case REJECTED -> l.onRejected(breaker, Objects.requireNonNull(state, "state"));
                }
            } catch (Throwable thrown) {
                Plugged.failed(LOG, Plugged.owner("CircuitBreaker", breaker.name()), "listener", l, "ignored", thrown);
            }
        }
    }

    /** Whether a listener overrides any per-call method (so that it needs call events). */
    static boolean wantsCallEvents(Listener l) {
        return overrides(l, "onSuccess", CircuitBreaker.class, long.class)
                || overrides(l, "onFailure", CircuitBreaker.class, long.class, Throwable.class)
                || overrides(l, "onIgnored", CircuitBreaker.class, long.class, Throwable.class)
                || overrides(l, "onRejected", CircuitBreaker.class, State.class);
    }

    /** Whether any of these listeners hears completed calls, whose durations must then be measured. */
    private static boolean needDurations(Listener[] ls) {
        for (Listener l : ls) {
            if (overrides(l, "onSuccess", CircuitBreaker.class, long.class)
                    || overrides(l, "onFailure", CircuitBreaker.class, long.class, Throwable.class)
                    || overrides(l, "onIgnored", CircuitBreaker.class, long.class, Throwable.class)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overrides(Listener l, String method, Class<?>... parameters) {
        try {
            return l.getClass().getMethod(method, parameters).getDeclaringClass() != Listener.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
