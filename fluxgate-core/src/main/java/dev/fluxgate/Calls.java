package dev.fluxgate;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** Helpers shared by the policies: exception mapping, async plumbing, the shared scheduler. */
final class Calls {

    /** Jitter from the calling thread's {@link ThreadLocalRandom}: no contention, no shared state. */
    static final RandomGenerator THREAD_LOCAL_RANDOM = new RandomGenerator() {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public double nextDouble() {
            return ThreadLocalRandom.current().nextDouble();
        }

        @Override
        public String toString() {
            return "ThreadLocalRandom";
        }
    };

    private Calls() {
    }

    /**
     * Maps a checked exception for the unchecked {@code get}/{@code run} methods: a timeout becomes
     * {@link TimeoutExceededException}; an interrupt restores the flag and becomes a
     * {@link CancellationException}; anything else a {@link CompletionException}.
     */
    static RuntimeException unchecked(Exception e) {
        if (e instanceof RuntimeException r) {
            return r;
        }
        if (e instanceof TimeoutException t) {
            return new TimeoutExceededException(t);
        }
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
            CancellationException c = new CancellationException("interrupted while waiting");
            c.initCause(e);
            return c;
        }
        return new CompletionException(e);
    }

    /** Runs a callable that can only throw what the policies add, mapping checked exceptions. */
    static <T> T unchecked(Callable<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw unchecked(e);
        }
    }

    /** The task's own exception out of an {@link ExecutionException}: an {@code Error} is thrown as it is. */
    static Exception causeOf(ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
            return ex;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return e;
    }

    /** Runnable as a callable returning null. */
    static Callable<Void> callable(Runnable task) {
        return () -> {
            task.run();
            return null;
        };
    }

    /** The cause of a CompletionException or ExecutionException, the exception itself otherwise. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Calls the supplier; a throw or a null stage becomes a failed future, so callers see one path. */
    static <T> CompletableFuture<T> start(Supplier<? extends CompletionStage<T>> task) {
        try {
            CompletionStage<T> stage = task.get();
            if (stage == null) {
                return CompletableFuture.failedFuture(new NullPointerException("task returned a null CompletionStage"));
            }
            return stage.toCompletableFuture();
        } catch (Throwable e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Runs {@code action} after {@code nanos} on {@code scheduler}; with no scheduler given, on the
     * shared daemon scheduler, which then only hands the action to the common pool. The shared
     * thread thus never runs user code (a task supplier, a future's dependent stages), so one
     * blocking caller cannot delay every other retry and timeout in the process.
     */
    static ScheduledFuture<?> schedule(@Nullable ScheduledExecutorService scheduler, Runnable action, long nanos) {
        if (scheduler != null) {
            return scheduler.schedule(action, nanos, TimeUnit.NANOSECONDS);
        }
        return SharedScheduler.INSTANCE.schedule(() -> ForkJoinPool.commonPool().execute(action), nanos,
                TimeUnit.NANOSECONDS);
    }

    private static final class SharedScheduler {
        static final ScheduledExecutorService INSTANCE = create();

        private static ScheduledExecutorService create() {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, daemonThreads("fluxgate-scheduler"));
            executor.setRemoveOnCancelPolicy(true); // a cancelled timeout must not linger in the queue
            return executor;
        }
    }

    /** A factory of daemon threads named {@code prefix-N}. */
    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
