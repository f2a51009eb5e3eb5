package dev.fluxgate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A scheduler on fake time, for the core's own tests: nothing runs until {@link #advance} moves the
 * time past a task's due time, and then the task runs on the advancing thread. One-shot schedules
 * only; safe for concurrent use.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

    private final TestTicker ticker;
    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
    private final Semaphore scheduled = new Semaphore(0);
    private long sequence;
    private volatile boolean shutdown;

    ManualScheduler(TestTicker ticker) {
        this.ticker = ticker;
    }

    /** Moves the fake time on and runs, in due order, every task that has become due. */
    void advance(Duration d) {
        ticker.advance(d);
        for (;;) {
            Task<?> due;
            lock.lock();
            try {
                due = queue.peek();
                if (due == null || due.dueNanos - ticker.read() > 0) {
                    return;
                }
                queue.poll();
            } finally {
                lock.unlock();
            }
            due.run();
        }
    }

    /** Waits (for a condition, not for time) until one more task has been scheduled since the last such wait. */
    boolean awaitScheduled() throws InterruptedException {
        return scheduled.tryAcquire(10, TimeUnit.SECONDS);
    }

    /** Tasks scheduled and neither run nor cancelled. */
    int pending() {
        lock.lock();
        try {
            queue.removeIf(Task::isCancelled);
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        return schedule(Executors.callable(command), delay, unit);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        lock.lock();
        try {
            Task<V> task = new Task<>(callable, ticker.read() + unit.toNanos(delay), sequence++);
            queue.add(task);
            return task;
        } finally {
            lock.unlock();
            scheduled.release();
        }
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException("one-shot schedules only");
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException("one-shot schedules only");
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        return new ArrayList<>();
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return shutdown;
    }

    private final class Task<V> extends FutureTask<V> implements ScheduledFuture<V> {
        final long dueNanos;
        final long seq;

        Task(Callable<V> callable, long dueNanos, long seq) {
            super(callable);
            this.dueNanos = dueNanos;
            this.seq = seq;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - ticker.read(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            Task<?> o = (Task<?>) other;
            int byDue = Long.compare(dueNanos - o.dueNanos, 0);
            return byDue != 0 ? byDue : Long.compare(seq, o.seq);
        }
    }
}
