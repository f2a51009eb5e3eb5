package dev.fluxgate;

import java.util.Objects;

/**
 * Thrown (or used to fail a future) when a {@link Bulkhead} has no free slot within its maximum
 * wait, or a {@link ThreadPoolBulkhead}'s queue is full.
 *
 * <p>Like {@link CallNotPermittedException}, it carries no stack trace: a rejection is an
 * expected event under load and its cause is the bulkhead's state, not the caller's stack. Like
 * every {@link RejectedException} it is a local decision, which a breaker outside the bulkhead does
 * not count as a failure.
 */
public final class BulkheadFullException extends RejectedException {

    private static final long serialVersionUID = 1L;

    private final String bulkheadName;

    /**
     * Creates the exception.
     *
     * @param bulkheadName the bulkhead that rejected the call
     * @param message what was full
     */
    public BulkheadFullException(String bulkheadName, String message) {
        super(message);
        this.bulkheadName = Objects.requireNonNull(bulkheadName, "bulkheadName");
    }

    /** {@return the name of the bulkhead that rejected the call} */
    public String bulkheadName() {
        return bulkheadName;
    }
}
