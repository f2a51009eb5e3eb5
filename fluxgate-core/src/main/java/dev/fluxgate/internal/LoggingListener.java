package dev.fluxgate.internal;

import dev.fluxgate.Listener;
import dev.fluxgate.State;
import dev.fluxgate.Transition;

/**
 * Logs transitions on a {@link System.Logger}: moves to OPEN and FORCED_OPEN at WARNING, others at
 * INFO. Made by {@code Listeners.logging()}; stateless and safe to share.
 */
public final class LoggingListener implements Listener {

    private final System.Logger logger;

    /**
     * Creates the listener.
     *
     * @param logger where to log
     */
    public LoggingListener(System.Logger logger) {
        this.logger = logger;
    }

    @Override
    public void onTransition(Transition transition) {
        State to = transition.to();
        System.Logger.Level level = to == State.OPEN || to == State.FORCED_OPEN
                ? System.Logger.Level.WARNING
                : System.Logger.Level.INFO;
        if (logger.isLoggable(level)) {
            logger.log(level, transition.toString()); // toString names the rule that fired and its figures
        }
    }

    @Override
    public String toString() {
        return "Listeners.logging(" + logger.getName() + ")";
    }
}
