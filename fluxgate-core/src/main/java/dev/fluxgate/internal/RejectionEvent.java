package dev.fluxgate.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import org.jspecify.annotations.Nullable;

/** A JDK Flight Recorder event for one call a circuit breaker rejected. */
@Name("dev.fluxgate.CircuitBreakerRejection")
@Label("Circuit Breaker Rejection")
@Category({"Fluxgate", "Circuit Breaker"})
@Description("A circuit breaker rejected a call with CallNotPermittedException")
@StackTrace(false)
public final class RejectionEvent extends Event {

    /** Creates an event; {@link JfrListener} fills it in. */
    public RejectionEvent() {
    }

    // Null until JfrListener fills the event in.
    @Label("Breaker")
    @Nullable String breakerName;

    @Label("State")
    @Description("The state that rejected the call")
    @Nullable String state;
}
