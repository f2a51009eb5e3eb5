package dev.fluxgate;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A resilience policy that can run a call, synchronously or asynchronously: what {@link Resilience}
 * composes into a pipeline. {@link Retry}, {@link Timeout}, {@link Bulkhead},
 * {@link ThreadPoolBulkhead} and {@link Fallback} are policies; {@link #of(CircuitBreaker)} adapts a
 * breaker.
 *
 * <p>Implementations must be safe for concurrent use and must not block in {@link #callAsync}.
 */
public interface Policy {

    /**
     * Runs {@code task} under this policy.
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return what the task (or the policy, for a fallback) returned
     * @throws Exception the task's own exception, or the policy's (a rejection, a timeout)
     */
    <T> T call(Callable<T> task) throws Exception;

    /**
     * Runs {@code task} under this policy, without checked exceptions: the task's unchecked exceptions
     * propagate as they are; a policy's checked ones are converted ({@link TimeoutException} to
     * {@link TimeoutExceededException}, an interrupted wait to a {@link java.util.concurrent.CancellationException}
     * with the interrupt flag restored, anything else wrapped in a {@link java.util.concurrent.CompletionException}).
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return what the task (or the policy, for a fallback) returned
     */
    default <T> T get(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        return Calls.unchecked(() -> call(task::get));
    }

    /**
     * Runs {@code task} under this policy; exceptions as for {@link #get(Supplier)}.
     *
     * @param task the call to protect
     */
    default void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        Calls.unchecked(() -> call(Calls.callable(task)));
    }

    /**
     * Runs an asynchronous task under this policy. Never blocks; failures, the policy's own
     * included, fail the returned future. Cancelling the returned future cancels the task's.
     *
     * @param <T> the task's result type
     * @param task starts the asynchronous call
     * @return a future with the task's (or the policy's) outcome
     */
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);

    /**
     * Adapts {@code breaker}: calls run through {@link CircuitBreaker#call} and
     * {@link CircuitBreaker#callAsync}.
     *
     * @param breaker the breaker to adapt
     * @return a policy that runs calls through {@code breaker}
     */
    static Policy of(CircuitBreaker breaker) {
        Objects.requireNonNull(breaker, "breaker");
        return new Policy() {
            @Override
            public <T> T call(Callable<T> task) throws Exception {
                return breaker.call(task);
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                return breaker.callAsync(task);
            }

            @Override
            public String toString() {
                return "CircuitBreaker(" + breaker.name() + ")";
            }
        };
    }
}
