package dev.fluxgate.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;
import org.jspecify.annotations.Nullable;

/** A JDK Flight Recorder event for one circuit breaker transition. */
@Name("dev.fluxgate.CircuitBreakerTransition")
@Label("Circuit Breaker Transition")
@Category({"Fluxgate", "Circuit Breaker"})
@Description("A circuit breaker moved from one state to another")
@StackTrace(false)
public final class TransitionEvent extends Event {

    /** Creates an event; {@link JfrListener} fills it in. */
    public TransitionEvent() {
    }

    // Null until JfrListener fills the event in.
    @Label("Breaker")
    @Nullable String breakerName;

    @Label("From")
    @Nullable String from;

    @Label("To")
    @Nullable String to;

    @Label("Reason")
    @Description("The rule that fired and its figures")
    @Nullable String reason;

    @Label("Calls")
    @Description("Calls in the window just before the move")
    int calls;

    @Label("Failures")
    @Description("Failures in the window just before the move")
    int failures;

    @Label("Failure Rate")
    @Description("Failures / calls in the window just before the move; NaN when it was empty")
    double failureRate;

    @Label("Time in Previous State")
    @Timespan(Timespan.NANOSECONDS)
    long timeInPreviousState;
}
