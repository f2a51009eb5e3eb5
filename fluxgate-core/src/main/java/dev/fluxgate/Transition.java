package dev.fluxgate;

import java.time.Instant;
import java.util.Objects;

/**
 * One move of a {@link CircuitBreaker} from one state to another, as passed to
 * {@link Listener#onTransition(Transition)}.
 *
 * @param breakerName the breaker that moved
 * @param from the state it left
 * @param to the state it entered
 * @param at when it was delivered to the listeners, from the breaker's {@link java.time.InstantSource}
 *     read just before the first listener hears it: at or shortly after the move (later when an earlier
 *     transition's listeners were still running); never earlier than the previous transition's, as long
 *     as the clock does not go backwards
 * @param metrics the window just before the move cleared it (the figures that tripped it)
 * @param reason a readable explanation, naming the rule that fired and its figures, for example
 *     {@code minRequests(10) and failureRate >= 0.5 (0.62 of 100 calls)}
 */
public record Transition(String breakerName, State from, State to, Instant at, Metrics metrics, String reason) {

    /**
     * Validates that no component is null.
     *
     * @param breakerName the breaker that moved
     * @param from the state it left
     * @param to the state it entered
     * @param at when it moved
     * @param metrics the window just before the move cleared it
     * @param reason a readable explanation, naming the rule that fired and its figures
     */
    public Transition {
        Objects.requireNonNull(breakerName, "breakerName");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
        return "CircuitBreaker '" + breakerName + "' " + from + " -> " + to + " at " + at + ": " + reason;
    }
}
