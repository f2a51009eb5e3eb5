package dev.fluxgate;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@link CircuitBreaker#callAsync} written on the breaker's public permit API only (acquire, then
 * record or release against the permit), as any integration would write it: nothing here knows the
 * breaker's internals.
 */
final class BreakerAsync {

    private BreakerAsync() {
    }

    /**
     * Runs an asynchronous task through {@code breaker}. Never blocks and never throws: a rejection
     * fails the returned future. The outcome (the tracker applied to the unwrapped cause, the duration
     * until completion) is recorded before the returned future completes, with the task's original
     * exception. Cancelling the returned future releases the permit (a half-open probe slot frees up)
     * and cancels the task's future; a task whose future is cancelled releases it too.
     */
    static <T> CompletableFuture<T> call(CircuitBreaker breaker, Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        long permit;
        try {
            permit = breaker.acquirePermission();
        } catch (CallNotPermittedException e) {
            return CompletableFuture.failedFuture(e);
        }
        Ticker ticker = breaker.ticker();
        boolean timed = breaker.isTimed();
        long start = timed ? ticker.read() : 0L;
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(task.get(), "the task returned a null CompletionStage");
        } catch (Throwable e) {
            breaker.recordError(permit, timed ? ticker.read() - start : 0L, e);
            return CompletableFuture.failedFuture(e);
        }
        if (stage instanceof CompletableFuture<T> done && done.isDone() && !done.isCompletedExceptionally()) {
            // Already succeeded (a cached or synchronous answer): settle now and hand back a completed copy.
            // Nothing is left to cancel, so none of the wiring below is needed: one allocation, not six.
            T v = done.join(); // completed normally: returns at once, never throws
            breaker.recordResult(permit, timed ? ticker.read() - start : 0L, v);
            return CompletableFuture.completedFuture(v);
        }
        // Settled exactly once: by the task's completion or by cancellation of the returned future.
        AtomicBoolean settled = new AtomicBoolean();
        CompletableFuture<T> result = new CompletableFuture<>();
        result.whenComplete((v, e) -> {
            if (result.isCancelled() && settled.compareAndSet(false, true)) {
                breaker.releasePermission(permit);
                cancel(stage);
            }
        });
        stage.whenComplete((v, e) -> {
            long d = timed ? ticker.read() - start : 0L;
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            if (e == null) {
                breaker.recordResult(permit, d, v);
                result.complete(v);
                return;
            }
            Throwable cause = Calls.unwrap(e);
            if (cause instanceof CancellationException) {
                breaker.releasePermission(permit);
            } else {
                breaker.recordError(permit, d, cause);
            }
            result.completeExceptionally(cause);
        });
        return result;
    }

    private static void cancel(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignoredByDesign) {
            // A stage that cannot be viewed as a future cannot be cancelled; its outcome will be ignored.
        }
    }
}
