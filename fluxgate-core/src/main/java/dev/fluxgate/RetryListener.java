package dev.fluxgate;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Hears what a {@link Retry} does with each call. Every method has an empty default, so a listener
 * implements only what it needs. Listeners run synchronously, in the order added, on the thread that
 * observed the outcome (the caller's, or the thread that completed an asynchronous attempt), with no
 * lock held. One that throws anything, an {@link Error} included, is logged at {@code WARNING} on the
 * {@link System.Logger} {@code dev.fluxgate.Retry} and ignored: it changes neither the call's outcome
 * nor what the other listeners hear.
 *
 * <p>Each call that ends after a failure or a retryable result is heard once by exactly one of
 * {@link #onExhausted}, {@link #onNotRetried} and {@link #onBudgetExhausted}; one that succeeds after a
 * retry by {@link #onSuccessAfterRetries}.
 *
 * <p>Memory consistency effects: actions of an attempt happen-before the listener calls about it,
 * and the calls about one call of the retry happen in the order of its attempts.
 */
public interface RetryListener {

    /**
     * An attempt is about to start.
     *
     * @param retry the retry running the call
     * @param attempt the attempt number, from 1
     */
    default void onAttempt(Retry retry, int attempt) {
    }

    /**
     * Attempt {@code attempt} failed with a retryable exception or result; the next starts after
     * {@code delay}.
     *
     * @param failure the exception, or {@code null} when a result was judged retryable
     * @param retry the retry
     * @param attempt the attempt that failed, counted from 1
     * @param delay the wait before the next attempt
     */
    default void onRetry(Retry retry, int attempt, @Nullable Throwable failure, Duration delay) {
    }

    /**
     * The call succeeded at attempt {@code attempts}, after at least one retry.
     *
     * @param retry the retry
     * @param attempts the attempts made, the first included
     */
    default void onSuccessAfterRetries(Retry retry, int attempts) {
    }

    /**
     * The call gave up after {@code attempts} attempts: the attempts or the total duration ran out
     * (or the thread was interrupted while waiting).
     *
     * @param lastFailure the last exception (with the earlier ones attached as suppressed), or
     *     {@code null} when the last result was retryable; the caller gets that result
     * @param retry the retry
     * @param attempts the attempts made, the first included
     */
    default void onExhausted(Retry retry, int attempts, @Nullable Throwable lastFailure) {
    }

    /**
     * The call failed with an exception that is not retried (or aborts), at attempt {@code attempts}.
     *
     * @param retry the retry
     * @param attempts the attempts made, the first included
     * @param failure the exception that was not retried
     */
    default void onNotRetried(Retry retry, int attempts, Throwable failure) {
    }

    /**
     * The call gave up after {@code attempts} attempts because its {@link RetryBudget} denied the next
     * retry (heard instead of {@link #onExhausted}): the retry was not attempted and the caller gets the
     * last failure at once.
     *
     * @param retry the retry running the call
     * @param attempts the attempts made, the first included
     * @param lastFailure the last exception (with the earlier ones attached as suppressed), or
     *     {@code null} when the last result was retryable; the caller gets that result
     */
    default void onBudgetExhausted(Retry retry, int attempts, @Nullable Throwable lastFailure) {
    }
}
