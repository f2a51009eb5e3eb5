package dev.fluxgate;

import static dev.fluxgate.StateWord.CLOSED;
import static dev.fluxgate.StateWord.DISABLED;
import static dev.fluxgate.StateWord.FORCED_OPEN;
import static dev.fluxgate.StateWord.HALF_OPEN;
import static dev.fluxgate.StateWord.METRICS_ONLY;
import static dev.fluxgate.StateWord.OPEN;
import static dev.fluxgate.StateWord.PROBE_UNIT;
import static dev.fluxgate.StateWord.gen;
import static dev.fluxgate.StateWord.next;
import static dev.fluxgate.StateWord.probes;

import dev.fluxgate.ListenerSnapshot.Event;
import dev.fluxgate.TransitionQueue.Move;
import dev.fluxgate.internal.MetricsSnapshot;
import dev.fluxgate.internal.Stripes;
import dev.fluxgate.internal.WindowStore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The one implementation of {@link CircuitBreaker}: the seven steps of a call and nothing else. The
 * state word's layout is {@link StateWord}, the listeners are one {@link ListenerSnapshot}, transitions
 * reach them through a {@link TransitionQueue}, {@link #callAsync} is {@link BreakerAsync} on the
 * public permit API, and the arithmetic on nanoseconds is {@link BreakerDurations}.
 *
 * <h2>The state word</h2>
 * Every transition compare-and-sets the word to the next generation, so the OPEN to HALF_OPEN move
 * happens once, the cap on probes per period is exact, and a permit knows whether its generation is
 * still current. A slot stays taken when its probe records an outcome (the period admits at most
 * {@code maxHalfOpenCalls} probes in total) and is given back only by a probe that ends without one
 * (released, untracked exception, cancellation). The outcomes a period has settled are counted under
 * the lock; once all of its slots have settled, the period decides.
 *
 * <h2>Reading</h2>
 * {@link #state()} and {@link #metrics()} make a due OPEN to HALF_OPEN move themselves (the same move a
 * call would make), so a breaker whose cooldown has passed reads as recovering before a call arrives:
 * an instance taken out of readiness for an OPEN breaker gets no calls and would otherwise stay out.
 *
 * <h2>Recording</h2>
 * The window is guarded by a small spin lock (one {@code int}, test-and-test-and-set, released with
 * a plain release store) that is held only for a few hundred nanoseconds of window arithmetic and
 * never while a task or a listener runs; waiters spin briefly, then yield, so nothing parks or pins.
 * The fields it guards are marked {@code // guarded by lock} where declared. A success on the CLOSED
 * path takes the lock only if it is free ({@code tryLock}), so single-threaded use records and decides
 * after every call. When the lock is busy the success goes into a striped buffer tagged with its
 * generation and the breaker is marked contended; later successes then buffer directly, and whoever
 * next holds the lock (a failure, a full stripe, a read of the metrics) drains the stripes into the
 * window and decides once for the batch. Failures and probe outcomes always take the lock.
 *
 * <h2>Transitions</h2>
 * Every transition (its CAS, the window it leaves, its place in the {@link TransitionQueue}) is made
 * under the lock, so transitions are queued in generation order; the lease expiry of a hung half-open
 * period, which is no transition, is the only generation change made without it. Listeners are told
 * after the lock is released, by one thread at a time (see {@link Listener}).
 */
final class FluxgateCircuitBreaker implements CircuitBreaker {

    private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());

    /** Buffered successes in one stripe that make the buffering thread try to drain. */
    private static final int DRAIN_THRESHOLD = 16;

    private static final VarHandle WORD;
    private static final VarHandle STRIPES;
    private static final VarHandle LOCK;
    private static final VarHandle LISTENERS;
    private static final VarHandle LAST_PROBE;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            WORD = lookup.findVarHandle(FluxgateCircuitBreaker.class, "word", long.class);
            LOCK = lookup.findVarHandle(FluxgateCircuitBreaker.class, "lockWord", int.class);
            STRIPES = lookup.findVarHandle(FluxgateCircuitBreaker.class, "stripes", Stripes.class);
            LISTENERS = lookup.findVarHandle(FluxgateCircuitBreaker.class, "listeners", ListenerSnapshot.class);
            LAST_PROBE = lookup.findVarHandle(FluxgateCircuitBreaker.class, "lastProbeAdmittedNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---- configuration ----
    private final String name;
    private final Ticker ticker;
    private final InstantSource clock;
    /**
     * Every replaceable option as one immutable value: read once per call (one volatile load), replaced
     * whole under the lock by {@link #reconfigure}. Code under the lock reads it once too.
     */
    private volatile BreakerConfig config;

    // ---- read without the lock ----
    @SuppressWarnings("unused") // accessed through WORD
    private volatile long word;
    /** Written under the lock (by every transition and command), read without it. */
    private volatile long stateSinceNanos;
    /** When the current open period ends on the ticker. Written under the lock, before the OPEN word. */
    private volatile long openUntilNanos;
    /** The cooldown drawn for the current open period (for the explanation of OPEN to HALF_OPEN). Written under the lock. */
    private volatile long cooldownNanos;
    /** When the current half-open period began. Written under the lock, before the HALF_OPEN word. */
    private volatile long halfOpenSinceNanos;
    /**
     * When the probe that took the last free slot of the period was admitted (the newest slot whenever
     * every slot is taken, which is when the lease check reads it): by the HALF_OPEN move under the lock,
     * by probes without it.
     */
    private volatile long lastProbeAdmittedNanos;
    private volatile boolean contended;
    private volatile @Nullable Stripes stripes;
    /** Every listener and what follows from them, replaced whole by compare-and-set. */
    private volatile ListenerSnapshot listeners;
    private final LongAdder rejected = new LongAdder();
    private final LongAdder ignored = new LongAdder();
    private final AtomicLong transitions = new AtomicLong();
    /** Transitions made and not yet delivered to the listeners, in generation order. */
    private final TransitionQueue moves = new TransitionQueue();
    private final Consumer<Move> deliverOne = this::deliver;

    // ---- the lock and what it guards ----
    @SuppressWarnings("unused") // accessed through LOCK
    private volatile int lockWord;
    private WindowStore store; // guarded by lock; replaced by reconfigure when the new window does not fit
    private final LiveMetrics live = new LiveMetrics(); // guarded by lock (reads the store)
    private final Stripes.Sink drainSink = this::drained;
    private long windowGen; // guarded by lock
    private int reopens; // guarded by lock
    private int halfOpenSuccesses; // guarded by lock
    /** Probe outcomes recorded in the current half-open period (successes and failures). */
    private int halfOpenSettled; // guarded by lock
    /** The open period the window's last failure asked for (capped), or {@link #NO_DELAY}. */
    private long lastFailureDelayNanos = NO_DELAY; // guarded by lock
    private long successes; // guarded by lock
    private long failures; // guarded by lock
    private long stale; // guarded by lock
    private long drainNow; // guarded by lock

    // ---- the quiet path (see recordFastSuccess) ----
    private static final long NOT_QUIET = -1L;
    /** A failure that asks for no particular open period (or a breaker that does not ask). */
    private static final long NO_DELAY = -1L;
    /**
     * The generation bits of a CLOSED window that one more untimed success cannot change (a count
     * window full of such successes), already judged by the tripper; {@link #NOT_QUIET} otherwise. Set
     * only under the lock, and reset under the lock before anything changes the window; read without it.
     */
    private volatile long quietGen = NOT_QUIET;
    /** Successes that took the quiet path: lifetime counter only, since the window could not change. */
    private final LongAdder quietSuccesses = new LongAdder();

    FluxgateCircuitBreaker(CircuitBreaker.Builder b, BreakerConfig config) {
        this.name = b.name;
        this.ticker = b.ticker;
        this.clock = b.clock;
        this.config = config;
        this.store = config.window.newStore(config.slowThresholdNanos, config.timed);
        this.listeners = ListenerSnapshot.of(b.listeners.toArray(new Listener[0]), config.timed);
        this.stateSinceNanos = ticker.read();
        WORD.setVolatile(this, (long) CLOSED);
    }

    private static String owner(String name) {
        return Plugged.owner("CircuitBreaker", name);
    }

    // Built on demand: kept as a field, these strings were three quarters of a breaker's memory.
    @Override
    public Map<String, String> configuration() {
        return config.describe();
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

    private long word() {
        return (long) WORD.getVolatile(this);
    }

    private boolean casWord(long expect, long update) {
        return WORD.compareAndSet(this, expect, update);
    }

    // ---- simple accessors ----

    @Override
    public String name() {
        return name;
    }

    @Override
    public State state() {
        long w = word();
        if (StateWord.state(w) == OPEN) { // only an OPEN word pays for the ticker read
            w = halfOpenIfDue(w);
        }
        return StateWord.stateOf(w);
    }

    /**
     * Makes the OPEN to HALF_OPEN move if the cooldown of the open period {@code w} has passed, exactly
     * as the first call after it would. Returns the word as it is now.
     */
    private long halfOpenIfDue(long w) {
        if (config.cooldown.isManual()) {
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
     * The OPEN to HALF_OPEN move of the open period {@code w}, under the lock like every transition: of
     * all the callers and readers racing for it exactly one makes it, and it is queued before any later
     * transition.
     */
    private void halfOpen(long w, long now) {
        lock();
        try {
            if (word() != w) {
                return; // made by another caller or reader: an OPEN word changes only under the lock
            }
            drainStripes();
            ensureWindow(w);
            Metrics before = store.snapshot(lifetime(w));
            // Written before the CAS, so that whoever sees the HALF_OPEN word sees when the period began.
            halfOpenSinceNanos = now;
            lastProbeAdmittedNanos = now;
            long nw = next(w, HALF_OPEN);
            if (!casWord(w, nw)) {
                return;
            }
            stateSinceNanos = now;
            transitions.incrementAndGet();
            ensureWindow(nw);
            moves.offer(new Move(State.OPEN, State.HALF_OPEN, before, BreakerDurations.cooldownElapsed(cooldownNanos)));
        } finally {
            unlock();
        }
        deliverTransitions();
    }

    @Override
    public boolean isTimed() {
        return listeners.timed;
    }

    @Override
    public List<Duration> slowCallThresholds() {
        return config.slowCallThresholds;
    }

    @Override
    public Ticker ticker() {
        return ticker;
    }

    @Override
    public Metrics metrics() {
        long w = word();
        if (StateWord.state(w) == OPEN) {
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

    /** Caller holds the lock. */
    private MetricsSnapshot.Lifetime lifetime(long w) {
        return new MetricsSnapshot.Lifetime(successes + quietSuccesses.sum(), failures, ignored.sum(), rejected.sum(), stale,
                transitions.get(), probesInFlight(w), ticker.read() - stateSinceNanos);
    }

    /** Half-open probes admitted and not yet settled: slots taken less outcomes recorded. Caller holds the lock. */
    private int probesInFlight(long w) {
        if (StateWord.state(w) != HALF_OPEN) {
            return 0;
        }
        return Math.max(0, probes(w) - (gen(w) == windowGen ? halfOpenSettled : 0));
    }

    // ---- running calls ----
    // call, get and run repeat one short shape on purpose: sharing it would wrap the task in a capturing
    // lambda on every call, and the CLOSED success path must allocate nothing.

    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        long p = acquire(true);
        boolean t = listeners.timed;
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
        boolean t = listeners.timed;
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
            try {
                return fallback.apply(e);
            } catch (RuntimeException | Error broken) {
                Plugged.fallbackFailed(LOG, owner(name), fallback, broken, e);
                throw broken;
            }
        }
    }

    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        long p = acquire(true);
        boolean t = listeners.timed;
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
        return BreakerAsync.call(this, task);
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
        int s = StateWord.state(w);
        if (s == CLOSED || s == METRICS_ONLY || s == DISABLED) {
            return w; // CLOSED-like words never carry probes, so the word is the permit
        }
        return acquireSlow(throwing);
    }

    private long acquireSlow(boolean throwing) {
        BreakerConfig c = config;
        Cooldown cooldown = c.cooldown;
        for (;;) {
            long w = word();
            int s = StateWord.state(w);
            if (StateWord.admitsAll(s)) {
                return w;
            }
            if (s == FORCED_OPEN) {
                return reject(throwing, State.FORCED_OPEN, CallNotPermittedException.NO_RECOVERY);
            }
            if (s == OPEN) {
                long now = ticker.read();
                long until = openUntilNanos;
                if (cooldown.isManual() || now - until < 0) {
                    return throwing ? reject(true, State.OPEN, BreakerDurations.retryAfterNanos(cooldown, until, now))
                            : reject(false, State.OPEN, 0);
                }
                // Cooldown over: exactly one caller (or reader) moves the breaker to HALF_OPEN, then all compete for probes.
                halfOpen(w, now);
                continue;
            }
            long p = acquireProbe(c, w);
            if (p == RESTART) {
                continue;
            }
            return p >= 0 ? p : reject(throwing, State.HALF_OPEN, 0);
        }
    }

    /** Moves the lease stamp forward to {@code now}, never back. */
    private void stampLease(long now) {
        long seen;
        do {
            seen = lastProbeAdmittedNanos;
        } while (seen - now < 0 && !LAST_PROBE.compareAndSet(this, seen, now));
    }

    /** What {@link #acquireProbe} answers when the word left HALF_OPEN meanwhile: decide again. */
    private static final long RESTART = Long.MIN_VALUE;

    /**
     * A half-open probe under the word {@code w}: its permit, {@link #NO_PERMISSION}, or {@link #RESTART}.
     * The ticker is read only where the answer depends on it: for a permit that ramps up with time, for
     * the lease check of a period whose every slot is taken, and by the probe that takes the last slot
     * (the lease counts from it). A probe that leaves a slot free needs no time at all.
     */
    private long acquireProbe(BreakerConfig c, long w) {
        int maxHalfOpenCalls = c.maxHalfOpenCalls;
        boolean haveNow = c.permitNeedsTime;
        long now = haveNow ? ticker.read() : 0L;
        // The permit decides once per call; the cap on the period's slots is enforced by the CAS below.
        if (!c.permitAll && !c.permit.admits(haveNow ? now - halfOpenSinceNanos : 0L, c.random)) {
            return NO_PERMISSION;
        }
        for (;;) {
            if (StateWord.state(w) != HALF_OPEN) {
                return RESTART; // moved on while we were deciding: start over
            }
            int taken = probes(w);
            if (taken >= maxHalfOpenCalls) {
                if (!haveNow) {
                    now = ticker.read();
                    haveNow = true;
                }
                if (now - lastProbeAdmittedNanos >= c.halfOpenTimeoutNanos) {
                    // Every slot was taken longer ago than the timeout and the period has not decided, so
                    // some probe hangs: expire the leases and start a fresh period (late outcomes are stale).
                    if (casWord(w, next(w, HALF_OPEN))) {
                        LOG.log(System.Logger.Level.WARNING, "CircuitBreaker ''{0}'': the half-open period "
                                + "admitted its {1} probe(s) more than {2} ago and has not settled them all; "
                                + "their leases expired", name, taken, Duration.ofNanos(c.halfOpenTimeoutNanos));
                    }
                    w = word();
                    continue;
                }
                return NO_PERMISSION;
            }
            if (taken + 1 == maxHalfOpenCalls) {
                // This probe fills the period, so it is the newest slot whenever the lease check runs (slots
                // are taken one at a time). Stamped before the CAS: whoever sees the full word sees the stamp.
                // A fresh reading (one taken before the permit's decision may be old by then), and never
                // moving the stamp back: a filler that lost its CAS, or was delayed into the next period,
                // would otherwise expire that period's leases early.
                now = ticker.read();
                haveNow = true;
                stampLease(now);
            }
            if (casWord(w, w + PROBE_UNIT)) {
                return StateWord.probePermit(w);
            }
            w = word();
        }
    }

    private long reject(boolean throwing, State state, long retryAfterNanos) {
        rejected.increment();
        callEvent(Event.REJECTED, 0L, null, state);
        if (throwing) {
            throw new CallNotPermittedException(name, state, retryAfterNanos);
        }
        return NO_PERMISSION;
    }

    // ---- settle ----

    @Override
    public void recordSuccess(long permit, long durationNanos) {
        recordSuccess(config, permit, durationNanos);
    }

    /** {@code c}: the configuration this call read (once: the success path reads it once). */
    private void recordSuccess(BreakerConfig c, long permit, long durationNanos) {
        int s = checkPermit(permit);
        if (s == DISABLED) {
            return;
        }
        // Only the window's own rules decide the path: a listener that wants durations gets them, but
        // does not make every success take the lock.
        if ((s == CLOSED || s == METRICS_ONLY) && !c.timed) {
            recordFastSuccess(permit);
        } else if (recordLocked(permit, false, durationNanos, NO_DELAY)) {
            deliverTransitions();
        }
        callEvent(Event.SUCCESS, durationNanos, null, null);
    }

    @Override
    public void recordError(long permit, long durationNanos, Throwable error) {
        Objects.requireNonNull(error, "error");
        int s = checkPermit(permit);
        if (s == DISABLED) {
            return;
        }
        BreakerConfig c = config;
        Tracker tracker = c.tracker;
        boolean tracked;
        try {
            // A policy's own rejection (a full bulkhead, an inner breaker) says nothing about the downstream.
            tracked = (c.trackLocalRejections || !(error instanceof RejectedException)) && tracker.tracks(error);
        } catch (Throwable e) {
            Plugged.failed(LOG, owner(name), "tracker", tracker, "counting the call as a failure", e);
            tracked = true;
        }
        if (!tracked) {
            ignored.increment();
            releasePermission(permit);
            callEvent(Event.IGNORED, durationNanos, error, null);
            return;
        }
        recordFailure(permit, durationNanos, error, null);
    }

    @Override
    public void recordResult(long permit, long durationNanos, @Nullable Object result) {
        BreakerConfig c = config;
        Predicate<Object> failureOnResult = c.failureOnResult;
        if (failureOnResult == null) {
            recordSuccess(c, permit, durationNanos);
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
            Plugged.failed(LOG, owner(name), "failureOnResult predicate", failureOnResult,
                    "counting the call as a failure", e);
            failed = true;
        }
        if (failed) {
            recordFailure(permit, durationNanos, null, result);
        } else {
            recordSuccess(c, permit, durationNanos);
        }
    }

    /** {@code error} when the call threw, else the {@code result} that failureOnResult counts as a failure. */
    private void recordFailure(long permit, long durationNanos, @Nullable Throwable error, @Nullable Object result) {
        // The delay function is user code: it runs here, before the lock, never under it.
        BreakerConfig c = config;
        RetryDelay delayFrom = c.delayFrom;
        long delay = delayFrom == null ? NO_DELAY : askedDelayNanos(delayFrom, c.maxDelay, result, error);
        if (recordLocked(permit, true, durationNanos, delay)) {
            deliverTransitions();
        }
        callEvent(Event.FAILURE, durationNanos, error, null);
    }

    @Override
    public void releasePermission(long permit) {
        checkPermit(permit);
        if (StateWord.isProbe(permit)) {
            freeProbe(permit);
        }
    }

    private static int checkPermit(long permit) {
        if (permit < 0) {
            throw new IllegalArgumentException("not a permit: " + permit + " (was the call rejected?)");
        }
        return StateWord.state(permit);
    }

    /** The open period a failure asks for, capped, or {@link #NO_DELAY}. */
    private long askedDelayNanos(RetryDelay delayFrom, Duration maxDelay, @Nullable Object result, @Nullable Throwable error) {
        Duration asked = NamedDelay.asked(delayFrom, result, error, LOG, owner(name));
        if (asked == null) {
            return NO_DELAY;
        }
        return asked.compareTo(maxDelay) >= 0 ? maxDelay.toNanos() : asked.toNanos(); // clamped: the breaker must wait something
    }

    /**
     * Gives a probe slot back, if the half-open period that granted it is still current: only for a
     * probe that ends without an outcome, so that another probe may take its place.
     */
    private void freeProbe(long permit) {
        long g = gen(permit);
        for (;;) {
            long w = word();
            if (gen(w) != g || probes(w) == 0) {
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
        if (gen(permit) == quietGen) {
            quietSuccesses.increment();
            return;
        }
        if (!contended) {
            if (tryLock()) {
                boolean moved;
                try {
                    moved = recordUnderLock(permit, false, 0, NO_DELAY);
                } finally {
                    unlock();
                }
                if (moved) {
                    deliverTransitions();
                }
                return;
            }
            contended = true;
        }
        int buffered = stripes().add(gen(permit), System.identityHashCode(Thread.currentThread()));
        if (buffered < 0) {
            if (recordLocked(permit, false, 0, NO_DELAY)) {
                deliverTransitions();
            }
        } else if (buffered >= DRAIN_THRESHOLD && tryLock()) {
            boolean moved;
            try {
                contended = false; // let the next calls try the lock again: they find out if it is still busy
                long w = word();
                drainStripes();
                moved = decide(w);
                if (!moved) {
                    markQuiet(w);
                }
            } finally {
                unlock();
            }
            if (moved) {
                deliverTransitions();
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

    /**
     * Records one outcome and decides, under the lock. {@code delayNanos}: the open period a failure asks
     * for, or {@link #NO_DELAY}. Returns whether a transition was queued.
     */
    private boolean recordLocked(long permit, boolean failure, long durationNanos, long delayNanos) {
        lock();
        try {
            return recordUnderLock(permit, failure, durationNanos, delayNanos);
        } finally {
            unlock();
        }
    }

    /** Records one outcome and decides. Caller holds the lock. Returns whether a transition was queued. */
    private boolean recordUnderLock(long permit, boolean failure, long durationNanos, long delayNanos) {
        long w = word();
        drainStripes();
        if (failure) {
            failures++;
        } else {
            successes++;
        }
        if (gen(permit) != gen(w)) {
            stale++; // admitted under an older generation: lifetime counters only
            return false;
        }
        ensureWindow(w);
        if (failure) {
            lastFailureDelayNanos = delayNanos; // the last failure decides: one that asks nothing clears an earlier ask
        }
        if (StateWord.isProbe(permit)) {
            // The probe keeps its slot: the period admits at most maxHalfOpenCalls probes in total.
            halfOpenSettled++;
            if (!failure) {
                halfOpenSuccesses++;
            }
        }
        unquiet();
        // The window keeps durations only when its rules use them; buffered successes carry none.
        store.record(store.needsTime() ? ticker.read() : 0L, failure, config.timed ? durationNanos : 0L);
        long now = word();
        if (gen(now) != gen(w)) {
            return false; // the period's leases expired meanwhile (outside the lock): this window no longer decides
        }
        boolean moved = decide(now);
        if (!moved) {
            markQuiet(now);
        }
        return moved;
    }

    /** After a decision that moved nothing: opens the quiet path if one more success cannot change the window. Caller holds the lock. */
    private void markQuiet(long w) {
        if (StateWord.state(w) == CLOSED && gen(w) == windowGen && store.absorbsSuccess()) {
            quietGen = gen(w);
        }
    }

    /** Closes the quiet path; called under the lock before anything changes the window. */
    private void unquiet() {
        if (quietGen != NOT_QUIET) {
            quietGen = NOT_QUIET;
        }
    }

    /** Caller holds the lock. */
    private void drainStripes() {
        Stripes s = stripes;
        if (s != null) {
            drainNow = Long.MIN_VALUE;
            s.drain(drainSink);
        }
    }

    /** One stripe's successes of one generation. Caller holds the lock (it drains). */
    private void drained(long generationBits, int count) {
        long w = word();
        successes += count;
        if (generationBits != gen(w)) {
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
        long g = gen(w);
        if (windowGen != g) {
            windowGen = g;
            unquiet();
            store.clear();
            lastFailureDelayNanos = NO_DELAY;
            halfOpenSuccesses = 0;
            halfOpenSettled = 0;
        }
    }

    /** Asks the tripper and moves on if it says so. Caller holds the lock. Returns whether a transition was queued. */
    private boolean decide(long w) {
        BreakerConfig c = config;
        Tripper tripper = c.tripper;
        int closeAfterSuccesses = c.closeAfterSuccesses;
        int s = StateWord.state(w);
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
            if (halfOpenSettled >= c.maxHalfOpenCalls) {
                // Every probe the period may admit has settled, too few of them successes: a tripper that cannot
                // fire on so few calls (the default needs 100) must not keep the breaker probing forever.
                return transitionLocked(w, State.OPEN, "half-open: " + halfOpenSuccesses + " of " + halfOpenSettled
                        + " probes succeeded, closeAfterSuccesses(" + closeAfterSuccesses + ") not reached");
            }
        }
        return false;
    }

    /**
     * Moves from the generation of {@code seen} to {@code to} and queues the transition. Caller holds
     * the lock. Returns false if the generation moved on meanwhile (the leases of a half-open period
     * expired, outside the lock).
     */
    private boolean transitionLocked(long seen, State to, String reason) {
        BreakerConfig c = config;
        Cooldown cooldown = c.cooldown;
        Metrics before = store.snapshot(lifetime(seen));
        long now = ticker.read();
        // reopens counts HALF_OPEN -> OPEN moves since the last close and feeds the exponential cooldown.
        int nextReopens = to == State.OPEN && StateWord.state(seen) == HALF_OPEN ? reopens + 1 : 0;
        // What the tripping failure asked for, else the cooldown's own wait (read before ensureWindow clears it).
        long asked = to == State.OPEN ? lastFailureDelayNanos : NO_DELAY;
        for (;;) {
            long w = word();
            if (gen(w) != gen(seen)) {
                return false;
            }
            if (to == State.OPEN) {
                long wait = asked != NO_DELAY ? asked : cooldown.delayNanos(nextReopens, c.random); // random: PluggedRandom, never throws
                cooldownNanos = wait;
                openUntilNanos = BreakerDurations.deadline(now, wait);
            }
            long nw = next(w, to.ordinal());
            if (casWord(w, nw)) {
                reopens = nextReopens;
                stateSinceNanos = now;
                transitions.incrementAndGet();
                ensureWindow(nw);
                String why = to != State.OPEN ? reason
                        : cooldown.isManual() ? reason + "; cooldown manual()"
                        : asked != NO_DELAY ? reason + "; open " + Durations.format(Duration.ofNanos(cooldownNanos))
                                + " as the failure asked (" + c.delayFrom + ")"
                        : reason;
                moves.offer(new Move(StateWord.stateOf(w), to, before, why));
                return true;
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
        boolean moved = false;
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
            State from = StateWord.stateOf(w);
            if (from != to) {
                transitions.incrementAndGet();
                moves.offer(new Move(from, to, before, "manual " + reason));
                moved = true;
            }
        } finally {
            unlock();
        }
        if (moved) {
            deliverTransitions();
        }
    }

    // ---- live reconfiguration ----

    /** What {@link #reconfigure} always keeps; see {@link CircuitBreaker#reconfigure} for the exact rules. */
    private static final List<String> ALWAYS_KEPT = List.of("state", "generation", "permits in flight",
            "open period deadline", "half-open period", "reopens", "lifetime counters", "listeners");
    private static final List<String> KEPT_WITH_WINDOW = List.of("state", "generation", "permits in flight",
            "open period deadline", "half-open period", "reopens", "lifetime counters", "listeners", "window");

    @Override
    public Reconfiguration reconfigure(CircuitBreaker.Builder configuration) {
        Objects.requireNonNull(configuration, "configuration");
        if (configuration.ticker != ticker) {
            throw new IllegalArgumentException("ticker: a breaker keeps the ticker it was built with (its deadlines "
                    + "are readings of it); build a new breaker to change it");
        }
        if (configuration.clock != clock) {
            throw new IllegalArgumentException("clock: a breaker keeps the clock it was built with; build a new "
                    + "breaker to change it");
        }
        // Checked exactly as build() checks (named by this breaker), before anything changes.
        BreakerConfig next = configuration.copy(name).config();
        Map<String, String> before;
        boolean windowKept;
        boolean moved = false;
        lock();
        try {
            long w = word();
            drainStripes(); // buffered successes belong to the window they were admitted under
            ensureWindow(w);
            BreakerConfig old = config;
            before = old.describe();
            windowKept = old.windowFits(next);
            unquiet(); // the quiet path was judged by the old tripper
            if (!windowKept) {
                store = next.window.newStore(next.slowThresholdNanos, next.timed);
                lastFailureDelayNanos = NO_DELAY;
            }
            ListenerSnapshot s;
            do {
                s = listeners;
            } while (!LISTENERS.compareAndSet(this, s, s.withConfigTimed(next.timed)));
            config = next;
            if (StateWord.state(w) == HALF_OPEN && probes(w) >= next.maxHalfOpenCalls) {
                // The period is full under the new cap, though no probe filled it: its leases count from now.
                lastProbeAdmittedNanos = ticker.read();
            }
            // The new rules judge the window at once, so the state agrees with them when this returns.
            long now = word();
            if (gen(now) == gen(w)) {
                moved = decide(now);
            }
        } finally {
            unlock();
        }
        if (moved) {
            deliverTransitions();
        }
        Reconfiguration r = new Reconfiguration("CircuitBreaker", name, now(), before, next.describe(),
                windowKept ? KEPT_WITH_WINDOW : ALWAYS_KEPT, windowKept ? List.of() : List.of("window"));
        ListenerSnapshot.reconfigured(listeners.all, this, r);
        return r;
    }

    // ---- listeners ----

    @Override
    public void addListener(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        ListenerSnapshot s;
        do {
            s = listeners;
        } while (!LISTENERS.compareAndSet(this, s, s.with(listener)));
    }

    @Override
    public boolean removeListener(Listener listener) {
        ListenerSnapshot s;
        ListenerSnapshot without;
        do {
            s = listeners;
            without = s.without(listener);
            if (without == s) {
                return false;
            }
        } while (!LISTENERS.compareAndSet(this, s, without));
        return true;
    }

    /** Drops every listener (a registry evicting this breaker). */
    void removeAllListeners() {
        ListenerSnapshot s;
        do {
            s = listeners;
        } while (!LISTENERS.compareAndSet(this, s, s.empty()));
    }

    /** Tells the listeners that hear per-call events, if any. */
    private void callEvent(Event event, long durationNanos, @Nullable Throwable error, @Nullable State state) {
        Listener[] ls = listeners.calls;
        if (ls.length != 0) {
            ListenerSnapshot.dispatch(ls, event, this, null, durationNanos, error, state);
        }
    }

    /**
     * Delivers the queued transitions, unless another thread is delivering them already. Called,
     * without the lock, by every thread that made a transition.
     */
    private void deliverTransitions() {
        moves.deliver(deliverOne);
    }

    /** Tells the listeners present now about one transition, stamped with the clock as it is delivered. */
    private void deliver(Move move) {
        Listener[] ls = listeners.all;
        if (ls.length == 0) {
            return;
        }
        Transition t = new Transition(name, move.from(), move.to(), now(), move.metrics(), move.reason());
        ListenerSnapshot.dispatch(ls, Event.TRANSITION, this, t, 0L, null, null);
    }

    private Instant now() {
        try {
            return clock.instant();
        } catch (Throwable e) {
            // A broken clock must not cost the caller its own outcome, nor the listeners their event.
            Plugged.failed(LOG, owner(name), "clock", clock, "using the system clock", e);
            return Instant.now();
        }
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
        public double effectiveCalls() {
            return store.effectiveCalls();
        }

        @Override
        public double failureRate() {
            return store.failureRate();
        }

        @Override
        public int slowCalls(Duration threshold) {
            return store.slowCalls(threshold);
        }

        @Override
        public double slowRate(Duration threshold) {
            return store.slowRate(threshold);
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
