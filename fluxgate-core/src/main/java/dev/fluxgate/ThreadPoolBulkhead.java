package dev.fluxgate;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * A bounded pool of threads and a bounded queue for one dependency, so that a slow payment API
 * cannot take the threads that email or the database need.
 *
 * <pre>{@code
 * try (ThreadPoolBulkhead payments = ThreadPoolBulkhead.builder("payments").threads(8).queueCapacity(16).build()) {
 *     CompletableFuture<Receipt> r = payments.submit(() -> client.charge(order));
 * }
 * }</pre>
 *
 * <p>At most {@code threads} tasks run at once and at most {@code queueCapacity} wait; a task
 * submitted beyond that is rejected: its future fails at once with {@link BulkheadFullException}
 * (and {@link #call} throws it). Admission is an exact count of the tasks admitted and not yet
 * finished against {@code threads + queueCapacity}, exact under racing submitters and independent
 * of how fast a pool thread comes back for work: a task counts until it returns or throws (its
 * future is completed after its place is freed, so a caller that waits for each task before
 * submitting the next is never rejected), or, if cancelled while queued, until it is cancelled.
 * Cancelling a returned future interrupts its task if it is running (the place frees up when the
 * task ends) and drops it, freeing its place at once, if it is queued. Idle threads end after a
 * minute; threads are daemon threads named {@code fluxgate-<name>-N}.
 *
 * <p>{@link #close()} shuts down cleanly: no new tasks (their futures fail with
 * {@link RejectedExecutionException}), queued and running tasks finish, and it waits for them.
 * {@link #shutdownNow()} interrupts running tasks and cancels the queued ones' futures.
 *
 * <p>{@link #callAsync} runs the task supplier on the pool, so the pool bounds the threads that
 * <em>start</em> asynchronous work, not the work's completion; use a {@link Bulkhead} to bound
 * asynchronous calls in flight. Safe for concurrent use.
 *
 * <p>Memory consistency effects: actions in a thread prior to {@link #submit} happen-before the task
 * starts on a pool thread, and the task's actions happen-before the completion of its future is seen
 * (by {@code get}, {@code join} or a dependent stage), as for an
 * {@link java.util.concurrent.ExecutorService}. A task's place is given back before its future
 * completes, so a caller that saw the future complete finds the place free. {@link #activeThreads()},
 * {@link #queueDepth()} and {@link #tasksInUse()} are a moment's reading; {@link #rejectedCalls()} is
 * striped and may lag submissions in progress.
 */
public final class ThreadPoolBulkhead implements Policy, AutoCloseable {

    private final String name;
    private final int threads;
    private final int queueCapacity;
    private final long capacity;
    private final ThreadPoolExecutor executor;
    /** Tasks admitted and not finished (running or queued): the one thing admission looks at. */
    private final AtomicLong inUse = new AtomicLong();
    private final LongAdder rejected = new LongAdder();

    private ThreadPoolBulkhead(String name, int threads, int queueCapacity, Duration keepAlive) {
        this.name = name;
        this.threads = threads;
        this.queueCapacity = queueCapacity;
        this.capacity = (long) threads + queueCapacity;
        // The queue itself is unbounded: inUse bounds it. A bounded queue (or a SynchronousQueue's
        // hand-off) would reject a task whenever the pool thread that just finished one has not yet
        // come back to take the next, however few tasks are actually in the bulkhead.
        this.executor = new ThreadPoolExecutor(threads, threads, keepAlive.toNanos(), TimeUnit.NANOSECONDS,
                new LinkedBlockingQueue<>(), Calls.daemonThreads("fluxgate-" + name), new ThreadPoolExecutor.AbortPolicy());
        executor.allowCoreThreadTimeOut(true); // an idle dependency keeps no threads
    }

    /**
     * A pool of {@code threads} threads and a queue of {@code queueCapacity} tasks.
     *
     * @param name the bulkhead's name, for meters and logs
     * @param threads the most tasks that run at once, at least 1
     * @param queueCapacity the most tasks that wait, zero or positive
     * @return a new bulkhead
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static ThreadPoolBulkhead of(String name, int threads, int queueCapacity) {
        return builder(name).threads(threads).queueCapacity(queueCapacity).build();
    }

    /**
     * Starts a builder: as many threads as processors, a queue of 100.
     *
     * @param name the bulkhead's name, for meters and logs
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the bulkhead's name} */
    public String name() {
        return name;
    }

    /** {@return the most tasks that run at once} */
    public int maxThreads() {
        return threads;
    }

    /** {@return the most tasks that wait} */
    public int queueCapacity() {
        return queueCapacity;
    }

    /** {@return the tasks running now (approximate, as {@link ThreadPoolExecutor#getActiveCount()})} */
    public int activeThreads() {
        return executor.getActiveCount();
    }

    /** {@return the tasks waiting now} */
    public int queueDepth() {
        return executor.getQueue().size();
    }

    /**
     * Tasks admitted and not finished (running or waiting), at most {@code maxThreads() + queueCapacity()}.
     *
     * @return the tasks admitted and not finished (running or waiting), at most {@code maxThreads() +
     *     queueCapacity()}
     */
    public int tasksInUse() {
        return (int) Math.min(inUse.get(), Integer.MAX_VALUE);
    }

    /** {@return the tasks rejected because pool and queue were full, since the bulkhead was built} */
    public long rejectedCalls() {
        return rejected.sum();
    }

    /**
     * Runs {@code task} on the pool.
     *
     * @param <T> the task's result type
     * @param task the task to run
     * @return its future; failed at once with {@link BulkheadFullException} when pool and queue are
     *     full, or {@link RejectedExecutionException} after shutdown
     */
    public <T> CompletableFuture<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task");
        if (executor.isShutdown()) {
            return shutDown();
        }
        if (!admit()) {
            rejected.increment();
            return CompletableFuture.failedFuture(new BulkheadFullException(name, "ThreadPoolBulkhead '" + name
                    + "' is full (" + threads + " threads, " + queueCapacity + " queued)"));
        }
        Job<T> job = new Job<>(task);
        try {
            executor.execute(job); // never full (the queue is unbounded): it refuses only after shutdown
        } catch (RejectedExecutionException e) {
            job.abandon();
            return shutDown();
        }
        return job.result;
    }

    private <T> CompletableFuture<T> shutDown() {
        return CompletableFuture.failedFuture(new RejectedExecutionException("ThreadPoolBulkhead '" + name + "' is shut down"));
    }

    /** Takes a place if fewer than threads + queueCapacity tasks are in the bulkhead. */
    private boolean admit() {
        for (;;) {
            long n = inUse.get();
            if (n >= capacity) {
                return false;
            }
            if (inUse.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Runs {@code task} on the pool and waits for it.
     *
     * @throws BulkheadFullException if pool and queue are full
     * @throws InterruptedException if the caller is interrupted while waiting (the task is cancelled)
     * @throws Exception the task's own exception, unchanged
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        CompletableFuture<T> future = submit(task);
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw Calls.causeOf(e);
        }
    }

    /**
     * Starts an asynchronous task from a pool thread; the returned future completes with the
     * task's. Cancelling it cancels the task's future.
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        CompletableFuture<T> result = new CompletableFuture<>();
        CompletableFuture<CompletableFuture<T>> started = submit(() -> Calls.start(task));
        started.whenComplete((future, error) -> {
            if (error != null) {
                result.completeExceptionally(Calls.unwrap(error));
                return;
            }
            future.whenComplete((value, e) -> {
                if (e == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(Calls.unwrap(e));
                }
            });
            result.whenComplete((v, e) -> {
                if (result.isCancelled()) {
                    future.cancel(true);
                }
            });
        });
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                started.cancel(true);
            }
        });
        return result;
    }

    /** Stops accepting tasks; queued and running tasks finish. Does not wait. */
    public void shutdown() {
        executor.shutdown();
    }

    /** Stops accepting tasks, interrupts running ones and cancels the futures of queued ones. */
    public void shutdownNow() {
        List<Runnable> queued = executor.shutdownNow();
        for (Runnable runnable : queued) {
            if (runnable instanceof Job<?> job) {
                job.cancel(false);
            }
        }
    }

    /**
     * Waits up to {@code timeout} for every task to finish after a shutdown.
     *
     * @param timeout the longest wait
     * @throws InterruptedException if the wait is interrupted
     * @return whether they all finished
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** {@return whether the bulkhead is shut down and every task has finished} */
    public boolean isTerminated() {
        return executor.isTerminated();
    }

    /**
     * Shuts down and waits for queued and running tasks to finish. If interrupted while waiting, it
     * interrupts the tasks ({@link #shutdownNow()}) and restores the interrupt flag.
     */
    @Override
    public void close() {
        shutdown();
        try {
            while (!executor.awaitTermination(1, TimeUnit.DAYS)) {
                // keep waiting: close() promises that the tasks have finished
            }
        } catch (InterruptedException e) {
            shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "ThreadPoolBulkhead(" + name + ", " + threads + " threads, queue " + queueCapacity + ")";
    }

    /**
     * A task whose CompletableFuture is completed by FutureTask.done(): cancellation interrupts only
     * this task. It holds one place of {@code inUse}, given back exactly once (the phase CAS): when
     * its task has returned or thrown, before its future completes; when it is cancelled while still
     * queued; or when it never got into the pool.
     */
    private final class Job<T> extends FutureTask<T> {
        private static final int QUEUED = 0;
        private static final int RUNNING = 1;
        private static final int RELEASED = 2;

        final CompletableFuture<T> result = new CompletableFuture<>();
        private final AtomicInteger phase = new AtomicInteger(QUEUED);

        Job(Callable<T> task) {
            super(task);
            result.whenComplete((value, error) -> {
                if (result.isCancelled()) {
                    cancel(true);
                }
            });
        }

        @Override
        public void run() {
            if (!phase.compareAndSet(QUEUED, RUNNING)) {
                return; // cancelled while queued: its place is already free
            }
            try {
                super.run();
            } finally {
                release(RUNNING); // cancelled while running: the place frees up only now, as the thread does
            }
        }

        @Override
        protected void done() {
            if (isCancelled()) {
                if (release(QUEUED)) {
                    executor.remove(this); // a cancelled task must not sit in the queue
                }
                result.cancel(false);
                return;
            }
            // The task has returned or thrown: free its place before anyone can see the outcome, so a
            // caller that waits for each task before submitting the next always finds a place.
            release(RUNNING);
            try {
                result.complete(get());
            } catch (ExecutionException e) {
                result.completeExceptionally(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // cannot happen: done() runs after completion
            }
        }

        /** Never reached the pool (shut down meanwhile). */
        void abandon() {
            release(QUEUED);
        }

        private boolean release(int from) {
            if (phase.compareAndSet(from, RELEASED)) {
                inUse.decrementAndGet();
                return true;
            }
            return false;
        }
    }

    /** Builds a {@link ThreadPoolBulkhead}. Every method returns this builder. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int queueCapacity = 100;
        private Duration keepAlive = Duration.ofMinutes(1);

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The most tasks that run at once.
         *
         * @param threads the most tasks that run at once
         * @return this builder
         * @throws IllegalArgumentException if {@code threads < 1}
         */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be >= 1, was " + threads);
            }
            this.threads = threads;
            return this;
        }

        /**
         * The most tasks that wait for a thread; 0 hands tasks straight to a free thread or rejects them.
         *
         * @param queueCapacity the most tasks that wait, zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder queueCapacity(int queueCapacity) {
            if (queueCapacity < 0) {
                throw new IllegalArgumentException("queueCapacity must be >= 0, was " + queueCapacity);
            }
            this.queueCapacity = queueCapacity;
            return this;
        }

        /**
         * How long an idle thread lives. Default one minute.
         *
         * @param keepAlive how long an idle thread lives, positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder keepAlive(Duration keepAlive) {
            this.keepAlive = Tripper.positive("keepAlive", keepAlive);
            return this;
        }

        /**
         * Builds the bulkhead and its (initially empty) pool.
         *
         * @return a new bulkhead
         */
        public ThreadPoolBulkhead build() {
            return new ThreadPoolBulkhead(name, threads, queueCapacity, keepAlive);
        }

        /** A copy of this builder under another name (for registries). */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.threads = threads;
            b.queueCapacity = queueCapacity;
            b.keepAlive = keepAlive;
            return b;
        }
    }
}
