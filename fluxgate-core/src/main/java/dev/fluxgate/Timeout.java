package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Bounds how long a call may take, and really cancels it when the time is up.
 *
 * <pre>{@code
 * Timeout timeout = Timeout.of(Duration.ofSeconds(2));
 * String body = timeout.call(() -> fetch());               // throws TimeoutException
 * String same = timeout.get(() -> fetch());                // throws TimeoutExceededException
 * CompletableFuture<String> f = timeout.callAsync(() -> client.sendAsync(req, ofString()).thenApply(HttpResponse::body));
 * Timeout named = Timeout.builder("inventory").timeout(Duration.ofMillis(300)).build(); // for registries and meters
 * }</pre>
 *
 * <p><b>Synchronous calls</b> run on a worker (virtual threads on JDK 21 and later, a cached pool of
 * daemon threads before; or the executor given to {@link #withExecutor}) while the caller waits.
 * When the time is up the worker is interrupted ({@code Future.cancel(true)}) and the caller gets a
 * {@link TimeoutException}: checked from {@link #call}, wrapped in the unchecked
 * {@link TimeoutExceededException} from {@link #get} and {@link #run}. No thread is left behind as
 * long as the task honours interrupts (blocking I/O on sockets and most {@code java.util.concurrent}
 * waits do); a task that ignores them runs on to its end, but the caller never waits for it. An
 * interrupt of the waiting caller cancels the task too. Because the task runs on another thread,
 * thread-local context (logging MDC, a transaction bound to the caller's thread) does not follow it.
 *
 * <p><b>On the caller's thread</b> ({@link Builder#onCallerThread()}) a synchronous call runs where it is
 * made, with its thread-local context, and costs no hand-off (tens of nanoseconds rather than the
 * microseconds of waking a worker): when the time is up the caller's own thread is interrupted, and once
 * the task has returned or thrown the call throws the {@link TimeoutException} (the task's exception, if
 * any, as its cause; a value it returned is dropped). The interrupt is taken back before the call ends,
 * so the code after it never sees it. The price: a task that ignores interrupts keeps its caller until
 * it ends. The interrupt is delivered once: a task that catches it and goes on (a {@link Retry} inside
 * the timeout retries an {@code InterruptedException} like any failure) runs on until it ends, so put
 * such a timeout inside the retry, where it bounds each attempt (the order {@link Resilience}
 * recommends). An interrupt from elsewhere that lands on a call whose time has already run out is taken
 * back with the timeout's own. One shared daemon thread keeps these deadlines, woken only when a call's
 * deadline is earlier than the one it waits for.
 *
 * <p><b>Asynchronous calls</b> ({@link #callAsync}) never block: a timer on a scheduler fails the
 * returned future with a {@link TimeoutException} and cancels the task's future. With the default
 * scheduler the timeout completes the future from the common pool, never from the shared timer
 * thread, so slow dependent stages cannot delay other timeouts.
 *
 * <p><b>Time.</b> By default a synchronous caller waits with {@code Future.get(timeout)} on the
 * system clock and asynchronous deadlines are kept by a shared daemon scheduler. Given a scheduler
 * ({@link #withScheduler}), every deadline, synchronous and asynchronous, is a task scheduled on it
 * after the timeout: a test passes a scheduler driven by fake time and makes a call time out by
 * advancing that time, without sleeping.
 *
 * <p>A timeout is an ordinary exception to the policies outside it: a {@link CircuitBreaker} around
 * a timeout records it as a failure (with the default {@link Tracker#all()}), and a {@link Retry}
 * retries it. Timeouts are immutable and safe for concurrent use.
 *
 * <p>Memory consistency effects: actions in a thread prior to {@link #call} happen-before the task
 * starts on its worker, and the task's actions happen-before {@code call} returns its result or throws
 * its exception. A task that timed out may still be running when the caller gets the
 * {@link TimeoutException} (if it ignores the interrupt): nothing it does afterwards is ordered with the
 * caller's actions. For {@link #callAsync}, the task's completion happens-before the returned future
 * completes with its outcome; a timeout completes the returned future after cancelling the task's.
 * {@link #timeouts()} is a striped counter that may lag calls timing out.
 */
public final class Timeout implements Policy {

    /** The time a timeout built without one allows: one second. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    private final String name;
    private final long timeoutNanos;
    private final Duration timeout;
    private final @Nullable ExecutorService executor;
    private final @Nullable ScheduledExecutorService scheduler;
    private final boolean onCallerThread;
    private final LongAdder timeouts;

    private Timeout(String name, Duration timeout, @Nullable ExecutorService executor, @Nullable ScheduledExecutorService scheduler,
            boolean onCallerThread, LongAdder timeouts) {
        this.name = name;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.executor = executor;
        this.scheduler = scheduler;
        this.onCallerThread = onCallerThread;
        this.timeouts = timeouts;
    }

    /**
     * A timeout of {@code timeout}, called {@code "timeout"}.
     *
     * @param timeout the time allowed per call, positive
     * @return a new timeout
     * @throws IllegalArgumentException if {@code timeout} is not positive
     */
    public static Timeout of(Duration timeout) {
        return new Timeout("timeout", Tripper.positive("timeout", timeout), null, null, false, new LongAdder());
    }

    /**
     * Starts a builder for a named timeout (for registries, meters and logs): {@link #DEFAULT_TIMEOUT},
     * the default workers and deadlines (see the class comment).
     *
     * @param name the timeout's name (not blank)
     * @return a new builder on those defaults
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * This timeout, running synchronous calls on {@code executor} (which the caller owns and shuts down),
     * also if this one ran them {@linkplain Builder#onCallerThread() on the caller's thread}.
     *
     * @param executor runs synchronous calls
     * @return a new timeout that shares this one's count of timeouts
     */
    public Timeout withExecutor(ExecutorService executor) {
        return new Timeout(name, timeout, Objects.requireNonNull(executor, "executor"), scheduler, false, timeouts);
    }

    /**
     * This timeout, keeping the deadlines of synchronous and asynchronous calls on {@code scheduler}
     * (which the caller owns and shuts down): each call schedules one task after the timeout that
     * cancels the call unless it has finished. The task only cancels and completes futures; with a
     * scheduler of its own, dependent stages of an asynchronous result may run on its thread.
     * Default: synchronous calls wait on the system clock, asynchronous deadlines are kept by a shared
     * daemon scheduler that completes them from the common pool. A scheduler driven by fake time lets
     * tests time calls out without sleeping.
     *
     * @param scheduler keeps the deadlines
     * @return a new timeout that shares this one's count of timeouts
     */
    public Timeout withScheduler(ScheduledExecutorService scheduler) {
        return new Timeout(name, timeout, executor, Objects.requireNonNull(scheduler, "scheduler"), onCallerThread, timeouts);
    }

    /**
     * The timeout's name: the builder's, or {@code "timeout"} for {@link #of(Duration)}.
     *
     * @return the name given to the builder ({@code "timeout"} for {@link #of(Duration)})
     */
    public String name() {
        return name;
    }

    /** {@return the time allowed per call} */
    public Duration timeout() {
        return timeout;
    }

    /**
     * {@return whether synchronous calls run on the caller's own thread, interrupting it when the time is
     * up ({@link Builder#onCallerThread()}), rather than on a worker}
     */
    public boolean runsOnCallerThread() {
        return onCallerThread;
    }

    /**
     * {@return the calls that timed out since this timeout was created (shared with its {@code with...}
     * copies)}
     *
     */
    public long timeouts() {
        return timeouts.sum();
    }

    /**
     * Counts one call that ran out of this timeout's time under a deadline kept elsewhere: for
     * integrations that enforce {@link #timeout()} their own way (a Kotlin coroutine's
     * {@code withTimeout}), so that {@link #timeouts()} counts their timeouts too.
     */
    public void recordTimeout() {
        timeouts.increment();
    }

    /**
     * Runs {@code task} with the time limit.
     *
     * @throws TimeoutException if the time ran out (the task was interrupted)
     * @throws InterruptedException if the caller was interrupted while waiting (the task was too)
     * @throws Exception the task's own exception, unchanged
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        return execute(null, Resilience.CALLABLE, task);
    }

    /**
     * Runs {@code task} with the time limit; exceptions as {@link Policy#get(Supplier)} says.
     *
     * @throws TimeoutExceededException if the time ran out (the task was interrupted)
     */
    @Override
    public <T> T get(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        try {
            return execute(null, Resilience.SUPPLIER, task);
        } catch (Exception e) {
            throw Calls.unchecked(e); // without a wrapping lambda per call
        }
    }

    /** {@link #call}, the task being the rest of {@code pipeline} (or the task itself): see {@link Resilience#proceed}. */
    @SuppressWarnings("TypeParameterUnusedInFormals") // T is the task's result type
    <T> T execute(@Nullable Resilience pipeline, int cursor, Object task) throws Exception {
        if (onCallerThread) {
            return onCallerThread(pipeline, cursor, task);
        }
        return onWorker(() -> Resilience.proceed(pipeline, cursor, task));
    }

    @SuppressWarnings("TypeParameterUnusedInFormals") // T is the task's result type
    private <T> T onCallerThread(@Nullable Resilience pipeline, int cursor, Object task) throws Exception {
        CallerDeadlines.Watch watch;
        ScheduledFuture<?> timer = null;
        if (scheduler == null) {
            watch = CallerDeadlines.arm(timeoutNanos);
        } else {
            CallerDeadlines.Watch alone = CallerDeadlines.armAlone();
            watch = alone;
            try {
                timer = scheduler.schedule(() -> alone.fire(alone.armedState()), timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (RuntimeException refused) {
                alone.disarm(); // a scheduler that refuses: the call must not run without its limit
                throw refused;
            }
        }
        T result;
        try {
            result = Resilience.proceed(pipeline, cursor, task);
        } catch (Throwable e) {
            if (!inTime(watch, timer)) {
                throw timedOut(e);
            }
            throw e;
        }
        if (!inTime(watch, timer)) {
            throw timedOut(null);
        }
        return result;
    }

    /** Settles a call on the caller's thread; false if its time ran out (the interrupt is taken back). */
    private static boolean inTime(CallerDeadlines.Watch watch, @Nullable ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
        return watch.disarm();
    }

    private TimeoutException timedOut(@Nullable Throwable cause) {
        timeouts.increment();
        TimeoutException e = new TimeoutException("call did not complete within " + Durations.format(timeout));
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }

    private <T> T onWorker(Callable<T> task) throws Exception {
        Future<T> future = (executor != null ? executor : DefaultWorkers.EXECUTOR).submit(task);
        if (scheduler != null) {
            return awaitWithTimer(future, scheduler);
        }
        try {
            return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw timedOut(null);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw Calls.causeOf(e);
        }
    }

    /** Waits for {@code future} while a timer on the given scheduler keeps the deadline. */
    private <T> T awaitWithTimer(Future<T> future, ScheduledExecutorService scheduler) throws Exception {
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer;
        try {
            timer = scheduler.schedule(() -> {
                if (!future.isDone()) {
                    timedOut.set(true); // before the cancel, which is what wakes the caller
                    future.cancel(true);
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException refused) {
            future.cancel(true); // a scheduler that refuses: the call must not run without its limit
            throw refused;
        }
        try {
            return future.get();
        } catch (CancellationException e) {
            if (!timedOut.get()) {
                throw e; // cancelled by someone else (the executor's owner)
            }
            throw timedOut(null);
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw Calls.causeOf(e);
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * Runs an asynchronous task with the time limit. When the time is up the returned future fails
     * with a {@link TimeoutException} and the task's future is cancelled. Cancelling the returned
     * future cancels the task's future too.
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        CompletableFuture<T> future = Calls.start(task);
        if (future.isDone() && !future.isCompletedExceptionally()) {
            // In time before any timer could start: schedule none. A copy, so that the caller's future
            // is never the task's own (which the caller could complete or obtrude).
            return CompletableFuture.completedFuture(future.join());
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        // Exactly one of the timer and the task's completion settles the result; the winner counts first.
        AtomicBoolean settled = new AtomicBoolean();
        ScheduledFuture<?> timer = Calls.schedule(scheduler, () -> {
            if (result.isDone() || !settled.compareAndSet(false, true)) {
                return;
            }
            timeouts.increment();
            // Cancel before failing the result, so that whoever sees the TimeoutException sees the task cancelled.
            future.cancel(true);
            result.completeExceptionally(
                    new TimeoutException("call did not complete within " + Durations.format(timeout)));
        }, timeoutNanos);
        future.whenComplete((value, error) -> {
            timer.cancel(false);
            if (!settled.compareAndSet(false, true)) {
                return; // timed out: the timer completes the result
            }
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(Calls.unwrap(error));
            }
        });
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                timer.cancel(false);
                future.cancel(true);
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return "Timeout(" + name + ", " + Durations.format(timeout) + (onCallerThread ? ", on the caller's thread)" : ")");
    }

    /**
     * Builds a named {@link Timeout}. Every method returns this builder; {@link #build()} copies the
     * configuration. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private Duration timeout = DEFAULT_TIMEOUT;
        // Null until set: the timeout then uses the default workers and deadlines (see the class comment).
        private @Nullable ExecutorService executor;
        private @Nullable ScheduledExecutorService scheduler;
        private boolean onCallerThread;

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The time allowed per call. Default {@link #DEFAULT_TIMEOUT}.
         *
         * @param timeout how long a call may take (positive)
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Tripper.positive("timeout", timeout);
            return this;
        }

        /**
         * Runs synchronous calls on {@code executor}; see {@link Timeout#withExecutor}.
         *
         * @param executor runs the work of synchronous calls
         * @return this builder
         */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Keeps deadlines on {@code scheduler}; see {@link Timeout#withScheduler}.
         *
         * @param scheduler fires the deadlines (a fake one in tests)
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Runs synchronous calls on the caller's own thread and interrupts it when the time is up, instead of
         * handing them to a worker (see "On the caller's thread" in {@link Timeout}): no thread hand-off,
         * and the task keeps the caller's thread-local context; but a task that ignores interrupts (or a
         * retry inside the timeout, which retries the interrupted attempt) keeps its caller until it ends:
         * place the timeout inside the retry. Asynchronous calls are unaffected. Default: off (a worker runs the
         * call and the caller returns at the deadline whatever the task does).
         *
         * @return this builder
         */
        public Builder onCallerThread() {
            this.onCallerThread = true;
            return this;
        }

        /**
         * Builds the timeout.
         *
         * @return the timeout
         * @throws IllegalArgumentException if both {@link #executor} and {@link #onCallerThread()} were set
         *         (a call on the caller's thread uses no executor)
         */
        public Timeout build() {
            if (onCallerThread && executor != null) {
                throw new IllegalArgumentException("executor: a timeout that runs calls on the caller's thread"
                        + " uses no executor; set executor(...) or onCallerThread(), not both");
            }
            return new Timeout(name, timeout, executor, scheduler, onCallerThread, new LongAdder());
        }

        /** A copy of this builder under another name (for registries). */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.timeout = timeout;
            b.executor = executor;
            b.scheduler = scheduler;
            b.onCallerThread = onCallerThread;
            return b;
        }
    }

    /** The default workers: virtual threads where the JDK has them, else a cached pool of daemon threads. */
    private static final class DefaultWorkers {
        static final ExecutorService EXECUTOR = Workers.create("fluxgate-timeout");
    }
}
