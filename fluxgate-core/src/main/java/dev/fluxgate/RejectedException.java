package dev.fluxgate;

import org.jspecify.annotations.Nullable;

/**
 * A local decision of a Fluxgate policy not to run a call: a {@link CircuitBreaker} that does not
 * permit it ({@link CallNotPermittedException}), a {@link Bulkhead} or {@link ThreadPoolBulkhead}
 * that is full ({@link BulkheadFullException}), and later a rate limiter that is out of permits. It
 * is <em>not</em> a failure of the downstream: the call never reached it.
 *
 * <p>That is why a {@link CircuitBreaker} does not count a rejection that comes out of the policies
 * inside it (a bulkhead below the breaker, an inner breaker) as a failure: it gives the permit
 * back and counts the call as ignored, as for an exception its {@link Tracker} does not track.
 * Otherwise a burst that merely fills a bulkhead would open the breaker and reject every caller.
 * {@link CircuitBreaker.Builder#trackLocalRejections(boolean)} restores the old view, where the
 * tracker judges rejections like any other exception.
 *
 * <p>Catch this type to handle every kind of rejection alike (a fallback, an HTTP 503). Rejections
 * are frequent under load, so they carry no stack trace (their cause is a policy's state, not the
 * caller's stack); they do accept {@linkplain #addSuppressed suppressed} exceptions, so that a
 * {@link Retry} that gives up on a rejection still reports the failures before it. An application
 * may extend this class for its own local rejections.
 */
public abstract class RejectedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates a rejection without a stack trace, with suppression enabled (which allocates nothing
     * until an exception is actually added).
     *
     * @param message the detail message, or {@code null} when {@link #getMessage()} is overridden
     */
    protected RejectedException(@Nullable String message) {
        super(message, null, true, false);
    }
}
