package dev.fluxgate;

import java.io.Serial;

/**
 * The mark of a fault that a {@link Chaos} policy injected on purpose. A {@link Chaos} throws it as
 * its default injected exception; when it throws an exception of the user's choosing instead (an
 * {@link java.io.IOException} to look like a broken downstream), it attaches a {@code ChaosException}
 * to it as a suppressed exception, so that {@link Chaos#isInjected(Throwable)} and a stack trace both
 * tell an injected fault from a real one.
 *
 * <p>Unlike a {@link RejectedException}, this is not a local rejection: it stands for a downstream
 * failure, so a breaker outside the {@code Chaos} counts it as a failure, which is the point of
 * injecting it.
 */
public class ChaosException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * An injected fault with {@code message}.
     *
     * @param message what was injected and by whom, e.g. {@code injected by Chaos 'payments'}
     */
    public ChaosException(String message) {
        super(message);
    }

    /**
     * An injected fault with {@code message}, with or without a stack trace (a marker attached to
     * another exception needs none: that exception has its own).
     *
     * @param message what was injected and by whom
     * @param writableStackTrace whether to fill in a stack trace
     */
    protected ChaosException(String message, boolean writableStackTrace) {
        super(message, null, true, writableStackTrace);
    }

    /** The stack-trace-free mark attached to a user's injected exception. */
    static final class Mark extends ChaosException {
        @Serial
        private static final long serialVersionUID = 1L;

        Mark(String message) {
            super(message, false);
        }
    }
}
