package dev.fluxgate;

import dev.fluxgate.internal.MetricsSnapshot;
import dev.fluxgate.internal.Stripes;
import dev.fluxgate.internal.WindowStore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * The one implementation of {@link CircuitBreaker}.
 *
 * <h2>The state word</h2>
 * One {@code long} holds the state (bits 0-2), the probe slots taken in the current half-open period
 * (bits 3-22) and the generation (bits 23-62). Every transition compare-and-sets it to the next
 * generation, so the OPEN to HALF_OPEN move happens once, the cap on probes per period is exact, and a
 * permit (which is the word it was admitted under, slot count replaced by a probe flag) knows whether
 * its generation is still current. A slot stays taken when its probe records an outcome (the period
 * admits at most {@code maxHalfOpenCalls} probes in total) and is given back only by a probe that
 * ends without one (released, untracked exception, cancellation). The outcomes a period has settled
 * are counted under the lock; once all of its slots have settled, the period decides.
 *
 * <h2>Reading</h2>
 * {@link #state()} and {@link #metrics()} make a due OPEN to HALF_OPEN move themselves (the same CAS a
 * call would make), so a breaker whose cooldown has passed reads as recovering before a call arrives:
 * an instance taken out of readiness for an OPEN breaker gets no calls and would otherwise stay out.
 *
 * <h2>Recording</h2>
 * The window is guarded by a small spin lock (one {@code int}, test-and-test-and-set, released with
 * a plain release store) that is held only for a few hundred nanoseconds of window arithmetic and
 * never while user code runs; waiters spin briefly, then yield, so nothing parks or pins. A
 * success on the CLOSED path takes the lock only if it is free ({@code tryLock}), so single-threaded
 * use records and decides after every call. When the lock is busy the success goes into a striped
 * buffer tagged with its generation and the breaker is marked contended; later successes then buffer
 * directly, and whoever next holds the lock (a failure, a full stripe, a read of the metrics) drains
 * the stripes into the window and decides once for the batch. Failures and probe outcomes always take
 * the lock.
 */
final class FluxgateCircuitBreaker implements CircuitBreaker {

