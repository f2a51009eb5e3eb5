package dev.fluxgate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The delay an outcome asks for before the next try: a server's {@code Retry-After}, an open
 * breaker's {@link CallNotPermittedException#retryAfter()}, or any function of the result or the
 * exception.
 *
 * <p>Two patterns read it. {@link Retry.Builder#delayFrom(RetryDelay)} waits at least the delay a
 * retried outcome asks for (never less than its backoff), and gives up when the delay is longer than
 * {@link Retry.Builder#maxDelay(Duration)}. {@link Cooldown#withDelayFrom(RetryDelay, Duration)}
 * keeps a breaker open as long as the failure that tripped it asked (at most the cap). An empty answer
 * means "no opinion": the backoff, or the configured cooldown, decides.
 *
 * <pre>{@code
 * RetryDelay delay = RetryAfter.httpResponse()                       // 429/503 with Retry-After
 *     .orElse(RetryDelay.onFailure(QuotaException.class, QuotaException::resetIn));
 * }</pre>
 *
 * <p>A delay that never ends (an outcome that says "do not come back by yourself") is a delay longer
 * than any cap, for example {@link #FOREVER}: the retry gives up at once. A negative delay is taken as
 * zero, and a function that returns {@code null} as empty.
 *
 * <p>Implementations must be safe for concurrent use (the factories' are, given functions that are).
 * One that throws is plugged-in code (see {@link Retry}, {@link CircuitBreaker}): it is logged and
 * treated as empty.
 */
@FunctionalInterface
public interface RetryDelay {

    /**
     * A delay longer than any cap ({@link ChronoUnit#FOREVER}'s duration): asking for it makes a retry
     * give up.
     */
    Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    /**
     * The delay the outcome of an attempt asks for.
     *
     * @param result the attempt's result when it returned one (which may itself be null); null when it
     *     failed
     * @param failure the exception when the attempt failed; null when it returned a result
     * @return the delay asked for, or empty when the outcome asks for none
     */
    Optional<Duration> delayFor(@Nullable Object result, @Nullable Throwable failure);

    /**
     * This delay, or, when it asks for none, {@code other}'s.
     *
     * @param other consulted when this one gives nothing
     * @return the composed delay
     * @throws NullPointerException if {@code other} is null
     */
    default RetryDelay orElse(RetryDelay other) {
        Objects.requireNonNull(other, "other");
        RetryDelay first = this;
        return new NamedDelay("(" + first + ").orElse(" + other + ")", (result, failure) -> {
            Optional<Duration> d = first.delayFor(result, failure);
            return d != null && d.isPresent() ? d : other.delayFor(result, failure);
        });
    }

    /**
     * The delay of results of one type; other results and every failure ask for none.
     *
     * <pre>{@code RetryDelay.onResult(Quota.class, q -> q.exhausted() ? Optional.of(q.resetIn()) : Optional.empty())}</pre>
     *
     * @param <T> the result type
     * @param type the results it reads (instances of it, subclasses included)
     * @param delay the delay such a result asks for
     * @return the delay function
     * @throws NullPointerException if an argument is null
     */
    static <T> RetryDelay onResult(Class<T> type, Function<? super T, Optional<Duration>> delay) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(delay, "delay");
        return new NamedDelay("onResult(" + type.getSimpleName() + ")", (result, failure) ->
                failure == null && type.isInstance(result) ? delay.apply(type.cast(result)) : Optional.empty());
    }

    /**
     * The delay of exceptions of one type; other exceptions and every result ask for none.
     *
     * <pre>{@code RetryDelay.onFailure(QuotaException.class, e -> Optional.of(e.resetIn()))}</pre>
     *
     * @param <E> the exception type
     * @param type the exceptions it reads (instances of it, subclasses included)
     * @param delay the delay such an exception asks for
     * @return the delay function
     * @throws NullPointerException if an argument is null
     */
    static <E extends Throwable> RetryDelay onFailure(Class<E> type, Function<? super E, Optional<Duration>> delay) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(delay, "delay");
        return new NamedDelay("onFailure(" + type.getSimpleName() + ")", (result, failure) ->
                type.isInstance(failure) ? delay.apply(type.cast(failure)) : Optional.empty());
    }

    /**
     * The {@code retryAfter()} of a local rejection: an open breaker's
     * {@link CallNotPermittedException#retryAfter()} (the cooldown left) or a rate limiter's
     * {@link RateLimitedException#retryAfter()} (until the permits are free); {@link #FOREVER} when no
     * wait admits the call (a breaker that only a manual command reopens, more permits than the limiter
     * holds, a per-key limiter at its key cap), so a retry gives up instead of waiting for nothing.
     * Other outcomes ask for nothing. This is what {@link Retry.Builder#waitForRetryAfter(boolean)}
     * consults.
     *
     * @return the delay function
     */
    static RetryDelay rejectionRetryAfter() {
        return NamedDelay.REJECTION_RETRY_AFTER;
    }
}
