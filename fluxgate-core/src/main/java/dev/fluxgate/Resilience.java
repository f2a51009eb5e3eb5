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
import org.jspecify.annotations.Nullable;

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

    /** Cursor bit: the task is a {@link Supplier} (else a {@link Callable}); the bits above are the next policy's index. */
    static final int SUPPLIER = 1;
    /** The cursor of a {@link Callable} task, before the first policy. */
    static final int CALLABLE = 0;

    // How each policy runs the rest of the pipeline: the patterns below take the pipeline and a cursor and
    // call proceed() in place of the task, so a call allocates no continuation per policy; any other policy
    // gets a lambda per call.
    private static final byte OTHER = 0;
    private static final byte RETRY = 1;
    private static final byte BREAKER = 2;
    private static final byte BULKHEAD = 3;
    private static final byte FALLBACK = 4;
    private static final byte TIMEOUT = 5;

    private final Policy[] policies;
    private final byte[] kinds;

    private Resilience(Policy[] policies) {
        this.policies = policies;
        this.kinds = new byte[policies.length];
        for (int i = 0; i < policies.length; i++) {
            Policy p = policies[i];
            // FluxgateCircuitBreaker only: its call() is the permit API's shape, which breakerStep repeats.
            kinds[i] = p instanceof Retry ? RETRY : p instanceof FluxgateCircuitBreaker ? BREAKER
                    : p instanceof Bulkhead ? BULKHEAD : p instanceof Fallback<?> ? FALLBACK
                    : p instanceof Timeout ? TIMEOUT : OTHER;
        }
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
        return proceed(this, CALLABLE, task);
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
        try {
            return proceed(this, SUPPLIER, task);
        } catch (Exception e) {
            throw Calls.unchecked(e);
        }
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
        try {
            proceed(this, CALLABLE, Calls.callable(task));
        } catch (Exception e) {
            throw Calls.unchecked(e);
        }
    }

    /**
     * Runs the rest of a call: the policy of {@code pipeline} at {@code cursor}, or, when there is no
     * pipeline or none is left, the task itself ({@code cursor}'s {@link #SUPPLIER} bit says its type).
     * The patterns call this in place of their task, passing on the cursor they were given.
     */
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // the cursor says what the task is
    static <T> T proceed(@Nullable Resilience pipeline, int cursor, Object task) throws Exception {
        if (pipeline != null && cursor >>> 1 < pipeline.policies.length) {
            return pipeline.step(cursor, task);
        }
        return (cursor & SUPPLIER) != 0 ? ((Supplier<T>) task).get() : ((Callable<T>) task).call();
    }

    @SuppressWarnings("TypeParameterUnusedInFormals") // T is the task's result type
    private <T> T step(int cursor, Object task) throws Exception {
        int i = cursor >>> 1;
        int next = cursor + 2;
        Policy policy = policies[i];
        return switch (kinds[i]) {
            case RETRY -> ((Retry) policy).execute(this, next, task);
            case BREAKER -> breakerStep((CircuitBreaker) policy, next, task);
            case BULKHEAD -> ((Bulkhead) policy).execute(this, next, task);
            case FALLBACK -> ((Fallback<?>) policy).execute(this, next, task);
            case TIMEOUT -> ((Timeout) policy).execute(this, next, task);
            default -> policy.call(() -> proceed(this, next, task));
        };
    }

    /** {@code breaker.call}, as FluxgateCircuitBreaker runs it, with the rest of the pipeline for the task. */
    @SuppressWarnings("TypeParameterUnusedInFormals") // T is the task's result type
    private <T> T breakerStep(CircuitBreaker breaker, int next, Object task) throws Exception {
        long permit = breaker.acquirePermission();
        boolean timed = breaker.isTimed();
        Ticker ticker = breaker.ticker();
        long start = timed ? ticker.read() : 0L;
        T result;
        try {
            result = proceed(this, next, task);
        } catch (Throwable e) {
            breaker.recordError(permit, timed ? ticker.read() - start : 0L, e);
            throw e;
        }
        breaker.recordResult(permit, timed ? ticker.read() - start : 0L, result);
        return result;
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
