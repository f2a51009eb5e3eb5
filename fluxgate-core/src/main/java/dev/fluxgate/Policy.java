package dev.fluxgate;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A resilience policy that can run a call, synchronously or asynchronously: what {@link Resilience}
 * composes into a pipeline. Every pattern is a policy: {@link CircuitBreaker}, {@link Retry},
 * {@link Timeout}, {@link Bulkhead}, {@link ThreadPoolBulkhead}, {@link Fallback}, {@link Hedge}, and a
 * {@link Resilience} pipeline itself; so every pattern composes the same way
 * ({@code Resilience.of(retry, breaker, bulkhead, timeout)}) and decorates the same way
 * ({@code policy.decorate(() -> fetch())}). Named instances of each pattern live in a {@link Registry}.
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
     * Returns a supplier that runs {@code task} under this policy, each time it is called, as
     * {@link #get(Supplier)} does.
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return a supplier that calls {@link #get(Supplier)} on each {@code get()}
     */
    default <T> Supplier<T> decorate(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> get(task);
    }

    /**
     * Returns a runnable that runs {@code task} under this policy, each time it is called, as
     * {@link #run(Runnable)} does.
     *
     * @param task the call to protect
     * @return a runnable that calls {@link #run(Runnable)} on each {@code run()}
     */
    default Runnable decorate(Runnable task) {
        Objects.requireNonNull(task, "task");
        return () -> run(task);
    }

    /**
     * Returns a callable that runs {@code task} under this policy, each time it is called, as
     * {@link #call(Callable)} does. (Named apart from {@code decorate} because a lambda fits both
     * {@code Supplier} and {@code Callable}.)
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return a callable that calls {@link #call(Callable)} on each {@code call()}
     */
    default <T> Callable<T> decorateCallable(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        return () -> call(task);
    }
}
