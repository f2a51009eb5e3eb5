package dev.fluxgate.demo;

import dev.fluxgate.RejectedException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends every call of a {@link Scenario} at its scheduled moment through a {@link Caller} and
 * records how each ended.
 *
 * <p>The load is open: call {@code i} leaves at {@code i / rate} seconds whatever happened to the
 * calls before it, the way user traffic keeps arriving at a service whose dependency hangs. Calls
 * are asynchronous, so a hanging call never delays the next one; it only adds to the calls in
 * flight, which is what an unprotected caller suffers in an outage.
 *
 * <p>One generator runs one run on the thread that calls {@link #run()}.
 */
public final class LoadGenerator {

    /** One way of making call {@code index}; the future completes with the HTTP status. */
    @FunctionalInterface
    public interface Caller {

        /**
         * Starts call {@code index}; never blocks.
         *
         * @param index the call's index in the scenario
         * @return a future of the HTTP status, or failed with the client's exception
         */
        CompletableFuture<Integer> call(int index);
    }

    private final Scenario scenario;
    private final Caller caller;
    private final RunRecorder recorder;
    private final long origin;
    private final AtomicInteger pending = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();

    /**
     * A generator.
     *
     * @param scenario the calls to make and when
     * @param caller how to make one
     * @param recorder where outcomes go
     * @param origin the {@link System#nanoTime()} at which the run starts
     */
    public LoadGenerator(Scenario scenario, Caller caller, RunRecorder recorder, long origin) {
        this.scenario = Objects.requireNonNull(scenario, "scenario");
        this.caller = Objects.requireNonNull(caller, "caller");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.origin = origin;
    }

    /**
     * Sends every call at its moment; returns when the last one has been sent.
     *
     * @throws InterruptedException if the thread is interrupted while waiting for the next moment
     */
    public void run() throws InterruptedException {
        pending.incrementAndGet(); // held until every call has been sent
        for (int i = 0; i < scenario.calls(); i++) {
            long due = origin + scenario.scheduledAt(i).toNanos();
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            }
            send(i);
        }
        release();
    }

    private void send(int index) {
        long start = System.nanoTime() - origin;
        recorder.started(start);
        pending.incrementAndGet();
        CompletableFuture<Integer> call;
        try {
            call = caller.call(index);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((status, error) -> {
            recorder.completed(start, System.nanoTime() - origin, classify(status, error));
            release();
        });
    }

    private void release() {
        if (pending.decrementAndGet() == 0) {
            drained.complete(null);
        }
    }

    /**
     * Waits until every call sent has completed, at most {@code max}; returns whether they all did.
     *
     * @param max the longest wait
     * @return whether every call sent has completed
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    public boolean awaitCompletion(Duration max) throws InterruptedException {
        try {
            drained.get(max.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** How a caller sees a call that answered {@code status} or failed with {@code error}. */
    static RunRecorder.Outcome classify(Integer status, Throwable error) {
        if (error == null) {
            return status != null && status >= 200 && status < 300
                    ? RunRecorder.Outcome.SUCCESS : RunRecorder.Outcome.FAILURE;
        }
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof RejectedException) { // breaker, bulkhead, rate limiter: refused locally
            return RunRecorder.Outcome.REJECTED;
        }
        if (cause instanceof HttpTimeoutException || cause instanceof TimeoutException) {
            return RunRecorder.Outcome.TIMEOUT;
        }
        return RunRecorder.Outcome.FAILURE;
    }
}
