package dev.fluxgate;

import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * The unchecked form of a {@link TimeoutException}, thrown by the {@code get} and {@code run}
 * methods of {@link Timeout}, {@link ThreadPoolBulkhead} and {@link Resilience}, whose signatures
 * cannot throw checked exceptions. {@code call} methods throw the {@link TimeoutException} itself;
 * asynchronous calls fail their future with it. The cause is always the original
 * {@link TimeoutException}.
 */
public final class TimeoutExceededException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Wraps {@code cause}.
     *
     * @param cause the timeout, not null
     */
    public TimeoutExceededException(TimeoutException cause) {
        super(cause.getMessage(), cause);
    }

    /** {@return the original timeout (also the {@linkplain #getCause() cause})} */
    public TimeoutException timeout() {
        return (TimeoutException) Objects.requireNonNull(getCause()); // set by the constructor, never null
    }
}
