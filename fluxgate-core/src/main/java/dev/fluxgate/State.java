package dev.fluxgate;

/**
 * The state of a {@link CircuitBreaker}.
 *
 * <p>{@link #CLOSED}, {@link #OPEN} and {@link #HALF_OPEN} are the automatic states the breaker
 * moves between by itself. {@link #METRICS_ONLY}, {@link #DISABLED} and {@link #FORCED_OPEN} are
 * entered and left only by a manual command ({@link CircuitBreaker#metricsOnly()},
 * {@link CircuitBreaker#disable()}, {@link CircuitBreaker#forceOpen()},
 * {@link CircuitBreaker#reset()}).
 */
public enum State {
    /** Calls run and are recorded; the tripper decides after each record whether to open. */
    CLOSED,
    /**
     * Calls are rejected until the cooldown has passed; then the first call, or the first read of the
     * state or metrics, moves the breaker to {@link #HALF_OPEN}.
     */
    OPEN,
    /**
     * At most {@code maxHalfOpenCalls} probe calls run in this period; their outcomes close or reopen
     * the breaker.
     */
    HALF_OPEN,
    /** Calls run and are recorded, but the breaker never changes state by itself. */
    METRICS_ONLY,
    /** Calls pass straight through; nothing is recorded. */
    DISABLED,
    /** Every call is rejected until a manual command. */
    FORCED_OPEN
}
