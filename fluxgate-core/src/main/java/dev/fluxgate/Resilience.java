package dev.fluxgate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * One pipeline of policies, run outermost first.
 *
 * <pre>{@code
 * Resilience pipeline = Resilience.of(
 *         Fallback.<Quote>lastKnownGood(Duration.ofMinutes(10)),
 *         retry,
 *         breaker,
 *         bulkhead,
 *         Timeout.of(Duration.ofSeconds(2)));
 * Quote q = pipeline.get(() -> quotes.fetch(symbol));
 * }</pre>
 *
 * <p>The policies wrap each other in the order given: the first is outermost and sees what all the
 * others did. The recommended order is <b>Fallback, Retry, CircuitBreaker, Bulkhead, Timeout</b>:
 * <ul>
 *   <li>the fallback, outermost, answers whatever failed below it, rejections included;
 *   <li>each retry attempt goes through the breaker, so the breaker sees every attempt and its
 *       rejections stop the retries (unless the retry is told to wait for {@code retryAfter()});
 *   <li>the breaker sits outside the bulkhead and the timeout, so it counts timeouts as failures,
 *       but not the bulkhead's rejections: a {@link RejectedException} is a local decision, not a
 *       failure of the downstream (unless the breaker is built with
 *       {@link CircuitBreaker.Builder#trackLocalRejections(boolean) trackLocalRejections(true)});
 *   <li>the bulkhead holds its slot for the call and the timeout only, and the timeout, innermost,
 *       bounds one attempt (not the whole retried call).
 *   <li>a {@link Hedge}, if any, goes between the retry and the breaker: each hedged attempt then takes
 *       its own breaker permit, bulkhead slot and timeout, and a retry retries the whole hedged call.
 * </ul>
 *
 * <p>{@code null} policies are skipped, so optional ones cost nothing: {@code Resilience.of(fallback,
 * maybeRetry, ...)}; an empty pipeline calls the task directly. A pipeline is immutable and safe
 * for concurrent use. {@link #call} rethrows the task's (or a policy's) exception unchanged;
 * {@link #get} and {@link #run} map checked exceptions from the policies: a
 * {@link java.util.concurrent.TimeoutException} becomes {@link TimeoutExceededException}.
 *
 * <p>A pipeline is itself a {@link Policy}: {@link #decorate(Supplier) decorate} wraps a task in it,
 * and it nests in another pipeline.
 */
public final class Resilience implements Policy {

    private final Policy[] policies;

    private Resilience(Policy[] policies) {
        this.policies = policies;
    }

    /**
     * A pipeline of {@code policies}, the first outermost; {@code null} elements are skipped.
     *
     * @param policies the policies, outermost first
     * @return a new pipeline
     * @throws NullPointerException if the array itself is null
     */
    public static Resilience of(Policy... policies) {
        Objects.requireNonNull(policies, "policies");
        List<Policy> present = new ArrayList<>(policies.length);
        for (Policy policy : policies) {
            if (policy != null) {
                present.add(policy);
            }
        }
        return new Resilience(present.toArray(new Policy[0]));
    }

    /** {@return the policies, outermost first} */
    public List<Policy> policies() {
        return Collections.unmodifiableList(List.of(policies));
    }

    /**
     * Runs {@code task} through every policy.
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return what the task (or a fallback) returned
     * @throws Exception the task's exception or a policy's, unchanged
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        return call(0, task);
    }

    private <T> T call(int i, Callable<T> task) throws Exception {
        return i == policies.length ? task.call() : policies[i].call(() -> call(i + 1, task));
    }

    /**
     * Runs {@code task} through every policy.
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return what the task (or a fallback) returned
     * @throws TimeoutExceededException if a {@link Timeout} ran out
     */
    @Override
    public <T> T get(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        return Calls.unchecked(() -> call(0, task::get));
    }

    /**
     * Runs {@code task} through every policy.
     *
     * @param task the call to protect
     * @throws TimeoutExceededException if a {@link Timeout} ran out
     */
    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        Calls.unchecked(() -> call(0, Calls.callable(task)));
    }

    /**
     * Runs an asynchronous task through every policy; never blocks.
     *
     * @param <T> the task's result type
     * @param task starts the asynchronous call
     * @return a future with the outcome; cancelling it cancels the task's
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        return callAsync(0, task);
    }

    private <T> CompletableFuture<T> callAsync(int i, Supplier<? extends CompletionStage<T>> task) {
        return i == policies.length ? Calls.start(task) : policies[i].callAsync(() -> callAsync(i + 1, task));
    }

    @Override
    public String toString() {
        return List.of(policies).stream().map(Object::toString).collect(Collectors.joining(" -> ", "Resilience[", "]"));
    }
}