    private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());

    // ---- the state word ----
    static final long STATE_MASK = 0b111;
    static final int PROBE_SHIFT = 3;
    static final long PROBE_UNIT = 1L << PROBE_SHIFT;
    static final long PROBE_MASK = ((1L << 20) - 1) << PROBE_SHIFT;
    static final int GEN_SHIFT = Stripes.COUNT_BITS;
    static final long GEN_MASK = ~((1L << GEN_SHIFT) - 1);
    /** Marks a permit that holds a half-open probe slot. */
    static final long PROBE_FLAG = PROBE_UNIT;

    private static final State[] STATES = State.values();
    private static final int CLOSED = State.CLOSED.ordinal();
    private static final int OPEN = State.OPEN.ordinal();
    private static final int HALF_OPEN = State.HALF_OPEN.ordinal();
    private static final int METRICS_ONLY = State.METRICS_ONLY.ordinal();
    private static final int DISABLED = State.DISABLED.ordinal();
    private static final int FORCED_OPEN = State.FORCED_OPEN.ordinal();

    /** Buffered successes in one stripe that make the buffering thread try to drain. */
    private static final int DRAIN_THRESHOLD = 16;

    private static final VarHandle WORD;
    private static final VarHandle STRIPES;
    private static final VarHandle LOCK;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WORD = lookup.findVarHandle(FluxgateCircuitBreaker.class, "word", long.class);
            LOCK = lookup.findVarHandle(FluxgateCircuitBreaker.class, "lockWord", int.class);
            STRIPES = lookup.findVarHandle(FluxgateCircuitBreaker.class, "stripes", Stripes.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- configuration (immutable) ----
    private final String name;
    private final Window window;
    private final Tracker tracker;
    private final boolean trackLocalRejections;
    private final @Nullable Predicate<Object> failureOnResult;
    private final Tripper tripper;
    private final Cooldown cooldown;
    private final Permit permit;
    private final int maxHalfOpenCalls;
    private final int closeAfterSuccesses;
    private final long halfOpenTimeoutNanos;
    private final Ticker ticker;
    private final InstantSource clock;
    private final @Nullable RandomGenerator random;
    private final boolean configTimed;
    private final List<Duration> slowCallThresholds;

    // ---- state read without the lock ----
    @SuppressWarnings("unused") // accessed through WORD
    private volatile long word;
    private volatile long stateSinceNanos;
    private volatile long openUntilNanos;
    /** The cooldown drawn for the current open period (for the explanation of OPEN to HALF_OPEN). */
    private volatile long cooldownNanos;
    private volatile long halfOpenSinceNanos;
    private volatile long lastProbeAdmittedNanos;
    private volatile boolean contended;
    private volatile @Nullable Stripes stripes;
    private volatile Listener[] listeners;
    private volatile Listener[] callListeners;
    private volatile boolean timed;
    private final LongAdder rejected = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final AtomicLong transitions = new AtomicLong();
    private final ReentrantLock listenerLock = new ReentrantLock();

    // ---- guarded by lockWord ----
    @SuppressWarnings("unused") // accessed through LOCK
    private volatile int lockWord;
    private final WindowStore store;
    private final LiveMetrics live = new LiveMetrics();
    private final Stripes.Sink drainSink = this::drained;
    private long windowGen;
    private int reopens;
    private int halfOpenSuccesses;
    /** Probe outcomes recorded in the current half-open period (successes and failures). */
    private int halfOpenSettled;
    private long successes;

    // ---- the quiet path (see recordFastSuccess) ----
    private static final long NOT_QUIET = -1L;
    /**
     * The generation bits of a CLOSED window that one more untimed success cannot change (a count
     * window full of such successes), already judged by the tripper; {@link #NOT_QUIET} otherwise. Set
     * only under the lock, and reset under the lock before anything changes the window.
     */
    private volatile long quietGen = NOT_QUIET;
    /** Successes that took the quiet path: lifetime counter only, since the window could not change. */
    private final LongAdder quietSuccesses = new LongAdder();
    private long failures;
    private long stale;
    private long drainNow;

    FluxgateCircuitBreaker(CircuitBreaker.Builder b, Tripper tripper, long[] slowThresholds) {
        this.name = b.name;
        this.window = b.window;
        this.tracker = b.tracker;
        this.trackLocalRejections = b.trackLocalRejections;
        this.failureOnResult = b.failureOnResult;
        this.tripper = tripper;
        this.cooldown = b.cooldown;
        this.permit = b.permit;
        this.maxHalfOpenCalls = b.maxHalfOpenCalls;
        this.closeAfterSuccesses = b.closeAfterSuccesses;
        long base = cooldown.baseNanos();
        this.halfOpenTimeoutNanos = b.halfOpenTimeout != null ? b.halfOpenTimeout.toNanos()
                : base > 0 && base != Long.MAX_VALUE ? base : Duration.ofSeconds(60).toNanos();
        this.ticker = b.ticker;
        this.clock = b.clock;
        this.random = b.random;
        this.configTimed = slowThresholds.length > 0 || tripper.needsDurations();
        this.store = window.newStore(slowThresholds, configTimed);
        this.listeners = b.listeners.toArray(new Listener[0]);
        this.callListeners = withCallEvents(listeners);
        this.timed = configTimed || needDurations(callListeners);
        this.slowCallThresholds = Arrays.stream(slowThresholds).mapToObj(Duration::ofNanos).toList();
        this.stateSinceNanos = ticker.read();
        WORD.setVolatile(this, (long) CLOSED);
    }

    // Built on demand: kept as a field, these strings were three quarters of a breaker's memory.
    @Override
    public Map<String, String> configuration() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("window", "Window." + window);
        m.put("tracker", "Tracker." + tracker);
        m.put("trackLocalRejections", Boolean.toString(trackLocalRejections));
        m.put("failureOnResult", failureOnResult == null ? "none" : "a predicate");
        m.put("tripper", tripper.toString());
        m.put("cooldown", "Cooldown." + cooldown);
        m.put("permit", "Permit." + permit);
        m.put("maxHalfOpenCalls", Integer.toString(maxHalfOpenCalls));
        m.put("closeAfterSuccesses", Integer.toString(closeAfterSuccesses));
        m.put("halfOpenTimeout", Duration.ofNanos(halfOpenTimeoutNanos).toString());
        m.put("slowCallThresholds", slowCallThresholds.toString());
        m.put("timed", Boolean.toString(configTimed));
        return Collections.unmodifiableMap(m);
    }

    // ---- the lock: guards the window and the counters below it, never held while user code runs ----

    private boolean tryLock() {
        return (int) LOCK.getOpaque(this) == 0 && LOCK.compareAndSet(this, 0, 1);
    }

    @SuppressWarnings("ThreadPriorityCheck") // a spin lock: yield lets a descheduled holder run
    private void lock() {
        for (int spins = 0; !tryLock(); spins++) {
            if (spins < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield(); // the holder may have been descheduled; never park, never pin
            }
        }
    }

    private void unlock() {
        LOCK.setRelease(this, 0);
    }

    // ---- word helpers ----

    private long word() {
        return (long) WORD.getVolatile(this);
    }

    private boolean casWord(long expect, long update) {
        return WORD.compareAndSet(this, expect, update);
    }

    private static int stateOf(long w) {
        return (int) (w & STATE_MASK);
    }

    private static int probesOf(long w) {
        return (int) ((w & PROBE_MASK) >>> PROBE_SHIFT);
    }

    private static long genBits(long w) {
        return w & GEN_MASK;
    }

    private static long next(long w, int state) {
        return genBits(w) + (1L << GEN_SHIFT) | state;
    }

    // ---- simple accessors ----

    @Override
    public String name() {
        return name;
    }

    @Override
    public State state() {
        long w = word();
        if (stateOf(w) == OPEN) { // only an OPEN word pays for the ticker read
            w = halfOpenIfDue(w);
        }
        return STATES[stateOf(w)];
    }

    /**
     * Makes the OPEN to HALF_OPEN move if the cooldown of the open period {@code w} has passed, exactly
     * as the first call after it would. Returns the word as it is now.
     */
    private long halfOpenIfDue(long w) {
        if (cooldown.isManual()) {
            return w; // never moves by itself
        }
        long now = ticker.read();
        if (now - openUntilNanos < 0) {
            return w;
        }
        halfOpen(w, now);
        return word();
    }

    /**
     * The OPEN to HALF_OPEN move of the open period {@code w}: one CAS, so of all the callers and
     * readers racing for it exactly one makes it and publishes it.
     */
    private void halfOpen(long w, long now) {
        // Written before the CAS, so that whoever sees the HALF_OPEN word sees when the period began.
        halfOpenSinceNanos = now;
        lastProbeAdmittedNanos = now;
        if (casWord(w, next(w, HALF_OPEN))) {
            stateSinceNanos = now;
            transitions.incrementAndGet();
            publish(new Move(State.OPEN, State.HALF_OPEN, snapshot(),
                    "cooldown " + Durations.format(Duration.ofNanos(cooldownNanos)) + " elapsed"));
        }
    }

    @Override
    public boolean isTimed() {
        return timed;
    }

    @Override
    public List<Duration> slowCallThresholds() {
        return slowCallThresholds;
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public Metrics metrics() {
        long w = word();
        if (stateOf(w) == OPEN) {
            halfOpenIfDue(w);
        }
        return snapshot();
    }

    /** The window and counters as they are, without moving the breaker. */
    private Metrics snapshot() {
        lock();
        try {
            long w = word();
            drainStripes();
            ensureWindow(w);
            if (store.needsTime()) {
                store.roll(ticker.read());
            }
            return store.snapshot(lifetime(w));
        } finally {
            unlock();
        }
    }

    private MetricsSnapshot.Lifetime lifetime(long w) {
        return new MetricsSnapshot.Lifetime(successes + quietSuccesses.sum(), failures, ignored.sum(), rejected.sum(), stale,
                transitions.get(), probesInFlight(w), ticker.read() - stateSinceNanos);
    }

    /** Half-open probes admitted and not yet settled: slots taken less outcomes recorded. Caller holds the lock. */
    private int probesInFlight(long w) {
        if (stateOf(w) != HALF_OPEN) {
            return 0;
        }
        return Math.max(0, probesOf(w) - (genBits(w) == windowGen ? halfOpenSettled : 0));
    }

    // ---- running calls ----
    // call, get and run repeat one short shape on purpose: sharing it would wrap the task in a capturing
    // lambda on every call, and the CLOSED success path must allocate nothing.

    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        long p = acquire(true);
        boolean t = timed;
        long start = t ? ticker.read() : 0L;
        T result;
        try {
            result = task.call();
        } catch (Throwable e) {
            recordError(p, t ? ticker.read() - start : 0L, e);
            throw e;
        }
        recordResult(p, t ? ticker.read() - start : 0L, result);
        return result;
    }

    @Override
    public <T> T get(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        long p = acquire(true);
        boolean t = timed;
        long start = t ? ticker.read() : 0L;
        T result;
        try {
            result = task.get();
        } catch (Throwable e) {
            recordError(p, t ? ticker.read() - start : 0L, e);
            throw e;
        }
        recordResult(p, t ? ticker.read() - start : 0L, result);
        return result;
    }

    @Override
    public <T> T get(Supplier<T> task, Function<? super Exception, ? extends T> fallback) {
        Objects.requireNonNull(fallback, "fallback");
        try {
            return get(task);
        } catch (RuntimeException e) {
            return fallback.apply(e);
        }
    }

    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        long p = acquire(true);
        boolean t = timed;
        long start = t ? ticker.read() : 0L;
        try {
            task.run();
        } catch (Throwable e) {
            recordError(p, t ? ticker.read() - start : 0L, e);
            throw e;
        }
        recordSuccess(p, t ? ticker.read() - start : 0L);
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        long p;
        try {
            p = acquire(true);
        } catch (CallNotPermittedException e) {
            return CompletableFuture.failedFuture(e);
        }
        boolean t = timed;
        long start = t ? ticker.read() : 0L;
        CompletionStage<T> stage;
        try {
            stage = Objects.requireNonNull(task.get(), "the task returned a null CompletionStage");
        } catch (Throwable e) {
            recordError(p, t ? ticker.read() - start : 0L, e);
            return CompletableFuture.failedFuture(e);
        }
        // Settled exactly once: by the task's completion or by cancellation of the returned future.
        AtomicBoolean settled = new AtomicBoolean();
        CompletableFuture<T> result = new CompletableFuture<>();
        result.whenComplete((v, e) -> {
            if (result.isCancelled() && settled.compareAndSet(false, true)) {
                releasePermission(p);
                cancel(stage);
            }
        });
        stage.whenComplete((v, e) -> {
            long d = t ? ticker.read() - start : 0L;
            if (!settled.compareAndSet(false, true)) {
                return;
            }
            if (e == null) {
                recordResult(p, d, v);
                result.complete(v);
                return;
            }
            Throwable cause = unwrap(e);
            if (cause instanceof CancellationException) {
                releasePermission(p);
            } else {
                recordError(p, d, cause);
            }
            result.completeExceptionally(cause);
        });
        return result;
    }

    private static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    private static void cancel(CompletionStage<?> stage) {
        try {
            stage.toCompletableFuture().cancel(true);
        } catch (UnsupportedOperationException ignoredByDesign) {
            // A stage that cannot be viewed as a future cannot be cancelled; its outcome will be ignored.
        }
    }

    // ---- acquire ----

    @Override
    public long tryAcquirePermission() {
        return acquire(false);
    }

    @Override
    public long acquirePermission() {
        return acquire(true);
    }

    private long acquire(boolean throwing) {
        long w = word();
        int s = stateOf(w);
        if (s == CLOSED || s == METRICS_ONLY || s == DISABLED) {
            return w; // CLOSED-like words never carry probes, so the word is the permit
        }
        return acquireSlow(throwing);
    }

    private long acquireSlow(boolean throwing) {
        for (;;) {
            long w = word();
            int s = stateOf(w);
            if (s == CLOSED || s == METRICS_ONLY || s == DISABLED) {
                return w;
            }
            if (s == FORCED_OPEN) {
                return reject(throwing, State.FORCED_OPEN, NO_RECOVERY);
            }
            long now = ticker.read();
            if (s == OPEN) {
                long until = openUntilNanos;
                if (cooldown.isManual() || now - until < 0) {
                    return reject(throwing, State.OPEN, cooldown.isManual() ? NO_RECOVERY : until - now);
                }
                // Cooldown over: exactly one caller (or reader) moves the breaker to HALF_OPEN, then all compete for probes.
                halfOpen(w, now);
                continue;
            }
            // HALF_OPEN: the permit decides once per call; the cap on the period's slots is enforced by the CAS below.
            if (!permit.admits(now - halfOpenSinceNanos, random())) {
                return reject(throwing, State.HALF_OPEN, 0);
            }
            for (;;) {
                if (stateOf(w) != HALF_OPEN) {
                    break; // moved on while we were deciding: start over
                }
                if (probesOf(w) >= maxHalfOpenCalls) {
                    if (now - lastProbeAdmittedNanos >= halfOpenTimeoutNanos) {
                        // Every slot was taken longer ago than the timeout and the period has not decided, so
                        // some probe hangs: expire the leases and start a fresh period (late outcomes are stale).
                        if (casWord(w, next(w, HALF_OPEN))) {
                            LOG.log(System.Logger.Level.WARNING, "CircuitBreaker ''{0}'': the half-open period "
                                    + "admitted its {1} probe(s) more than {2} ago and has not settled them all; "
                                    + "their leases expired", name, probesOf(w), Duration.ofNanos(halfOpenTimeoutNanos));
                        }
                        w = word();
                        continue;
                    }
                    return reject(throwing, State.HALF_OPEN, 0);
                }
                if (casWord(w, w + PROBE_UNIT)) {
                    lastProbeAdmittedNanos = now;
                    return (w & ~PROBE_MASK) | PROBE_FLAG;
                }
                w = word();
            }
        }
    }

    /** The retry hint of a rejection that only a manual command can end. */
    private static final long NO_RECOVERY = CallNotPermittedException.NO_RECOVERY;

    private long reject(boolean throwing, State state, long retryAfterNanos) {
        rejected.increment();
        Listener[] ls = callListeners;
        for (Listener l : ls) {
            try {
                l.onRejected(this, state);
            } catch (Throwable e) {
                listenerFailed(l, e);
            }
        }
        if (throwing) {
            throw new CallNotPermittedException(name, state, retryAfterNanos);
        }
        return NO_PERMISSION;
    }

    private RandomGenerator random() {
        return random != null ? random : ThreadLocalRandom.current();
    }

    // ---- settle ----

    @Override
    public void recordSuccess(long permit, long durationNanos) {
        int s = checkPermit(permit);
        if (s == DISABLED) {
            return;
        }
        // Only the window's own rules decide the path: a listener that wants durations gets them, but
        // does not make every success take the lock.
        if ((s == CLOSED || s == METRICS_ONLY) && !configTimed) {
            recordFastSuccess(permit);
        } else {
            Move t = recordLocked(permit, false, durationNanos);
            if (t != null) {
                publish(t);
            }
        }
        Listener[] ls = callListeners;
        for (Listener l : ls) {
            try {
                l.onSuccess(this, durationNanos);
            } catch (Throwable e) {
                listenerFailed(l, e);
            }
        }
    }

    @Override
    public void recordError(long permit, long durationNanos, Throwable error) {
        Objects.requireNonNull(error, "error");
        int s = checkPermit(permit);
        if (s == DISABLED) {
            return;
        }
        boolean tracked;
        try {
            // A policy's own rejection (a full bulkhead, an inner breaker) says nothing about the downstream.
            tracked = (trackLocalRejections || !(error instanceof RejectedException)) && tracker.tracks(error);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "CircuitBreaker '" + name + "': tracker " + tracker
                    + " threw; counting the call as a failure", e);
            tracked = true;
        }
        if (!tracked) {
            ignored.increment();
            releasePermission(permit);
            Listener[] ls = callListeners;
            for (Listener l : ls) {
                try {
                    l.onIgnored(this, durationNanos, error);
                } catch (Throwable e) {
                    listenerFailed(l, e);
                }
            }
            return;
        }
        recordFailure(permit, durationNanos, error);
    }

    @Override
    public void recordResult(long permit, long durationNanos, @Nullable Object result) {
        if (failureOnResult == null) {
            recordSuccess(permit, durationNanos);
            return;
        }
        int s = checkPermit(permit);
        if (s == DISABLED) {
            return;
        }
        boolean failed;
        try {
            failed = failureOnResult.test(result);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "CircuitBreaker '" + name + "': failureOnResult threw; "
                    + "counting the call as a failure", e);
            failed = true;
        }
        if (failed) {
            recordFailure(permit, durationNanos, null);
        } else {
            recordSuccess(permit, durationNanos);
        }
    }

    private void recordFailure(long permit, long durationNanos, @Nullable Throwable error) {
        Move t = recordLocked(permit, true, durationNanos);
        if (t != null) {
            publish(t);
        }
        Listener[] ls = callListeners;
        for (Listener l : ls) {
            try {
                l.onFailure(this, durationNanos, error);
            } catch (Throwable e) {
                listenerFailed(l, e);
            }
        }
    }

    @Override
    public void releasePermission(long permit) {
        checkPermit(permit);
        if ((permit & PROBE_FLAG) != 0) {
            freeProbe(permit);
        }
    }

    private static int checkPermit(long permit) {
        if (permit < 0) {
            throw new IllegalArgumentException("not a permit: " + permit + " (was the call rejected?)");
        }
        return stateOf(permit);
    }

    /**
     * Gives a probe slot back, if the half-open period that granted it is still current: only for a
     * probe that ends without an outcome, so that another probe may take its place.
     */
    private void freeProbe(long permit) {
        long gen = genBits(permit);
        for (;;) {
            long w = word();
            if (genBits(w) != gen || probesOf(w) == 0) {
                return;
            }
            if (casWord(w, w - PROBE_UNIT)) {
                return;
            }
        }
    }

    // ---- record and decide ----

    private void recordFastSuccess(long permit) {
        // Quiet: the window is full of successes, so this one changes nothing it shows and the tripper
        // already judged exactly this window. Count it (one atomic, striped under contention) and go:
        // no lock, and nothing for many threads to serialize on. It is ordered before whatever next
        // changes the window, since that resets quietGen first, under the lock.
        if (genBits(permit) == quietGen) {
            quietSuccesses.increment();
            return;
        }
        if (!contended) {
            if (tryLock()) {
                Move t;
                try {
                    t = recordUnderLock(permit, false, 0);
                } finally {
                    unlock();
                }
                if (t != null) {
                    publish(t);
                }
                return;
            }
            contended = true;
        }
        int buffered = stripes().add(genBits(permit), System.identityHashCode(Thread.currentThread()));
        if (buffered < 0) {
            Move t = recordLocked(permit, false, 0);
            if (t != null) {
                publish(t);
            }
        } else if (buffered >= DRAIN_THRESHOLD && tryLock()) {
            Move t;
            try {
                contended = false; // let the next calls try the lock again: they find out if it is still busy
                long w = word();
                drainStripes();
                t = decide(w);
                if (t == null) {
                    markQuiet(w);
                }
            } finally {
                unlock();
            }
            if (t != null) {
                publish(t);
            }
        }
    }

    private Stripes stripes() {
        Stripes s = stripes;
        if (s == null) {
            s = new Stripes(Stripes.forThisMachine());
            if (!STRIPES.compareAndSet(this, (Stripes) null, s)) {
                s = Objects.requireNonNull(stripes); // another thread won the race: never null again
            }
        }
        return s;
    }

    private @Nullable Move recordLocked(long permit, boolean failure, long durationNanos) {
        lock();
        try {
            return recordUnderLock(permit, failure, durationNanos);
        } finally {
            unlock();
        }
    }

    /** Records one outcome and decides. Caller holds the lock. Returns the move to publish, if any. */
    private @Nullable Move recordUnderLock(long permit, boolean failure, long durationNanos) {
        long w = word();
        drainStripes();
        if (failure) {
            failures++;
        } else {
            successes++;
        }
        if (genBits(permit) != genBits(w)) {
            stale++; // admitted under an older generation: lifetime counters only
            return null;
        }
        ensureWindow(w);
        if ((permit & PROBE_FLAG) != 0) {
            // The probe keeps its slot: the period admits at most maxHalfOpenCalls probes in total.
            halfOpenSettled++;
            if (!failure) {
                halfOpenSuccesses++;
            }
        }
        unquiet();
        // The window keeps durations only when its rules use them; buffered successes carry none.
        store.record(store.needsTime() ? ticker.read() : 0L, failure, configTimed ? durationNanos : 0L);
        long now = word();
        if (genBits(now) != genBits(w)) {
            return null; // the period's leases expired meanwhile (outside the lock): this window no longer decides
        }
        Move m = decide(now);
        if (m == null) {
            markQuiet(now);
        }
        return m;
    }

    /** After a decision that moved nothing: opens the quiet path if one more success cannot change the window. Caller holds the lock. */
    private void markQuiet(long w) {
        if (stateOf(w) == CLOSED && genBits(w) == windowGen && store.absorbsSuccess()) {
            quietGen = genBits(w);
        }
    }

    /** Closes the quiet path; called under the lock before anything changes the window. */
    private void unquiet() {
        if (quietGen != NOT_QUIET) {
            quietGen = NOT_QUIET;
        }
    }

    private void drainStripes() {
        Stripes s = stripes;
        if (s != null) {
            drainNow = Long.MIN_VALUE;
            s.drain(drainSink);
        }
    }

    private void drained(long generationBits, int count) {
        long w = word();
        successes += count;
        if (generationBits != genBits(w)) {
            stale += count;
            return;
        }
        ensureWindow(w);
        if (drainNow == Long.MIN_VALUE && store.needsTime()) {
            drainNow = ticker.read();
        }
        unquiet();
        store.recordSuccesses(drainNow, count);
    }

    /** Clears the window the first time the lock sees a new generation. Caller holds the lock. */
    private void ensureWindow(long w) {
        long gen = genBits(w);
        if (windowGen != gen) {
            windowGen = gen;
            unquiet();
            store.clear();
            halfOpenSuccesses = 0;
            halfOpenSettled = 0;
        }
    }

    /** Asks the tripper and moves on if it says so. Caller holds the lock. */
    private @Nullable Move decide(long w) {
        int s = stateOf(w);
        if (s == CLOSED) {
            if (tripper.shouldTrip(State.CLOSED, live)) {
                return transitionLocked(w, State.OPEN, tripper.explain(State.CLOSED, live));
            }
        } else if (s == HALF_OPEN) {
            if (tripper.shouldTrip(State.HALF_OPEN, live)) {
                return transitionLocked(w, State.OPEN, tripper.explain(State.HALF_OPEN, live));
            }
            if (halfOpenSuccesses >= closeAfterSuccesses) {
                return transitionLocked(w, State.CLOSED, "closeAfterSuccesses(" + closeAfterSuccesses + "): "
                        + halfOpenSuccesses + " successful probe(s)");
            }
            if (halfOpenSettled >= maxHalfOpenCalls) {
                // Every probe the period may admit has settled, too few of them successes: a tripper that cannot
                // fire on so few calls (the default needs 100) must not keep the breaker probing forever.
                return transitionLocked(w, State.OPEN, "half-open: " + halfOpenSuccesses + " of " + halfOpenSettled
                        + " probes succeeded, closeAfterSuccesses(" + closeAfterSuccesses + ") not reached");
            }
        }
        return null;
    }

    /**
     * Moves from the generation of {@code seen} to {@code to}. Caller holds the lock. Returns null if
     * the generation moved on meanwhile (another transition won).
     */
    private @Nullable Move transitionLocked(long seen, State to, String reason) {
        Metrics before = store.snapshot(lifetime(seen));
        long now = ticker.read();
        // reopens counts HALF_OPEN -> OPEN moves since the last close and feeds the exponential cooldown.
        int nextReopens = to == State.OPEN && stateOf(seen) == HALF_OPEN ? reopens + 1 : 0;
        for (;;) {
            long w = word();
            if (genBits(w) != genBits(seen)) {
                return null;
            }
            if (to == State.OPEN) {
                long wait = cooldownNanos(nextReopens);
                cooldownNanos = wait;
                openUntilNanos = wait == Long.MAX_VALUE || now + wait < now ? Long.MAX_VALUE : now + wait;
            }
            long nw = next(w, to.ordinal());
            if (casWord(w, nw)) {
                reopens = nextReopens;
                stateSinceNanos = now;
                transitions.incrementAndGet();
                ensureWindow(nw);
                State from = STATES[stateOf(w)];
                String why = to == State.OPEN && cooldown.isManual() ? reason + "; cooldown manual()" : reason;
                return new Move(from, to, before, why);
            }
        }
    }

    // ---- manual commands ----

    @Override
    public void reset() {
        command(State.CLOSED, "reset()");
    }

    @Override
    public void disable() {
        command(State.DISABLED, "disable()");
    }

    @Override
    public void metricsOnly() {
        command(State.METRICS_ONLY, "metricsOnly()");
    }

    @Override
    public void forceOpen() {
        command(State.FORCED_OPEN, "forceOpen()");
    }

    private void command(State to, String reason) {
        Move t = null;
        lock();
        try {
            long w = word();
            drainStripes();
            ensureWindow(w);
            Metrics before = store.snapshot(lifetime(w));
            long now = ticker.read();
            long nw;
            do {
                w = word();
                nw = next(w, to.ordinal());
            } while (!casWord(w, nw));
            reopens = 0;
            ensureWindow(nw);
            stateSinceNanos = now;
            State from = STATES[stateOf(w)];
            if (from != to) {
                transitions.incrementAndGet();
                t = new Move(from, to, before, "manual " + reason);
            }
        } finally {
            unlock();
        }
        if (t != null) {
            publish(t);
        }
    }

    // ---- listeners ----

    @Override
    public void addListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        listenerLock.lock();
        try {
            Listener[] ls = Arrays.copyOf(listeners, listeners.length + 1);
            ls[ls.length - 1] = listener;
            setListeners(ls);
        } finally {
            listenerLock.unlock();
        }
    }

    @Override
    public boolean removeListener(Listener listener) {
        listenerLock.lock();
        try {
            Listener[] ls = listeners;
            for (int i = 0; i < ls.length; i++) {
                if (ls[i].equals(listener)) {
                    Listener[] copy = new Listener[ls.length - 1];
                    System.arraycopy(ls, 0, copy, 0, i);
                    System.arraycopy(ls, i + 1, copy, i, ls.length - i - 1);
                    setListeners(copy);
                    return true;
                }
            }
            return false;
        } finally {
            listenerLock.unlock();
        }
    }

    /** Drops every listener (a registry evicting this breaker). */
    void removeAllListeners() {
        listenerLock.lock();
        try {
            setListeners(new Listener[0]);
        } finally {
            listenerLock.unlock();
        }
    }

    private void setListeners(Listener[] ls) {
        Listener[] calls = withCallEvents(ls);
        listeners = ls;
        callListeners = calls;
        timed = configTimed || needDurations(calls);
    }

    private static Listener[] withCallEvents(Listener[] ls) {
        return Arrays.stream(ls).filter(FluxgateCircuitBreaker::wantsCallEvents).toArray(Listener[]::new);
    }

    /** Whether any of these listeners hears completed calls, whose durations must then be measured. */
    private static boolean needDurations(Listener[] ls) {
        for (Listener l : ls) {
            if (overrides(l, "onSuccess", CircuitBreaker.class, long.class)
                    || overrides(l, "onFailure", CircuitBreaker.class, long.class, Throwable.class)
                    || overrides(l, "onIgnored", CircuitBreaker.class, long.class, Throwable.class)) {
                return true;
            }
        }
        return false;
    }

    private static boolean overrides(Listener l, String method, Class<?>... parameters) {
        try {
            return l.getClass().getMethod(method, parameters).getDeclaringClass() != Listener.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether a listener overrides any per-call method (so that it needs call events). */
    static boolean wantsCallEvents(Listener l) {
        try {
            Class<?> c = l.getClass();
            return c.getMethod("onSuccess", CircuitBreaker.class, long.class).getDeclaringClass() != Listener.class
                    || c.getMethod("onFailure", CircuitBreaker.class, long.class, Throwable.class)
                            .getDeclaringClass() != Listener.class
                    || c.getMethod("onIgnored", CircuitBreaker.class, long.class, Throwable.class)
                            .getDeclaringClass() != Listener.class
                    || c.getMethod("onRejected", CircuitBreaker.class, State.class).getDeclaringClass() != Listener.class;
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    /** A transition made under the lock, published (with its timestamp) after the lock is released. */
    private record Move(State from, State to, Metrics metrics, String reason) {
    }

    /**
     * The cooldown for the coming open period. A random source that throws must not cost the caller
     * its own outcome nor stop the trip: the wait is then taken without jitter.
     */
    private long cooldownNanos(int reopens) {
        try {
            return cooldown.delayNanos(reopens, random());
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "CircuitBreaker '" + name + "': the random source threw; "
                    + "this open period's cooldown has no jitter", e);
            return cooldown.delayNanos(reopens, NO_JITTER);
        }
    }

    /** Draws 0.5 for every double: a jitter factor of exactly 1. */
    private static final RandomGenerator NO_JITTER = () -> Long.MIN_VALUE;

    private void publish(Move move) {
        Instant at;
        try {
            at = clock.instant();
        } catch (Throwable e) {
            // A broken clock must not cost the caller its own outcome, nor the listeners their event.
            LOG.log(System.Logger.Level.WARNING, "CircuitBreaker '" + name + "': clock threw; using the system clock", e);
            at = Instant.now();
        }
        Transition t = new Transition(name, move.from(), move.to(), at, move.metrics(), move.reason());
        for (Listener l : listeners) {
            try {
                l.onTransition(t);
            } catch (Throwable e) {
                listenerFailed(l, e);
            }
        }
    }

    private void listenerFailed(Listener l, Throwable e) {
        LOG.log(System.Logger.Level.WARNING, "CircuitBreaker '" + name + "': listener " + l + " threw; ignored", e);
    }

    @Override
    public String toString() {
        return "CircuitBreaker[" + name + ", " + state() + "]";
    }

    /** The window as the tripper sees it, read under the lock; never escapes. */
    final class LiveMetrics implements Metrics {
        @Override
        public int calls() {
            return store.calls();
        }

        @Override
        public int failures() {
            return store.failures();
        }

        @Override
        public int slowCalls(Duration threshold) {
            return store.slowCalls(threshold);
        }

        @Override
        public Optional<Duration> averageDuration() {
            return store.averageDuration();
        }

        /** The mean duration in nanoseconds, for rules that must not allocate; -1 when empty or not measured. */
        long averageNanos() {
            return store.averageNanos();
        }

        @Override
        public boolean durationsMeasured() {
            return store.timed();
        }

        @Override
        public int consecutiveFailures() {
            return store.streak();
        }

        @Override
        public long successfulCalls() {
            return successes + quietSuccesses.sum();
        }

        @Override
        public long failedCalls() {
            return failures;
        }

        @Override
        public long ignoredCalls() {
            return ignored.sum();
        }

        @Override
        public long rejectedCalls() {
            return rejected.sum();
        }

        @Override
        public long staleCalls() {
            return stale;
        }

        @Override
        public long transitions() {
            return transitions.get();
        }

        @Override
        public int probesInUse() {
            return probesInFlight(word());
        }

        @Override
        public Duration timeInState() {
            return Duration.ofNanos(ticker.read() - stateSinceNanos);
        }
    }
}
