package dev.fluxgate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Thrown (or used to fail a future) when a {@link CircuitBreaker} rejects a call.
 *
 * <p>The exception carries no stack trace: a rejection is an expected, frequent event on a hot
 * path, and its cause is the breaker's state, not the caller's stack. Its message is built only
 * when asked for. Like every {@link RejectedException} it is a local decision, which a breaker
 * outside this one does not count as a failure.
 */
public final class CallNotPermittedException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /** The retry hint used when no automatic recovery is scheduled (manual cooldown, forced open). */
    public static final Duration NO_AUTOMATIC_RECOVERY = ChronoUnit.FOREVER.getDuration();

    private final String breakerName;
    private final State state;
    private final long retryAfterNanos;

    /**
     * Creates the exception.
     *
     * @param breakerName the name of the breaker that rejected the call
     * @param state the state it was in
     * @param retryAfter how long until it may admit a call again
     */
    public CallNotPermittedException(String breakerName, State state, Duration retryAfter) {
        this(breakerName, state, toNanos(retryAfter));
    }

    CallNotPermittedException(String breakerName, State state, long retryAfterNanos) {
        super(null);
        this.breakerName = Objects.requireNonNull(breakerName, "breakerName");
        this.state = Objects.requireNonNull(state, "state");
        this.retryAfterNanos = Math.max(0, retryAfterNanos);
    }

    private static long toNanos(Duration d) {
        Objects.requireNonNull(d, "retryAfter");
        return d.compareTo(NO_AUTOMATIC_RECOVERY) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }

    /** The name of the breaker that rejected the call. */
    public String breakerName() {
        return breakerName;
    }

    /** The state the breaker was in when it rejected the call. */
    public State state() {
        return state;
    }

    /**
     * How long until the breaker may admit a call again: while {@link State#OPEN}, exactly the
     * cooldown left on the breaker's ticker; {@link Duration#ZERO} in {@link State#HALF_OPEN}
     * (the probe slots free up as probes finish); {@link #NO_AUTOMATIC_RECOVERY} when only a
     * manual command can admit calls again (forced open, manual cooldown).
     */
    public Duration retryAfter() {
        return retryAfterNanos == Long.MAX_VALUE ? NO_AUTOMATIC_RECOVERY : Duration.ofNanos(retryAfterNanos);
    }

    @Override
    public String getMessage() {
        String wait = retryAfterNanos == Long.MAX_VALUE
                ? "until reset manually"
                : "retry after " + retryAfter();
        return "CircuitBreaker '" + breakerName + "' is " + state + " and does not permit further calls ("
                + wait + ")";
    }
}
