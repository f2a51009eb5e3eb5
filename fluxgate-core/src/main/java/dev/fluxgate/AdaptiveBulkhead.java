package dev.fluxgate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A bulkhead whose limit learns itself: it limits how many calls run at once, like {@link Bulkhead},
 * but moves the limit with the latency and the drops it measures, so that nobody has to know the
 * downstream's capacity (and nobody has to change the number when that capacity changes).
 *
 * <pre>{@code
 * AdaptiveBulkhead bulkhead = AdaptiveBulkhead.builder("inventory")
 *         .algorithm(AdaptiveBulkhead.Algorithm.GRADIENT)
 *         .limits(5, 20, 200)                               // min, initial, max
 *         .build();
 * Stock s = bulkhead.call(() -> inventory.lookup(sku));     // BulkheadFullException when limit() calls are in flight
 * }</pre>
 *
 * <h2>Admission</h2>
 * A call is admitted when fewer than {@link #limit()} calls are in flight, and is otherwise rejected at
 * once with a {@link BulkheadFullException} whose message names the bulkhead and the limit in force (a
 * local rejection: a {@link CircuitBreaker} outside does not count it as a failure; see
 * {@link RejectedException}). There is no waiting. Admission is a compare-and-set of the in-flight count
 * against the limit, a volatile read: no lock. The in-flight count never exceeds the limit that was in
 * force when the last call was admitted; when the limit falls below the in-flight count, calls already
 * running go on, and no new call is admitted until the count is below the new limit.
 *
 * <p>Reactive and coroutine code, which runs the call itself, takes a slot with {@link #tryAcquire()} or
 * {@link #acquire()} and reports the outcome on the returned {@link Lease}.
 *
 * <h2>Samples</h2>
 * Each admitted call is timed on the builder's {@link Ticker}, from just before admission until the task
 * returns or throws ({@link #call}) or its future completes ({@link #callAsync}). Its outcome is one of:
 * <ul>
 *   <li>a <em>success</em> (a result): a sample with that round-trip time (RTT);</li>
 *   <li>a <em>drop</em>: a failure that {@link Builder#dropOn the drop predicate} accepts (by default a
 *       {@link TimeoutException} or {@link TimeoutExceededException}): a sign of overload, which always
 *       lowers the limit;</li>
 *   <li>any other failure, or a cancellation: ignored; it frees its slot and moves nothing.</li>
 * </ul>
 *
 * <h2>Algorithms</h2>
 * The limit is kept as a real number (the <em>estimate</em>) and the limit in force is its integer part,
 * clamped to [{@code minLimit}, {@code maxLimit}]. {@code inFlight} below is the in-flight count just
 * after the sampled call was admitted.
 * <ul>
 *   <li>{@link Algorithm#AIMD} (additive increase, multiplicative decrease, as TCP's congestion
 *       avoidance): a drop, or a success slower than {@code latencyThreshold}, multiplies the estimate
 *       by {@code backoffRatio}; a success no slower than it, when {@code inFlight * 2 >= estimate} (the
 *       limit was being used: an idle service proves nothing), adds {@code 1 / estimate}, that is about
 *       one per round trip at full use.</li>
 *   <li>{@link Algorithm#GRADIENT} (after Netflix concurrency-limits' Gradient2): a long RTT, the
 *       baseline, is the exponential average over {@code longWindow} samples of the sample RTTs no slower
 *       than itself (the plain average of the first ten; any sample while the limit is at its minimum), so
 *       it tracks the fast end of unloaded RTTs and cannot creep up under overload. Each success's (short)
 *       RTT gives {@code gradient = clamp(rttTolerance * longRtt / shortRtt, 0.5, 1)} and {@code target =
 *       estimate * gradient + queueSize}, and the estimate moves toward the target by {@code smoothing /
 *       estimate} of the way: about {@code smoothing} of the way per round trip, since about {@code
 *       estimate} samples arrive per round trip (Gradient2 moves that far per sample, which overshoots and
 *       swings the limit). A success with {@code inFlight < estimate / 2} may lower the estimate but not
 *       raise it (an unused limit proves nothing about growth). When the long RTT is more than twice the
 *       short one (the load has gone), the long RTT is cut by 5% per sample so that it follows faster. A
 *       drop counts as a gradient of 0.5, moved {@code smoothing} of the way at once.</li>
 * </ul>
 * <p><b>Where it settles.</b> For a downstream whose RTT stays flat up to C calls in flight and grows in
 * proportion beyond (queueing), GRADIENT settles near {@code rttTolerance * C + queueSize} and AIMD near
 * {@code C * latencyThreshold / unloaded RTT}. With the defaults (tolerance 1.5, queue size 4) that is
 * about 1.5 C + 4, a limit that trades some queueing for never starving a downstream whose RTT is noisy;
 * a tolerance near 1 and a small queue size hold it closer to C. The convergence test (a simulated service
 * of capacity 20, then 5, then 20 again, with 60 callers; RTT jitter +-10%) holds both algorithms to a
 * time-averaged limit within [0.8 C, 1.5 C] in every phase, GRADIENT with tolerance 1.1 and queue size 2
 * and AIMD with a threshold of 1.25 unloaded RTTs, and every reading within [0.6 C, 2 C].
 * <p>In both, a back-off (a drop; for AIMD also a slow success) lowers the estimate at most once per round trip:
 * a sample whose call started before the last decrease does not lower it again, since it measured the
 * load from before that decrease (TCP's rule; without it a burst of slow calls collapses the limit to
 * its minimum).
 *
 * <h2>Thread-safety</h2>
 * An adaptive bulkhead is safe for concurrent use. Admission takes no lock. Applying a sample takes a
 * small lock held only for the arithmetic above, never while user code runs (tasks, listeners and the
 * drop predicate run outside it). The success path allocates nothing and tells listeners nothing unless
 * the limit changed. {@link #limit()} and {@link #inFlight()} are a moment's reading; the counters are
 * striped and may lag calls in progress.
 *
 * <p><b>Plugged-in code.</b> A listener or drop predicate that throws anything is logged at
 * {@code WARNING} and ignored (a throwing predicate counts the failure as ignored, not as a drop): it
 * never changes a caller's outcome or leaves a slot taken. A {@link Ticker} that throws is not plugged-in
 * code: its exception reaches the caller, after the call's slot is freed.
 */
public final class AdaptiveBulkhead implements Policy {

    /** How an {@link AdaptiveBulkhead} moves its limit; see the class comment for the exact rules. */
    public enum Algorithm {
        /** Additive increase, multiplicative decrease on a drop or a sample above the latency threshold. */
        AIMD,
        /** The limit scaled by long RTT / short RTT, smoothed, with a queue-size allowance (Gradient2). */
        GRADIENT
    }

    private static final System.Logger LOG = System.getLogger(AdaptiveBulkhead.class.getName());
    /** The long RTT is a plain average for this many samples, then an exponential one. */
    private static final int WARMUP_SAMPLES = 10;

    private final String name;
    private final String owner;
    private final Algorithm algorithm;
    private final int minLimit;
    private final int maxLimit;
    private final double smoothing;
    private final double backoffRatio;
    private final long latencyThresholdNanos;
    private final double rttTolerance;
    private final int queueSize;
    private final int longWindow;
    private final Predicate<? super Throwable> dropOn;
    private final Ticker ticker;

    /** The limit in force: read by every admission, written under {@link #update}. */
    private volatile int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder permitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private volatile long lastRttNanos = -1;

    /** Guards the algorithm's state below; held only for arithmetic. */
    private final ReentrantLock update = new ReentrantLock();
    private double estimate;
    private double longRtt;
    private long samples;
    private long lastBackOffAt;
    private boolean backedOff;

    private final ListenerArray<AdaptiveBulkheadListener> listeners;

    private AdaptiveBulkhead(Builder b) {
        this.name = b.name;
        this.owner = Plugged.owner("AdaptiveBulkhead", b.name);
        this.algorithm = b.algorithm;
        this.minLimit = b.minLimit;
        this.maxLimit = b.maxLimit;
        this.smoothing = b.smoothing;
        this.backoffRatio = b.backoffRatio;
        this.latencyThresholdNanos = b.latencyThreshold.toNanos();
        this.rttTolerance = b.rttTolerance;
        this.queueSize = b.queueSize;
        this.longWindow = b.longWindow;
        this.dropOn = b.dropOn;
        this.ticker = b.ticker;
        this.estimate = b.initialLimit;
        this.limit = b.initialLimit;
        this.listeners = new ListenerArray<>(new AdaptiveBulkheadListener[0], b.listeners);
    }

    /**
     * Starts a builder: {@link Algorithm#GRADIENT}, limits 1 / 20 / 200 (min / initial / max), smoothing
     * 0.2, queue size 4, RTT tolerance 1.5, long window 600 samples; for AIMD a backoff ratio of 0.9 and a
     * latency threshold of 5 s; drops are timeouts; the system ticker.
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

    /** {@return the algorithm that moves the limit} */
    public Algorithm algorithm() {
        return algorithm;
    }

    /** {@return the limit in force now: the most calls admitted to run at once} */
    public int limit() {
        return limit;
    }

    /** {@return the lowest limit the algorithm may set} */
    public int minLimit() {
        return minLimit;
    }

    /** {@return the highest limit the algorithm may set} */
    public int maxLimit() {
        return maxLimit;
    }

    /** {@return the calls admitted and not yet finished} */
    public int inFlight() {
        return inFlight.get();
    }

    /** {@return the calls admitted since the bulkhead was built} */
    public long permittedCalls() {
        return permitted.sum();
    }

    /** {@return the calls rejected with {@link BulkheadFullException} since the bulkhead was built} */
    public long rejectedCalls() {
        return rejected.sum();
    }

    /** {@return the calls that ended in a drop (see the class comment) since the bulkhead was built} */
    public long droppedCalls() {
        return dropped.sum();
    }

    /** {@return the calls whose failure or cancellation was ignored by the algorithm} */
    public long ignoredCalls() {
        return ignored.sum();
    }

    /**
     * The round-trip time of the last sampled call (a success or a drop).
     *
     * @return the last measured RTT, or {@link Duration#ZERO} before any sample
     */
    public Duration lastRtt() {
        long rtt = lastRttNanos;
        return rtt < 0 ? Duration.ZERO : Duration.ofNanos(rtt);
    }

    /** {@return the ticker round-trip times are measured on} */
    public Ticker ticker() {
        return ticker;
    }

    // ---- listeners ----

    /**
     * Adds a listener; listeners hear events in the order added (see {@link AdaptiveBulkheadListener}).
     *
     * @param listener the listener
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(AdaptiveBulkheadListener listener) {
        listeners.add(listener);
    }

    /**
     * Removes a listener (its first occurrence).
     *
     * @param listener the listener
     * @return whether it was there
     */
    public boolean removeListener(AdaptiveBulkheadListener listener) {
        return listeners.remove(listener);
    }

    /** Drops every listener (a registry does this when it removes the bulkhead). */
    public void removeAllListeners() {
        listeners.clear();
    }

    // ---- running calls ----

    /**
     * Runs {@code task} if fewer than {@link #limit()} calls are in flight, and samples it.
     *
     * @throws BulkheadFullException if {@link #limit()} calls are in flight
     * @throws Exception the task's own exception, unchanged
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        long start = ticker.read();
        int admittedAt = admit();
        T value;
        try {
            value = task.call();
        } catch (Throwable t) {
            finish(start, admittedAt, t);
            throw t;
        }
        finish(start, admittedAt, null);
        return value;
    }

    /**
     * Runs an asynchronous task if fewer than {@link #limit()} calls are in flight, holding its slot
     * until the task's future completes, and samples it. Never waits: when full the returned future
     * fails at once with {@link BulkheadFullException} and the task is not started. Cancelling the
     * returned future cancels the task's future, which frees the slot (a cancellation is not sampled).
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        long start = ticker.read();
        int admittedAt;
        try {
            admittedAt = admit();
        } catch (BulkheadFullException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<T> future = Calls.start(task);
        CompletableFuture<T> result = new CompletableFuture<>();
        future.whenComplete((value, error) -> {
            try {
                finish(start, admittedAt, error == null ? null : Calls.unwrap(error));
            } catch (RuntimeException | Error tickerFailed) {
                result.completeExceptionally(tickerFailed); // the slot is free; see the class comment
                return;
            }
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

    /** Takes a slot or throws; returns the in-flight count just after taking it. */
    private int admit() {
        for (;;) {
            int current = inFlight.get();
            int max = limit;
            if (current >= max) {
                rejected.increment();
                onRejected(max);
                throw new BulkheadFullException(name, "AdaptiveBulkhead '" + name + "' is full (limit " + max
                        + ", " + current + " in flight)");
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                permitted.increment();
                return current + 1;
            }
        }
    }

    /** Frees the slot and applies the sample; {@code failure} is null for a success. */
    private void finish(long start, int admittedAt, @Nullable Throwable failure) {
        finish(start, admittedAt, failure == null ? SUCCESS : isDrop(failure) ? DROP : IGNORE);
    }

    private static final int SUCCESS = 0;
    private static final int DROP = 1;
    private static final int IGNORE = 2;

    /** Frees the slot and applies the sample of the given outcome. */
    private void finish(long start, int admittedAt, int outcome) {
        try {
            if (outcome == IGNORE) {
                ignored.increment();
                return;
            }
            boolean drop = outcome == DROP;
            if (drop) {
                dropped.increment();
            }
            long rtt = Math.max(0, ticker.read() - start);
            lastRttNanos = rtt;
            int before = limit;
            int after = sample(start, rtt, admittedAt, drop);
            if (after != before) {
                notifyLimitChanged(before, after);
            }
        } finally {
            inFlight.decrementAndGet();
        }
    }

    // ---- non-blocking permits, for reactive and coroutine code ----

    /**
     * Takes a slot without running anything, for code that runs the call itself (a reactive operator, a
     * coroutine): returns a {@link Lease} if fewer than {@link #limit()} calls are in flight, else
     * {@code null} (counted as a rejection; listeners hear {@code onRejected}). Never waits. The call's RTT
     * is measured on the {@link #ticker()} from just before this method took the slot until the lease is
     * finished. The caller must finish the lease exactly once (only the first finish counts).
     *
     * <pre>{@code
     * AdaptiveBulkhead.Lease lease = bulkhead.tryAcquire();
     * if (lease == null) { return reject(); }
     * client.send(request).whenComplete((r, e) -> {
     *     if (e == null) lease.onSuccess(); else lease.onFailure(e);
     * });
     * }</pre>
     *
     * @return a lease on one slot, or null when the bulkhead is full
     */
    public @Nullable Lease tryAcquire() {
        long start = ticker.read();
        for (;;) {
            int current = inFlight.get();
            int max = limit;
            if (current >= max) {
                rejected.increment();
                onRejected(max);
                return null;
            }
            if (inFlight.compareAndSet(current, current + 1)) {
                permitted.increment();
                return new Lease(this, start, current + 1);
            }
        }
    }

    /**
     * Like {@link #tryAcquire()}, but throws when full.
     *
     * @return a lease on one slot, to finish exactly once
     * @throws BulkheadFullException if {@link #limit()} calls are in flight
     */
    public Lease acquire() {
        long start = ticker.read();
        return new Lease(this, start, admit());
    }

    /**
     * One slot of an {@link AdaptiveBulkhead}, taken by {@link #tryAcquire()} or {@link #acquire()}: the
     * holder reports how the call ended with exactly one of {@link #onSuccess()}, {@link #onDropped()},
     * {@link #onFailure(Throwable)} or {@link #release()}; that frees the slot and, for a success or a drop,
     * applies the sample (RTT measured from acquisition on the bulkhead's ticker). Only the first of these
     * counts; later ones do nothing and return {@code false}, so a cancellation racing a completion frees
     * the slot once. {@link #close()} is {@link #release()}, for try-with-resources. Thread-safe.
     */
    public static final class Lease implements AutoCloseable {
        private static final VarHandle DONE;

        static {
            try {
                DONE = MethodHandles.lookup().findVarHandle(Lease.class, "done", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final AdaptiveBulkhead bulkhead;
        private final long start;
        private final int admittedAt;
        @SuppressWarnings("unused") // read and written through DONE
        private volatile int done;

        private Lease(AdaptiveBulkhead bulkhead, long start, int admittedAt) {
            this.bulkhead = bulkhead;
            this.start = start;
            this.admittedAt = admittedAt;
        }

        private boolean finish(int outcome) {
            if (!DONE.compareAndSet(this, 0, 1)) {
                return false;
            }
            bulkhead.finish(start, admittedAt, outcome);
            return true;
        }

        /**
         * The call succeeded: frees the slot and samples its RTT.
         *
         * @return whether this was the lease's first finish (and so counted)
         */
        public boolean onSuccess() {
            return finish(SUCCESS);
        }

        /**
         * The call was dropped (timed out, shed by the downstream: a sign of overload): frees the slot and
         * lowers the limit as a drop does, whatever the bulkhead's drop predicate says.
         *
         * @return whether this was the lease's first finish (and so counted)
         */
        public boolean onDropped() {
            return finish(DROP);
        }

        /**
         * The call failed: a drop if the bulkhead's drop predicate accepts {@code failure}, else ignored
         * (see the class comment of {@link AdaptiveBulkhead}); frees the slot either way.
         *
         * @param failure what the call failed with
         * @return whether this was the lease's first finish (and so counted)
         * @throws NullPointerException if {@code failure} is null (the slot is still freed)
         */
        public boolean onFailure(Throwable failure) {
            if (failure == null) {
                finish(IGNORE);
                throw new NullPointerException("failure");
            }
            return finish(bulkhead.isDrop(failure) ? DROP : IGNORE);
        }

        /**
         * Frees the slot without a sample (a cancellation, or an outcome that says nothing about load).
         *
         * @return whether this was the lease's first finish (and so counted)
         */
        public boolean release() {
            return finish(IGNORE);
        }

        /** Same as {@link #release()}: frees the slot unless the lease was already finished. */
        @Override
        public void close() {
            release();
        }

        /** {@return the bulkhead this lease holds a slot of} */
        public AdaptiveBulkhead bulkhead() {
            return bulkhead;
        }

        @Override
        public String toString() {
            return "AdaptiveBulkhead.Lease(" + bulkhead.name + (done != 0 ? ", finished)" : ")");
        }
    }

    private boolean isDrop(Throwable failure) {
        try {
            return dropOn.test(failure);
        } catch (Throwable e) {
            Plugged.failed(LOG, owner, "drop predicate", dropOn, "the failure is ignored, not a drop", e);
            return false;
        }
    }

    /** Applies one sample under the update lock; returns the limit in force after it. */
    private int sample(long start, long rtt, int admittedAt, boolean drop) {
        update.lock();
        try {
            // A sample that started before the last decrease measured the old load: no second decrease.
            boolean mayBackOff = !backedOff || start - lastBackOffAt >= 0;
            double next = estimate;
            boolean backOff = false;
            if (algorithm == Algorithm.AIMD) {
                if (drop || rtt > latencyThresholdNanos) {
                    backOff = mayBackOff;
                    next = backOff ? estimate * backoffRatio : estimate;
                } else if (admittedAt * 2.0 >= estimate) {
                    next = estimate + 1.0 / estimate;
                }
            } else if (drop) {
                backOff = mayBackOff;
                next = backOff ? estimate * (1 - smoothing) + (estimate * 0.5 + queueSize) * smoothing : estimate;
            } else {
                double shortRtt = Math.max(1, rtt);
                if (samples < WARMUP_SAMPLES) {
                    samples++;
                    longRtt += (shortRtt - longRtt) / samples;
                } else if (shortRtt <= longRtt || estimate <= minLimit) {
                    // Only samples no slower than the baseline (or taken at the minimum limit) teach it, so
                    // it tracks the fast end of unloaded RTTs, as Vegas' minimum RTT does: fed the slower
                    // ones, it creeps up under overload and the limit with it (Gradient2's drift).
                    longRtt += (shortRtt - longRtt) * 2.0 / (longWindow + 1);
                }
                if (longRtt / shortRtt > 2) {
                    longRtt *= 0.95; // the load has gone: let the long RTT follow faster
                }
                double gradient = Math.max(0.5, Math.min(1.0, rttTolerance * longRtt / shortRtt));
                double target = estimate * gradient + queueSize;
                // About estimate samples arrive per round trip: weighting each by smoothing / estimate moves
                // the estimate by about smoothing of the way per round trip (Gradient2 moves it that far per
                // sample, which overshoots by the samples still in flight and swings the limit wildly).
                double weight = smoothing / Math.max(1.0, estimate);
                double smoothed = estimate + (target - estimate) * weight;
                // A limit far above use proves nothing about growth; but rising latency still lowers it
                // (Gradient2 skips these samples altogether, which strands an unused limit far above
                // a capacity that has fallen).
                next = admittedAt >= estimate / 2 ? smoothed : Math.min(estimate, smoothed);
            }
            next = Math.max(minLimit, Math.min(maxLimit, next));
            if (backOff) {
                backedOff = true;
                lastBackOffAt = start + rtt;
            }
            estimate = next;
            int published = (int) next;
            limit = published;
            return published;
        } finally {
            update.unlock();
        }
    }

    private void onRejected(int max) {
        for (AdaptiveBulkheadListener l : listeners.snapshot()) {
            try {
                l.onRejected(this, max);
            } catch (Throwable e) {
                Plugged.failed(LOG, owner, "listener", l, "ignored", e);
            }
        }
    }

    private void notifyLimitChanged(int before, int after) {
        for (AdaptiveBulkheadListener l : listeners.snapshot()) {
            try {
                l.onLimitChanged(this, before, after);
            } catch (Throwable e) {
                Plugged.failed(LOG, owner, "listener", l, "ignored", e);
            }
        }
    }

    @Override
    public String toString() {
        return "AdaptiveBulkhead(" + name + ", " + algorithm + ", limit " + limit + ")";
    }

    /** Builds an {@link AdaptiveBulkhead}. Every method returns this builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final String name;
        private Algorithm algorithm = Algorithm.GRADIENT;
        private int minLimit = 1;
        private int initialLimit = 20;
        private int maxLimit = 200;
        private double smoothing = 0.2;
        private double backoffRatio = 0.9;
        private Duration latencyThreshold = Duration.ofSeconds(5);
        private double rttTolerance = 1.5;
        private int queueSize = 4;
        private int longWindow = 600;
        private Predicate<? super Throwable> dropOn = AdaptiveBulkhead::isTimeout;
        private Ticker ticker = Ticker.system();
        private final List<AdaptiveBulkheadListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The algorithm. Default {@link Algorithm#GRADIENT}.
         *
         * @param algorithm the algorithm
         * @return this builder
         */
        public Builder algorithm(Algorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /**
         * The lowest, first and highest limit. Defaults 1, 20, 200. Checked at {@link #build()}:
         * {@code 1 <= minLimit <= initialLimit <= maxLimit}.
         *
         * @param minLimit the lowest limit the algorithm may set
         * @param initialLimit the limit in force when built
         * @param maxLimit the highest limit the algorithm may set
         * @return this builder
         */
        public Builder limits(int minLimit, int initialLimit, int maxLimit) {
            this.minLimit = minLimit;
            this.initialLimit = initialLimit;
            this.maxLimit = maxLimit;
            return this;
        }

        /**
         * GRADIENT: how far the estimate moves toward the gradient's target per round trip (each sample moves
         * it {@code smoothing / estimate} of the way), in (0, 1]. Default 0.2.
         *
         * @param smoothing the weight of the new target
         * @return this builder
         */
        public Builder smoothing(double smoothing) {
            this.smoothing = smoothing;
            return this;
        }

        /**
         * AIMD: what a decrease multiplies the estimate by, in [0.5, 1). Default 0.9.
         *
         * @param backoffRatio the multiplicative decrease
         * @return this builder
         */
        public Builder backoffRatio(double backoffRatio) {
            this.backoffRatio = backoffRatio;
            return this;
        }

        /**
         * AIMD: a success slower than this is treated as a sign of overload (a decrease). Default 5 s;
         * positive.
         *
         * @param latencyThreshold the slowest RTT that still counts as healthy
         * @return this builder
         */
        public Builder latencyThreshold(Duration latencyThreshold) {
            this.latencyThreshold = Objects.requireNonNull(latencyThreshold, "latencyThreshold");
            return this;
        }

        /**
         * GRADIENT: how much slower than the long RTT a sample may be before the limit shrinks, at least
         * 1. Default 1.5.
         *
         * @param rttTolerance the tolerated ratio of short to long RTT
         * @return this builder
         */
        public Builder rttTolerance(double rttTolerance) {
            this.rttTolerance = rttTolerance;
            return this;
        }

        /**
         * GRADIENT: the calls the limit allows beyond what the gradient gives, so that it can probe
         * upward; at least 0. Default 4.
         *
         * @param queueSize the queue-size allowance
         * @return this builder
         */
        public Builder queueSize(int queueSize) {
            this.queueSize = queueSize;
            return this;
        }

        /**
         * GRADIENT: the samples the long RTT averages over, at least 1. Default 600.
         *
         * @param samples the long window
         * @return this builder
         */
        public Builder longWindow(int samples) {
            this.longWindow = samples;
            return this;
        }

        /**
         * Which failures are drops (signs of overload that lower the limit); other failures are ignored.
         * Default: a {@link TimeoutException} or {@link TimeoutExceededException}. A predicate that throws
         * counts the failure as ignored.
         *
         * @param dropOn the predicate
         * @return this builder
         */
        public Builder dropOn(Predicate<? super Throwable> dropOn) {
            this.dropOn = Objects.requireNonNull(dropOn, "dropOn");
            return this;
        }

        /**
         * The ticker RTTs are measured on. Default {@link Ticker#system()}.
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Adds a listener to every bulkhead this builder builds.
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(AdaptiveBulkheadListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the bulkhead, checking every parameter.
         *
         * @return a new bulkhead with nothing in flight and the initial limit in force
         * @throws IllegalArgumentException naming the first parameter outside its range
         */
        public AdaptiveBulkhead build() {
            if (minLimit < 1) {
                throw new IllegalArgumentException("minLimit must be >= 1, was " + minLimit);
            }
            if (maxLimit < minLimit) {
                throw new IllegalArgumentException("maxLimit must be >= minLimit (" + minLimit + "), was " + maxLimit);
            }
            if (initialLimit < minLimit || initialLimit > maxLimit) {
                throw new IllegalArgumentException("initialLimit must be in [minLimit, maxLimit] = [" + minLimit
                        + ", " + maxLimit + "], was " + initialLimit);
            }
            if (!(smoothing > 0 && smoothing <= 1)) {
                throw new IllegalArgumentException("smoothing must be in (0, 1], was " + smoothing);
            }
            if (!(backoffRatio >= 0.5 && backoffRatio < 1)) {
                throw new IllegalArgumentException("backoffRatio must be in [0.5, 1), was " + backoffRatio);
            }
            if (latencyThreshold.isNegative() || latencyThreshold.isZero()) {
                throw new IllegalArgumentException("latencyThreshold must be positive, was " + latencyThreshold);
            }
            if (!(rttTolerance >= 1 && rttTolerance < Double.POSITIVE_INFINITY)) {
                throw new IllegalArgumentException("rttTolerance must be in [1, infinity), was " + rttTolerance);
            }
            if (queueSize < 0) {
                throw new IllegalArgumentException("queueSize must be >= 0, was " + queueSize);
            }
            if (longWindow < 1) {
                throw new IllegalArgumentException("longWindow must be >= 1, was " + longWindow);
            }
            return new AdaptiveBulkhead(this);
        }

        /** A copy of this builder under another name (for registries); listeners are shared. */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.algorithm = algorithm;
            b.minLimit = minLimit;
            b.initialLimit = initialLimit;
            b.maxLimit = maxLimit;
            b.smoothing = smoothing;
            b.backoffRatio = backoffRatio;
            b.latencyThreshold = latencyThreshold;
            b.rttTolerance = rttTolerance;
            b.queueSize = queueSize;
            b.longWindow = longWindow;
            b.dropOn = dropOn;
            b.ticker = ticker;
            b.listeners.addAll(listeners);
            return b;
        }
    }

    private static boolean isTimeout(Throwable t) {
        return t instanceof TimeoutException || t instanceof TimeoutExceededException;
    }
}
