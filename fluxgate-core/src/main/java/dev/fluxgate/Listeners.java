package dev.fluxgate;

import dev.fluxgate.internal.JfrListener;
import dev.fluxgate.internal.LoggingListener;
import java.util.Objects;

/**
 * Ready-made {@link Listener}s that need nothing outside the JDK.
 *
 * <pre>{@code
 * CircuitBreaker cb = CircuitBreaker.builder("payments")
 *     .listener(Listeners.logging())   // one line per transition on System.Logger
 *     .listener(Listeners.jfr())       // JDK Flight Recorder events
 *     .build();
 * }</pre>
 *
 * <p>Every listener returned here is stateless and safe to share between any number of breakers.
 */
public final class Listeners {

    private Listeners() {
    }

    /**
     * Logs every transition on the {@link System.Logger} named {@code dev.fluxgate.CircuitBreaker}:
     * moves to {@link State#OPEN} and {@link State#FORCED_OPEN} at {@code WARNING}, the others at
     * {@code INFO}, each line carrying the rule that fired and its figures, e.g.
     * {@code CircuitBreaker 'payments' CLOSED -> OPEN at 2026-01-01T10:00:00Z: minRequests(10) and
     * failureRate >= 0.5 (0.62 of 100 calls)}. It does not log per-call events.
     *
     * @return a listener that logs transitions
     */
    public static Listener logging() {
        return logging(System.getLogger("dev.fluxgate.CircuitBreaker"));
    }

    /**
     * Like {@link #logging()}, on the given logger.
     *
     * @param logger where the lines go
     * @return a listener that logs transitions
     */
    public static Listener logging(System.Logger logger) {
        return new LoggingListener(Objects.requireNonNull(logger, "logger"));
    }

    /**
     * Emits JDK Flight Recorder events: {@code dev.fluxgate.CircuitBreakerTransition} for every
     * transition (breaker, from, to, reason, the window's figures and the time spent in the state it
     * left) and {@code dev.fluxgate.CircuitBreakerRejection} for every rejected call (breaker, state).
     * Both are enabled by default in any recording; a rejection flood can be switched off with the
     * recording setting {@code +dev.fluxgate.CircuitBreakerRejection#enabled=false} (for example in
     * {@code -XX:StartFlightRecording:+dev.fluxgate.CircuitBreakerRejection#enabled=false,filename=app.jfr}).
     *
     * <p>Cost: when no recording is running an event costs one check. Because it listens to
     * rejections, a breaker with this listener receives per-call events and so measures call
     * durations (two clock reads per call).
     *
     * @return a listener that emits JFR events
     */
    public static Listener jfr() {
        return JfrListener.INSTANCE;
    }
}
