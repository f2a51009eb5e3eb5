package dev.fluxgate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.AbstractQueuedLongSynchronizer;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Limits how many calls run at once, so that one slow dependency cannot take every thread.
 *
 * <pre>{@code
 * Bulkhead bulkhead = Bulkhead.builder("payments").maxConcurrentCalls(20).maxWait(Duration.ofMillis(50)).build();
 * Receipt r = bulkhead.call(() -> payments.charge(order));   // BulkheadFullException when 20 are busy for 50 ms
 * }</pre>
 *
 * <p>A fair semaphore: waiting callers get slots in arrival order, and a newcomer never takes a slot
 * ahead of a caller already waiting. The limit is exact under any number of racing threads. A
 * synchronous call holds its slot until the task returns or throws; an asynchronous call
 * ({@link #callAsync}) holds it until the task's future completes (or is cancelled), and never
 * waits for a slot: when none is free its future fails at once with {@link BulkheadFullException}.
 *
 * <p>A call that does not wait (a free slot, no maximum wait, or {@link #callAsync}) ignores the
 * caller's interrupt flag and leaves it as it is: an interrupted thread is admitted like any other.
 * Only a call that actually waits for a slot honours an interrupt, which ends the wait: {@link #call}
 * throws {@link InterruptedException}; {@code get} and {@code run} restore the flag and throw a
 * {@link java.util.concurrent.CancellationException} caused by it. Neither is a
 * {@link BulkheadFullException}.
 *
 * <p>The maximum wait is measured on the builder's {@link Ticker}. With {@link Ticker#system()} (the
 * default) a waiting caller simply parks until a slot frees up or the time is up. With any other
 * ticker (a fake one in tests) it re-reads the ticker every {@value #POLL_MILLIS} ms of real time
 * while it waits, so advancing a fake ticker past the maximum wait ends the wait without anyone
 * sleeping; such waiters still get slots, but no longer strictly in arrival order.
 *
 * <p>For a separate pool of threads per dependency, see {@link ThreadPoolBulkhead}. A bulkhead is
 * safe for concurrent use and takes no monitor lock (waiters park in the fair queue of a semaphore
 * built, like {@link java.util.concurrent.Semaphore}, on an
 * {@link java.util.concurrent.locks.AbstractQueuedLongSynchronizer}).
 *
 * <p>Memory consistency effects: as for a {@link java.util.concurrent.Semaphore}, actions in a thread
 * prior to giving a slot back (the end of a task in the bulkhead, {@link #releasePermission()})
 * happen-before actions following a successful acquisition of a slot in another thread. The counters
 * ({@link #rejectedCalls()}, {@link #permittedCalls()}) may lag calls in progress and are exact once
 * calls are quiet (every admission and rejection that has returned is counted);
 * {@link #availablePermits()} and {@link #concurrentCalls()} are a moment's reading.
 */
public final class Bulkhead implements Policy {

    /** How often a caller waiting on a ticker other than the system's re-reads it. */
    static final long POLL_MILLIS = 5;

    private final String name;
    /** Changed only by {@link #reconfigure}, under {@link #resizing}, together with the semaphore. */
    private volatile int maxConcurrentCalls;
    private volatile long maxWaitNanos;
    private final Ticker ticker;
    private final Slots slots;
    private final ReentrantLock resizing = new ReentrantLock();
    private final LongAdder rejected = new LongAdder();

    private Bulkhead(String name, int maxConcurrentCalls, long maxWaitNanos, Ticker ticker) {
        this.name = name;
        this.maxConcurrentCalls = maxConcurrentCalls;
        this.maxWaitNanos = maxWaitNanos;
        this.ticker = ticker;
        this.slots = new Slots(maxConcurrentCalls);
    }

    /**
     * A fair semaphore that also counts its admissions and can give up permits (to shrink the bulkhead
     * while calls run). The state word holds the free permits (signed: a shrink below the calls in
     * flight makes it negative for a while) shifted left by {@link #COUNT_BITS}, and in the low bits the
     * admissions not yet added to {@code flushed}: the compare-and-set that takes a permit also counts
     * it, and the one that wraps the low bits adds {@code 2^COUNT_BITS} to {@code flushed}. So an
     * admission is one atomic instruction rather than two, and the count stays exact: {@code flushed}
     * plus the low bits (as for {@link RateLimiter}'s grants).
     */
    private static final class Slots extends AbstractQueuedLongSynchronizer {
        private static final long serialVersionUID = 1L;
        /** Low bits of the state word that count admissions not yet in {@code flushed}. */
        static final int COUNT_BITS = 8;
        private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
        private static final long ONE_PERMIT = 1L << COUNT_BITS;
        private static final VarHandle WORD;

        static {
            try {
                WORD = MethodHandles.lookup().findVarHandle(Slots.class, "word", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /**
         * The state word (see the class comment). Its own field rather than the synchronizer's state, so
         * that giving permits back is one get-and-add that never retries; the synchronizer keeps the
         * queue of waiters, which only needs tryAcquireShared and tryReleaseShared to act on it.
         */
        private volatile long word;

        /** Admissions counted {@code 2^COUNT_BITS} at a time (see the class comment). */
        private final LongAdder flushed = new LongAdder();

        Slots(int permits) {
            word = permits * ONE_PERMIT;
        }

        int availablePermits() {
            return (int) (word >> COUNT_BITS); // arithmetic shift: floor, right for negatives too
        }

        long admissions() {
            return flushed.sum() + (word & COUNT_MASK);
        }

        /** Takes a free permit now, barging ahead of any waiter (only for a bulkhead nobody waits on). */
        boolean tryAcquire() {
            for (;;) {
                long s = word;
                if (s < ONE_PERMIT) {
                    return false; // no free permit (the count bits alone are below one permit)
                }
                if (take(s)) {
                    return true;
                }
            }
        }

        /** Fair: a free permit, unless a waiter is ahead; as {@link java.util.concurrent.Semaphore}'s. */
        @Override
        protected long tryAcquireShared(long permits) {
            for (;;) {
                if (hasQueuedPredecessors()) {
                    return -1;
                }
                long s = word;
                if (s < ONE_PERMIT) {
                    return -1;
                }
                if (take(s)) {
                    return (s >> COUNT_BITS) - 1; // > 0: the next waiter may try too
                }
            }
        }

        /** One permit less and one admission more, in one compare-and-set; flushes the count when it wraps. */
        private boolean take(long s) {
            long count = (s + 1) & COUNT_MASK;
            if (!WORD.compareAndSet(this, s, (s & ~COUNT_MASK) - ONE_PERMIT | count)) {
                return false;
            }
            if (count == 0) {
                flushed.add(COUNT_MASK + 1); // this admission wrapped the low bits
            }
            return true;
        }

        @Override
        protected boolean tryReleaseShared(long permits) {
            long added = permits * ONE_PERMIT;
            long before = (long) WORD.getAndAdd(this, added);
            if (((before + added) >> COUNT_BITS) > Integer.MAX_VALUE) {
                WORD.getAndAdd(this, -added);
                throw new Error("Maximum permit count exceeded"); // as Semaphore's
            }
            return true; // the synchronizer then wakes the first waiter, if any
        }

        void release(int permits) {
            releaseShared(permits);
        }

        void shrink(int by) {
            for (;;) {
                long s = word;
                long next = s - (long) by * ONE_PERMIT;
                if ((next >> COUNT_BITS) < Integer.MIN_VALUE) {
                    throw new Error("Permit count underflow"); // as Semaphore's
                }
                if (WORD.compareAndSet(this, s, next)) {
                    return;
                }
            }
        }
    }

    /**
     * Replaces this bulkhead's configuration at run time, keeping the calls that hold a slot.
     * <b>Carried over</b>: the calls in flight (each still gives its slot back when it ends) and the
     * counters. A larger {@code maxConcurrentCalls} frees the new slots at once (waiting callers may take
     * them); a smaller one takes effect as calls end: no new call is admitted until fewer than the new
     * maximum run, and the calls already running are never interrupted. The new {@code maxWait} applies to
     * callers that start waiting afterwards. Nothing is reset. The builder's name is not used; its ticker
     * must be this bulkhead's own.
     *
     * <p>Thread safety: safe to call concurrently with calls and other reconfigurations (applied one at a time).
     *
     * @param configuration the new configuration
     * @return what changed and what carried over
     * @throws IllegalArgumentException if the builder names another ticker
     */
    public Reconfiguration reconfigure(Builder configuration) {
        Objects.requireNonNull(configuration, "configuration");
        if (configuration.ticker != ticker) {
            throw new IllegalArgumentException("ticker: a bulkhead keeps the ticker it was built with");
        }
        Map<String, String> before;
        Map<String, String> after;
        resizing.lock();
        try {
            before = describe();
            int delta = configuration.maxConcurrentCalls - maxConcurrentCalls;
            if (delta > 0) {
                slots.release(delta);
            } else if (delta < 0) {
                slots.shrink(-delta); // may go negative: the calls above the new maximum give it back as they end
            }
            maxConcurrentCalls = configuration.maxConcurrentCalls;
            maxWaitNanos = configuration.maxWait.toNanos();
            after = describe(); // under the lock: a concurrent reconfiguration cannot slip in between
        } finally {
            resizing.unlock();
        }
        return new Reconfiguration("Bulkhead", name, Instant.now(), before, after,
                List.of("calls in flight", "counters"), List.of());
    }

    private Map<String, String> describe() {
        return Map.of("maxConcurrentCalls", Integer.toString(maxConcurrentCalls),
                "maxWait", Duration.ofNanos(maxWaitNanos).toString());
    }

    /**
     * A bulkhead of {@code maxConcurrentCalls} that never waits for a slot.
     *
     * @param name the bulkhead's name, for meters and logs
     * @param maxConcurrentCalls the most calls that run at once, at least 1
     * @return a new bulkhead
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Bulkhead of(String name, int maxConcurrentCalls) {
        return builder(name).maxConcurrentCalls(maxConcurrentCalls).build();
    }

    /**
     * Starts a builder: 25 concurrent calls, no wait.
     *
     * @param name the bulkhead's name, for meters and logs
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the bulkhead's name (for meters and logs)} */
    public String name() {
        return name;
    }

    /** {@return the most calls that run at once} */
    public int maxConcurrentCalls() {
        return maxConcurrentCalls;
    }

    /** {@return how long a synchronous caller waits for a slot} */
    public Duration maxWait() {
        return Duration.ofNanos(maxWaitNanos);
    }

    /** {@return the ticker the maximum wait is measured on} */
    public Ticker ticker() {
        return ticker;
    }

    /** {@return the free slots now} */
    public int availablePermits() {
        return Math.max(0, slots.availablePermits()); // below zero for a while after a reconfigure shrank it
    }

    /** {@return the calls running now} */
    public int concurrentCalls() {
        // Two reads: during a resize they may straddle it (the old maximum with the new free slots).
        return Math.max(0, maxConcurrentCalls - slots.availablePermits());
    }

    /** {@return the calls rejected with {@link BulkheadFullException} since the bulkhead was built} */
    public long rejectedCalls() {
        return rejected.sum();
    }

    /**
     * The calls admitted since the bulkhead was built: exact once no call is being admitted (every
     * admission that has returned is counted). While calls are being admitted it may lag them, for a
     * moment by up to 256, while a batch of admissions counted in the slots' state word is carried over
     * to its counter.
     *
     * @return the calls admitted since the bulkhead was built
     */
    public long permittedCalls() {
        return slots.admissions();
    }

    // ---- low-level slot API, for integrations ----

    /**
     * Takes a slot, waiting up to the maximum wait. Every slot taken must be given back with
     * {@link #releasePermission()} exactly once. A slot free now is taken whatever the interrupt
     * flag says; only an actual wait is interruptible.
     *
     * @throws BulkheadFullException if no slot freed up in time
     * @throws InterruptedException if interrupted while waiting (the flag is then cleared, as usual)
     */
    public void acquirePermission() throws InterruptedException {
        if (!takeFreeSlot() && (maxWaitNanos == 0 || !awaitSlot())) {
            throw full();
        }
    }

    /**
     * Takes a slot if one is free now, never waiting and ignoring the interrupt flag (which it leaves
     * as it is); returns whether it did (a miss counts as a rejection).
     *
     * @return whether a slot was taken; if so, it must be given back with {@link #releasePermission()}
     */
    public boolean tryAcquirePermission() {
        boolean acquired = takeFreeSlot(); // a slot taken is counted as permitted with it (see Slots)
        if (!acquired) {
            rejected.increment();
        }
        return acquired;
    }

    /**
     * A free slot, if there is one and nobody waits for it; never waits and never fails for an
     * interrupt. tryAcquire(0, unit) rather than tryAcquire(), since the untimed form barges ahead of
     * waiters; but the timed form checks the interrupt flag first (and only then: it does not wait),
     * so the flag is set aside for the attempt and put back after it.
     */
    private boolean takeFreeSlot() {
        if (maxWaitNanos == 0) {
            // Nobody ever waits on this semaphore (every caller tries once), so barging passes no one; and
            // the untimed form never looks at the interrupt flag: no flag to set aside.
            return slots.tryAcquire();
        }
        boolean interrupted = Thread.interrupted();
        try {
            for (;;) {
                try {
                    return slots.tryAcquireSharedNanos(1, 0);
                } catch (InterruptedException e) {
                    interrupted = true; // interrupted again since the flag was cleared: try once more
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits up to the maximum wait, on the ticker, for a slot; returns whether it got one. */
    private boolean awaitSlot() throws InterruptedException {
        try {
            if (ticker == Ticker.system()) {
                return slots.tryAcquireSharedNanos(1, maxWaitNanos);
            }
            // Another ticker's nanoseconds need not pass at the speed of real ones: re-read it often.
            long start = ticker.read();
            while (ticker.read() - start < maxWaitNanos) {
                if (slots.tryAcquireSharedNanos(1, TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS))) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            InterruptedException interrupted = new InterruptedException(
                    "Bulkhead '" + name + "': interrupted while waiting for a slot");
            interrupted.initCause(e);
            throw interrupted;
        }
    }

    /** Gives back a slot taken with {@link #acquirePermission()} or {@link #tryAcquirePermission()}. */
    public void releasePermission() {
        slots.release(1);
    }

    private BulkheadFullException full() {
        rejected.increment();
        return new BulkheadFullException(name, "Bulkhead '" + name + "' is full (" + maxConcurrentCalls
                + " concurrent calls" + (maxWaitNanos > 0 ? ", waited " + Durations.format(maxWait()) : "") + ")");
    }

    // ---- running calls ----

    /**
     * Runs {@code task} in a slot.
     *
     * @throws BulkheadFullException if no slot freed up within the maximum wait
     * @throws InterruptedException if interrupted while waiting for a slot
     * @throws Exception the task's own exception, unchanged
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        return execute(null, Resilience.CALLABLE, task);
    }

    /**
     * Runs {@code task} in a slot; exceptions as {@link Policy#get(Supplier)} says (a wait for a slot
     * that is interrupted: a {@link java.util.concurrent.CancellationException}, the flag restored).
     *
     * @throws BulkheadFullException if no slot freed up within the maximum wait
     */
    @Override
    public <T> T get(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        try {
            return execute(null, Resilience.SUPPLIER, task);
        } catch (Exception e) {
            throw Calls.unchecked(e); // without a wrapping lambda per call: the success path allocates nothing
        }
    }

    /** {@link #call}, the task being the rest of {@code pipeline} (or the task itself): see {@link Resilience#proceed}. */
    @SuppressWarnings("TypeParameterUnusedInFormals") // T is the task's result type
    <T> T execute(@Nullable Resilience pipeline, int cursor, Object task) throws Exception {
        acquirePermission();
        try {
            return Resilience.proceed(pipeline, cursor, task);
        } finally {
            slots.release(1);
        }
    }

    /**
     * Runs an asynchronous task in a slot held until its future completes. Never waits: without a
     * free slot the returned future fails at once with {@link BulkheadFullException} and the task is
     * not started. Cancelling the returned future cancels the task's future and frees the slot.
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        if (!tryAcquirePermission()) {
            return CompletableFuture.failedFuture(new BulkheadFullException(name,
                    "Bulkhead '" + name + "' is full (" + maxConcurrentCalls + " concurrent calls)"));
        }
        CompletableFuture<T> future = Calls.start(task);
        CompletableFuture<T> result = new CompletableFuture<>();
        future.whenComplete((value, error) -> {
            slots.release(1); // exactly once: a future completes once
            if (error == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(Calls.unwrap(error));
            }
        });
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                future.cancel(true);
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return "Bulkhead(" + name + ", " + maxConcurrentCalls + ")";
    }

    /** Builds a {@link Bulkhead}. Every method returns this builder. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private int maxConcurrentCalls = 25;
        private Duration maxWait = Duration.ZERO;
        private Ticker ticker = Ticker.system();

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The most calls that run at once. Default 25.
         *
         * @param n the most calls that run at once
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}
         */
        public Builder maxConcurrentCalls(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxConcurrentCalls must be >= 1, was " + n);
            }
            this.maxConcurrentCalls = n;
            return this;
        }

        /**
         * How long a synchronous caller waits for a slot. Default zero (reject at once).
         *
         * @param maxWait zero or positive
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = Tripper.nonNegative("maxWait", maxWait);
            return this;
        }

        /**
         * The ticker the maximum wait is measured on. Default {@link Ticker#system()}; tests pass a
         * fake one and advance it to end a wait (see the class comment).
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Builds the bulkhead.
         *
         * @return a new bulkhead with every slot free
         */
        public Bulkhead build() {
            return new Bulkhead(name, maxConcurrentCalls, maxWait.toNanos(), ticker);
        }

        /** A copy of this builder under another name (for registries). */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.maxConcurrentCalls = maxConcurrentCalls;
            b.maxWait = maxWait;
            b.ticker = ticker;
            return b;
        }
    }
}
