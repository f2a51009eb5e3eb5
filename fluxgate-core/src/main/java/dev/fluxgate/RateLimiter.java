package dev.fluxgate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Limits how often calls run: at most a rate of permits per period, with a burst capacity.
 *
 * <pre>{@code
 * RateLimiter limiter = RateLimiter.builder("payments")
 *     .rate(100, Duration.ofSeconds(1))      // 100 permits per second
 *     .burst(20)                             // at most 20 at once after a quiet spell
 *     .maxWait(Duration.ofMillis(250))       // wait up to 250 ms for a permit, else RateLimitedException
 *     .build();
 * Receipt r = limiter.call(() -> payments.charge(order));
 * if (limiter.tryAcquire()) { ... }          // never waits
 * }</pre>
 *
 * <p><b>The limit.</b> A limiter <em>earns</em> permits at fixed instants on the builder's {@link Ticker},
 * counted from when it was built, and holds at most {@code burst} of them (it starts full; a permit
 * earned while it is full is dropped). Two shapes:
 * <ul>
 *   <li>{@link Shape#SMOOTH} (the default): one permit at a time, the {@code k}-th at
 *       {@code k x period / permits}, evenly spaced. With {@code burst(1)} calls are strictly spaced.</li>
 *   <li>{@link Shape#BURSTY}: {@code permits} at once at the start of each period: "100 per second"
 *       lets 100 calls through at once each second.</li>
 * </ul>
 * {@code burst} defaults to {@code permits}. So, under any number of racing threads, the permits granted
 * within any stretch of time are at most those earned within it plus {@code burst}: from the start, at
 * most {@code floor(permits x elapsed / period) + burst}. The limiter is exact: it never refuses a permit
 * that is held, and the rate is kept as an exact fraction, never rounded to a whole interval. Permits
 * granted after a wait count against the rate from the moment they are granted, so waiting callers and
 * callers that come later share one rate. {@link #reconfigure} changes the rate, burst, shape and maximum
 * wait at run time, keeping the permits held (see there for exactly what carries over).
 *
 * <p><b>Waiting.</b> {@link #tryAcquire} never waits. {@link #acquire(int)}, {@link #call} and the other
 * synchronous methods take permits that are free within the builder's {@code maxWait} (zero by default)
 * and wait for them through a {@link Retry.Sleeper} ({@link Thread#sleep} by default; tests pass one
 * that advances a fake ticker); beyond it they throw {@link RateLimitedException}, whose
 * {@link RateLimitedException#retryAfter()} says when the permits would be free, and take nothing. Only
 * an actual wait honours an interrupt, which ends it with {@link InterruptedException} ({@code get} and
 * {@code run}: a {@link java.util.concurrent.CancellationException} with the flag restored); the permits
 * stay spent. {@link #callAsync} never blocks a thread: when it must wait it schedules the task's start
 * on a {@link ScheduledExecutorService} (by default a shared daemon scheduler that hands it to the
 * common pool); cancelling the returned future before the start cancels it (the permits stay spent).
 *
 * <p><b>Rejections</b> are local decisions ({@link RejectedException}): a breaker outside the limiter
 * does not count them as failures of the downstream.
 *
 * <p><b>Where permits live.</b> By default in this process (lock-free, exact, no allocation for a
 * granted permit). {@link Builder#store} puts them elsewhere, for example in a store shared by a fleet;
 * everything else (waiting, scheduling, counters, listeners, exceptions, meters) stays as described
 * here. See {@link Store} for the contract. {@link #perKey} keeps one limit per key (per tenant, per
 * host, per API key) with bounded memory.
 *
 * <p><b>Plugged-in code.</b> Listeners follow the one rule: one that throws anything is logged at
 * {@code WARNING} on the {@link System.Logger} {@code dev.fluxgate.RateLimiter} and ignored; admission
 * is never affected. An exception thrown by a {@link Store} is not plugged-in code: it propagates to
 * the caller unchanged (and fails the future of {@link #callAsync}); nothing is counted or heard.
 *
 * <p>Thread safety: safe for concurrent use; no lock is taken, and a granted permit allocates nothing
 * (with the local store and no listener that allocates). Memory consistency effects: none beyond those of
 * the store; the counters ({@link #permittedCalls()} and the like) are
 * {@link java.util.concurrent.atomic.LongAdder}s, exact once calls are quiet.
 */
public final class RateLimiter implements Policy {

    /** How a limiter earns its permits; see {@link RateLimiter}. */
    public enum Shape {
        /** One permit at a time, evenly spaced ({@code period / permits} apart). */
        SMOOTH,
        /** {@code permits} at once at the start of each period. */
        BURSTY
    }

    /**
     * What a limiter limits, as configured: what a {@link Store} factory is given to build its store.
     *
     * @param name the limiter's name
     * @param permits permits earned per period, at least 1
     * @param period the period, positive
     * @param burst the most permits held at once, at least 1
     * @param shape how permits are earned
     * @param ticker the ticker the limiter was configured with (a store that keeps time itself, such as a
     *     shared one, may ignore it)
     */
    public record Limit(String name, int permits, Duration period, int burst, Shape shape, Ticker ticker) {
        /**
         * Checks that no component is null; ranges are checked by {@link Builder#build()}.
         *
         * @param name the limiter's name
         * @param permits permits earned per period
         * @param period the period
         * @param burst the most permits held at once
         * @param shape how permits are earned
         * @param ticker the ticker the limiter was configured with
         * @throws NullPointerException if a component is null
         */
        public Limit {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(ticker, "ticker");
        }

        @Override
        public String toString() {
            return permits + " per " + Durations.format(period) + ", burst " + burst + ", "
                    + shape.name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Where a limiter's permits live: the service provider interface for a limit kept elsewhere than in
     * this process (for example one shared by a fleet, in {@code fluxgate-redis}). A store only answers
     * "take these permits now, or reserve them within this wait"; the {@link RateLimiter} around it does
     * the waiting, the scheduling, the counting, the listeners and the exceptions.
     *
     * <p>The answer of {@link #tryReserve} is one {@code long}, so that a granted permit allocates nothing:
     * <ul>
     *   <li>{@code >= 0}: granted. The permits are taken and count against the rate from now on; the caller
     *       may use them after that many nanoseconds ({@code 0}: at once). Never more than the
     *       {@code maxWaitNanos} asked for.</li>
     *   <li>{@link #refused(long) refused(retryAfterNanos)}: refused, nothing taken; the permits would be
     *       free at once after {@code retryAfterNanos} (read it back with {@link #retryAfterNanos(long)}).</li>
     *   <li>{@link #NEVER}: refused, nothing taken, and no wait brings them (more permits than the store
     *       ever holds).</li>
     * </ul>
     *
     * <p>Contract: safe for concurrent use; exact (never grants more than the limit, whoever else uses the
     * store); {@code permits >= 1} and {@code maxWaitNanos >= 0} (the limiter checks both before asking).
     * Nanoseconds are durations, not readings of any clock: the store keeps its own time (the limit's
     * ticker, or a server's clock). It should answer quickly; a remote store bounds its own round trip.
     * A store that cannot answer (its server is down) throws an unchecked exception that says what failed;
     * the limiter lets it propagate to the caller unchanged, counts nothing and tells no listener: failing
     * open (falling back to a local limit) or closed is the store's own choice, made by wrapping it.
     */
    public interface Store {

        /** The answer for permits that no wait brings. */
        long NEVER = Long.MIN_VALUE;

        /**
         * Takes {@code permits} now, or reserves them if they are free within {@code maxWaitNanos}.
         *
         * @param permits the permits wanted, at least 1
         * @param maxWaitNanos the longest wait the caller accepts, at least 0
         * @return the wait before the permits may be used ({@code >= 0}, granted), a {@link #refused(long)}
         *     answer, or {@link #NEVER}
         */
        long tryReserve(int permits, long maxWaitNanos);

        /**
         * The permits free now, an estimate (another caller may take them first); negative when callers
         * wait for permits reserved ahead of the rate.
         *
         * @return the permits free now
         */
        long availablePermits();

        /**
         * The answer of a refusal whose permits would be free after {@code retryAfterNanos}.
         *
         * @param retryAfterNanos nanoseconds until the permits would be free at once; negative is taken as
         *     zero, and anything beyond {@code Long.MAX_VALUE - 3} as that
         * @return a negative answer for {@link #tryReserve}, other than {@link #NEVER}
         */
        static long refused(long retryAfterNanos) {
            return -1 - Math.min(Math.max(retryAfterNanos, 0), Long.MAX_VALUE - 3);
        }

        /**
         * The wait in a refusal made by {@link #refused(long)}.
         *
         * @param answer a negative answer of {@link #tryReserve} other than {@link #NEVER}
         * @return the nanoseconds until the permits would be free at once
         */
        static long retryAfterNanos(long answer) {
            return -1 - answer;
        }
    }

    private static final System.Logger LOG = System.getLogger(RateLimiter.class.getName());
    /** The {@link #key} of a limiter that is not one key's. */
    private static final Object NO_KEY = new Object();
    /** The answer of the store that stands for a per-key limiter with its maximum of keys. */
    private static final long KEYS_FULL = Long.MIN_VALUE + 1;

    /** What a limiter and, for a per-key limiter, all its keys share: settings, counters, listeners. */
    private static final class Core {
        final String name;
        final String owner;
        /** Changed only by {@link RateLimiter#reconfigure}, under {@link #reconfiguring}. */
        volatile Limit limit;
        volatile long maxWaitNanos;
        /** Serializes {@link RateLimiter#reconfigure} (never taken by a call). */
        final ReentrantLock reconfiguring = new ReentrantLock();
        final Retry.Sleeper sleeper;
        /** Null: the shared scheduler, whose start hands the task to the common pool. */
        final @Nullable ScheduledExecutorService scheduler;
        final long maxKeys;
        final LongAdder permitted = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final LongAdder waitedNanos = new LongAdder();
        /** Copy-on-write: read without a lock on every decision. */
        final ListenerArray<RateLimiterListener> listeners;

        Core(Builder b, Limit limit, long maxKeys) {
            this.name = b.name;
            this.owner = Plugged.owner("RateLimiter", b.name);
            this.limit = limit;
            this.maxWaitNanos = b.maxWait.toNanos();
            this.sleeper = b.sleeper;
            this.scheduler = b.scheduler;
            this.maxKeys = maxKeys;
            this.listeners = new ListenerArray<>(new RateLimiterListener[0], b.listeners);
        }
    }

    private final Core core;
    /** Replaced only by {@link #reconfigure} (a local store, by a fresh bucket holding the old one's permits). */
    private volatile Store store;
    private final Object key;
    /** The store when it counts its own grants into {@code core.permitted} (the local one); null otherwise. */
    private volatile @Nullable LocalPermits counting;

    private RateLimiter(Core core, Store store, Object key) {
        this.core = core;
        this.store = store;
        this.key = key;
        this.counting = store instanceof LocalPermits lp && lp.countsGrants() ? lp : null;
    }

    /**
     * Starts a builder: 100 permits per second, burst 100, {@link Shape#SMOOTH}, no wait.
     *
     * @param name the limiter's name (for meters, logs and messages)
     * @return a builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A smooth limiter of {@code permits} per {@code period} (burst {@code permits}) that never waits.
     *
     * @param name the limiter's name
     * @param permits permits per period, at least 1
     * @param period the period, positive
     * @return the limiter
     * @throws NullPointerException if {@code name} or {@code period} is null
     * @throws IllegalArgumentException if {@code name} is blank or the rate is out of range (see {@link Builder#build()})
     */
    public static RateLimiter of(String name, int permits, Duration period) {
        return builder(name).rate(permits, period).build();
    }

    /**
     * Starts a per-key limiter: one limit per key (per tenant, per host, per API key), each as
     * {@code limit} configures it (its store must be the local one), with bounded memory.
     *
     * <pre>{@code
     * RateLimiter.PerKey<String> perTenant = RateLimiter.perKey(RateLimiter.builder("api").rate(10, Duration.ofSeconds(1)))
     *     .maxKeys(10_000)
     *     .evictAfterIdle(Duration.ofMinutes(5))
     *     .build();
     * Response r = perTenant.call(tenantId, () -> handle(request));
     * }</pre>
     *
     * @param limit the limit of each key, and the name, waiting, scheduling and listeners of the whole
     *     (copied now; later changes to it are not seen)
     * @return a builder of per-key limiters
     * @throws NullPointerException if {@code limit} is null
     */
    public static PerKey.Builder perKey(Builder limit) {
        return new PerKey.Builder(Objects.requireNonNull(limit, "limit").copy(limit.name));
    }

    /**
     * The limiter's name (for meters and logs); for a key of a per-key limiter, the per-key limiter's.
     *
     * @return the name
     */
    public String name() {
        return core.name;
    }

    /**
     * The key this limiter limits, when it is one key's of a {@linkplain #perKey per-key} limiter.
     *
     * @return the key, or empty
     */
    public Optional<Object> key() {
        return key == NO_KEY ? Optional.empty() : Optional.of(key);
    }

    /**
     * The configured limit.
     *
     * @return the limit (with a custom {@link Store}, what the store was built from)
     */
    public Limit limit() {
        return core.limit;
    }

    /**
     * How long a synchronous or asynchronous call waits at most for its permits.
     *
     * @return the maximum wait
     */
    public Duration maxWait() {
        return Duration.ofNanos(core.maxWaitNanos);
    }

    /**
     * The permits free now, an estimate: negative while callers wait for permits reserved ahead of the
     * rate.
     *
     * @return the permits free now
     */
    public long availablePermits() {
        return store.availablePermits();
    }

    /**
     * Acquisitions granted since the limiter was built (for a per-key limiter: for every key).
     *
     * @return the count of granted acquisitions (not of permits)
     */
    public long permittedCalls() {
        LocalPermits c = counting;
        return core.permitted.sum() + (c == null ? 0 : c.unflushedGrants());
    }

    /**
     * Acquisitions refused since the limiter was built ({@link #tryAcquire} returning false and
     * {@link RateLimitedException}s alike).
     *
     * @return the count of refused acquisitions
     */
    public long rejectedCalls() {
        return core.rejected.sum();
    }

    /**
     * The waits granted so far, added up.
     *
     * @return the total time callers were told to wait for their permits
     */
    public Duration totalWaitTime() {
        return Duration.ofNanos(core.waitedNanos.sum());
    }

    /**
     * Adds a listener (for a key of a per-key limiter: to the whole per-key limiter); listeners are
     * notified in the order added.
     *
     * @param listener the listener
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(RateLimiterListener listener) {
        core.listeners.add(listener);
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener
     * @return whether it was present
     */
    public boolean removeListener(RateLimiterListener listener) {
        return core.listeners.remove(listener);
    }

    /**
     * Whether {@link #reconfigure} can change this limiter: false for one keeping its permits in a custom
     * {@link Store} and for one key's limiter of a {@linkplain #perKey per-key} limiter. Lets a caller that
     * changes many policies at once refuse before changing any.
     *
     * @return whether this limiter can be reconfigured at run time
     */
    public boolean isReconfigurable() {
        return key == NO_KEY && store instanceof LocalPermits;
    }

    /**
     * Replaces this limiter's rate, burst, shape and maximum wait at run time, keeping the permits it
     * holds. At the moment of the change the old bucket is retired in one compare-and-set (no permit is
     * granted from it afterwards) and a new one takes over:
     * <ul>
     *   <li><b>Carried over</b>: the permits accumulated and not yet taken, clamped to the new
     *       {@code burst} (a bucket holding 80 permits reconfigured to burst 20 holds 20; one holding 5
     *       holds 5, whatever the new burst); the reservations of callers already told to wait (their
     *       waits stand, and the new rate owes them: callers that come later wait behind them at the
     *       new rate); the counters and the listeners.</li>
     *   <li><b>New at once</b>: the rate (the new permits are earned from the moment of the change, the
     *       fraction of a permit the old rate had half-earned is dropped, so the change never grants
     *       more than either rate), the burst, the shape, and the {@code maxWait} of callers that ask
     *       afterwards.</li>
     * </ul>
     * So across the change, under any number of racing threads, the permits granted are at most those the
     * old rate earned up to it, plus the old burst, plus those the new rate earned since. Nothing else is
     * reset. The builder's name, sleeper, scheduler and listeners are not used; its ticker must be this
     * limiter's own.
     *
     * <p>Thread safety: safe to call concurrently with calls and other reconfigurations (applied one at a
     * time). A call that races with the change spins for the few instructions between the retirement of
     * the old bucket and the publication of the new one; no call ever waits on a lock.
     *
     * @param configuration the new configuration
     * @return what changed and what carried over
     * @throws NullPointerException if {@code configuration} is null
     * @throws IllegalArgumentException if the builder names another ticker or a store, or its
     *     {@link Builder#build()} would fail (then nothing changes)
     * @throws UnsupportedOperationException if this limiter keeps its permits in a custom {@link Store}
     *     (the store keeps its own limit), or is one key's of a {@linkplain #perKey per-key} limiter
     */
    public Reconfiguration reconfigure(Builder configuration) {
        Objects.requireNonNull(configuration, "configuration");
        if (key != NO_KEY) {
            throw new UnsupportedOperationException("RateLimiter '" + core.name
                    + "': a key of a per-key limiter cannot be reconfigured (its limit is shared by every key)");
        }
        if (!(store instanceof LocalPermits)) {
            throw new UnsupportedOperationException("RateLimiter '" + core.name + "' keeps its permits in a custom"
                    + " store, which keeps its own limit: reconfigure the store, or build a new limiter");
        }
        if (configuration.store != null) {
            throw new IllegalArgumentException("store: a limiter reconfigured at run time keeps its permits in this"
                    + " process; build a new limiter to move them to a store");
        }
        if (configuration.ticker != core.limit.ticker()) {
            throw new IllegalArgumentException("ticker: a rate limiter keeps the ticker it was built with");
        }
        Limit checked = configuration.limit();
        Limit next = new Limit(core.name, checked.permits(), checked.period(), checked.burst(), checked.shape(),
                checked.ticker());
        long maxWaitNanos = configuration.maxWait.toNanos();
        Map<String, String> before;
        Map<String, String> after;
        Core c = core;
        c.reconfiguring.lock();
        try {
            before = describe();
            LocalPermits old = (LocalPermits) store;
            LocalPermits.Rate rate = LocalPermits.Rate.of(next); // its grid starts now
            long owed = old.retire(); // no permit is granted from the old bucket after this
            long held = old.rate.burst - owed; // negative: reservations of callers told to wait
            long carried = Math.min(held, next.burst());
            long now = rate.permitsAt(rate.elapsed());
            LocalPermits fresh = new LocalPermits(rate, now + next.burst() - carried, c.permitted);
            c.limit = next;
            c.maxWaitNanos = maxWaitNanos;
            counting = fresh;
            store = fresh;
            after = describe(); // under the lock: a concurrent reconfiguration cannot slip in between
        } finally {
            c.reconfiguring.unlock();
        }
        return new Reconfiguration("RateLimiter", core.name, java.time.Instant.now(), before, after,
                List.of("permits held (up to the new burst)", "reservations", "counters", "listeners"), List.of());
    }

    private Map<String, String> describe() {
        Limit l = core.limit;
        return Map.of("rate", l.permits() + " per " + Durations.format(l.period()),
                "burst", Integer.toString(l.burst()),
                "shape", l.shape().name().toLowerCase(java.util.Locale.ROOT),
                "maxWait", Duration.ofNanos(core.maxWaitNanos).toString());
    }

    /** Drops every listener (a registry does this when it removes the limiter). */
    void removeAllListeners() {
        core.listeners.clear();
    }

    // ---- permits ----

    /**
     * Takes one permit if it is free now; never waits.
     *
     * @return whether it was taken (false counts as a rejection)
     */
    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /**
     * Takes {@code permits} if they are free now; never waits, and takes nothing otherwise.
     *
     * @param permits the permits wanted, at least 1
     * @return whether they were taken (false counts as a rejection)
     * @throws IllegalArgumentException if {@code permits < 1}
     */
    public boolean tryAcquire(int permits) {
        return take(permits, 0) >= 0;
    }

    /**
     * Takes one permit, waiting for it up to the maximum wait.
     *
     * @throws RateLimitedException if it is not free within the maximum wait (nothing is taken)
     * @throws InterruptedException if interrupted while waiting (the permit stays spent)
     */
    public void acquire() throws InterruptedException {
        acquire(1);
    }

    /**
     * Takes {@code permits}, waiting for them up to the maximum wait.
     *
     * @param permits the permits wanted, at least 1
     * @throws IllegalArgumentException if {@code permits < 1}
     * @throws RateLimitedException if they are not free within the maximum wait (nothing is taken)
     * @throws InterruptedException if interrupted while waiting (the permits stay spent)
     */
    public void acquire(int permits) throws InterruptedException {
        long answer = reserve(permits);
        if (answer > 0) {
            try {
                core.sleeper.sleep(answer);
            } catch (InterruptedException e) {
                InterruptedException interrupted = new InterruptedException(core.owner + ": interrupted while waiting "
                        + Durations.format(Duration.ofNanos(answer)) + " for " + permits + " permit(s), which stay spent");
                interrupted.initCause(e);
                throw interrupted;
            }
        }
    }

    /**
     * Takes {@code permits} free now, or reserves them if they are free within the maximum wait, and says
     * how long to wait before using them, without waiting: the low-level form of {@link #acquire(int)} for
     * integrations that wait their own way (a reactive delay, a scheduled start). Counted and heard by
     * listeners as {@link #acquire(int)} is; the permits count against the rate from now on, whether or not
     * the caller goes on to use them.
     *
     * @param permits the permits wanted, at least 1
     * @return nanoseconds to wait before using the permits, {@code 0} when they are free at once
     * @throws IllegalArgumentException if {@code permits < 1}
     * @throws RateLimitedException if they are not free within the maximum wait (nothing is taken)
     */
    public long reserve(int permits) {
        long answer = take(permits, core.maxWaitNanos);
        if (answer < 0) {
            throw rejection(permits, answer);
        }
        return answer;
    }

    /** Asks the store, counts and tells the listeners; the store's answer. */
    private long take(int permits, long maxWaitNanos) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be >= 1, was " + permits);
        }
        long answer = store.tryReserve(permits, maxWaitNanos);
        while (answer == LocalPermits.DEAD_ANSWER) {
            // A reconfiguration retired this bucket a moment ago: ask its successor (published right after).
            Thread.onSpinWait();
            answer = store.tryReserve(permits, maxWaitNanos);
        }
        Core c = core;
        if (answer >= 0) {
            if (counting == null) { // the local store counted it with the permits, in the same compare-and-set
                c.permitted.increment();
            }
            if (answer > 0) {
                c.waitedNanos.add(answer);
            }
        } else {
            c.rejected.increment();
        }
        RateLimiterListener[] ls = c.listeners.snapshot();
        if (ls.length > 0) {
            tell(ls, permits, answer);
        }
        return answer;
    }

    private void tell(RateLimiterListener[] ls, int permits, long answer) {
        for (RateLimiterListener l : ls) {
            try {
                if (answer >= 0) {
                    l.onPermitted(this, permits, Duration.ofNanos(answer));
                } else {
                    l.onRejected(this, permits, retryAfter(answer));
                }
            } catch (Throwable e) {
                Plugged.failed(LOG, core.owner, "listener", l, "ignored", e);
            }
        }
    }

    private static Optional<Duration> retryAfter(long answer) {
        return answer == Store.NEVER || answer == KEYS_FULL
                ? Optional.empty()
                : Optional.of(Duration.ofNanos(Store.retryAfterNanos(answer)));
    }

    private RateLimitedException rejection(int permits, long answer) {
        if (answer == KEYS_FULL) {
            return new RateLimitedException(core.name, permits, core.maxWaitNanos, RateLimitedException.NEVER,
                    RateLimitedException.Reason.KEYS, core.maxKeys);
        }
        if (answer == Store.NEVER) {
            return new RateLimitedException(core.name, permits, core.maxWaitNanos, RateLimitedException.NEVER,
                    RateLimitedException.Reason.CAPACITY, 0);
        }
        return new RateLimitedException(core.name, permits, core.maxWaitNanos, Store.retryAfterNanos(answer),
                RateLimitedException.Reason.RATE, 0);
    }

    // ---- running calls ----

    /**
     * Runs {@code task} once a permit is taken, waiting for it up to the maximum wait.
     *
     * @param task the task
     * @param <T> the task's result
     * @return what the task returned
     * @throws RateLimitedException if no permit is free within the maximum wait (the task does not run)
     * @throws InterruptedException if interrupted while waiting for the permit
     * @throws Exception the task's own exception, unchanged
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        acquire(1);
        return task.call();
    }

    /**
     * Runs {@code task} once a permit is taken, as {@link #call} does, without checked exceptions: an
     * interrupted wait becomes a {@link java.util.concurrent.CancellationException} with the interrupt flag
     * restored. Allocates nothing when the permit is free.
     *
     * @param task the task
     * @param <T> the task's result
     * @return what the task returned
     * @throws RateLimitedException if no permit is free within the maximum wait (the task does not run)
     */
    @Override
    public <T> T get(Supplier<T> task) {
        Objects.requireNonNull(task, "task");
        acquireUnchecked();
        return task.get();
    }

    /**
     * Runs {@code task} once a permit is taken, as {@link #get(Supplier)} does.
     *
     * @param task the task
     * @throws RateLimitedException if no permit is free within the maximum wait (the task does not run)
     */
    @Override
    public void run(Runnable task) {
        Objects.requireNonNull(task, "task");
        acquireUnchecked();
        task.run();
    }

    private void acquireUnchecked() {
        try {
            acquire(1);
        } catch (InterruptedException e) {
            throw Calls.unchecked(e);
        }
    }

    /**
     * Starts an asynchronous task once a permit is taken, never blocking a thread: a permit free now starts
     * it on the calling thread; one free within the maximum wait schedules its start; otherwise the
     * returned future fails at once with {@link RateLimitedException} and the task is not started.
     * Cancelling the returned future cancels a scheduled start (the permit stays spent) or the task's
     * future.
     *
     * @param task starts the work and returns its future
     * @param <T> the result
     * @return the task's outcome
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        long answer;
        try {
            answer = take(1, core.maxWaitNanos);
        } catch (RuntimeException | Error e) {
            return CompletableFuture.failedFuture(e); // a store that cannot answer
        }
        if (answer < 0) {
            return CompletableFuture.failedFuture(rejection(1, answer));
        }
        if (answer == 0) {
            return Calls.start(task);
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        AtomicReference<CompletableFuture<T>> started = new AtomicReference<>();
        Runnable start = () -> {
            if (result.isDone()) {
                return; // cancelled while waiting
            }
            CompletableFuture<T> future = Calls.start(task);
            started.set(future);
            future.whenComplete((value, error) -> {
                if (error == null) {
                    result.complete(value);
                } else {
                    result.completeExceptionally(Calls.unwrap(error));
                }
            });
            if (result.isCancelled()) {
                future.cancel(true); // cancelled while starting
            }
        };
        Future<?> scheduled;
        try {
            scheduled = Calls.schedule(core.scheduler, start, answer);
        } catch (RuntimeException e) {
            result.completeExceptionally(e); // a scheduler that refuses: never leave the caller hanging
            return result;
        }
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                scheduled.cancel(false);
                CompletableFuture<T> future = started.get();
                if (future != null) {
                    future.cancel(true);
                }
            }
        });
        return result;
    }

    @Override
    public String toString() {
        return "RateLimiter(" + core.name + ", " + core.limit + ")";
    }

    /**
     * Builds a {@link RateLimiter}. Every method returns this builder; ranges are checked by
     * {@link #build()}. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private int permits = 100;
        private Duration period = Duration.ofSeconds(1);
        private int burst;
        /** Unset: the same as permits. */
        private boolean burstSet;
        private Shape shape = Shape.SMOOTH;
        private Duration maxWait = Duration.ZERO;
        private Ticker ticker = Ticker.system();
        private Retry.Sleeper sleeper = Retry.Sleeper.threadSleep();
        private @Nullable ScheduledExecutorService scheduler;
        private @Nullable Function<? super Limit, ? extends Store> store;
        private final List<RateLimiterListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The rate: {@code permits} per {@code period}. Default 100 per second.
         *
         * @param permits permits earned per period, at least 1 (checked by {@link #build()})
         * @param period the period, positive and at most one permit per nanosecond (checked by {@link #build()})
         * @return this builder
         * @throws NullPointerException if {@code period} is null
         */
        public Builder rate(int permits, Duration period) {
            this.period = Objects.requireNonNull(period, "period");
            this.permits = permits;
            return this;
        }

        /**
         * The most permits held at once: what a quiet limiter lets through in one go. Default: the
         * rate's {@code permits}.
         *
         * @param burst at least 1 (checked by {@link #build()})
         * @return this builder
         */
        public Builder burst(int burst) {
            this.burst = burst;
            this.burstSet = true;
            return this;
        }

        /**
         * How permits are earned. Default {@link Shape#SMOOTH}.
         *
         * @param shape the shape
         * @return this builder
         * @throws NullPointerException if {@code shape} is null
         */
        public Builder shape(Shape shape) {
            this.shape = Objects.requireNonNull(shape, "shape");
            return this;
        }

        /**
         * {@link Shape#SMOOTH}: permits one at a time, evenly spaced.
         *
         * @return this builder
         */
        public Builder smooth() {
            return shape(Shape.SMOOTH);
        }

        /**
         * {@link Shape#BURSTY}: the period's permits at once at the start of each period.
         *
         * @return this builder
         */
        public Builder bursty() {
            return shape(Shape.BURSTY);
        }

        /**
         * How long a call waits at most for its permits (on the store's time); beyond it the call is
         * refused at once. Default zero.
         *
         * @param maxWait zero or positive, at most 3650 days (checked by {@link #build()})
         * @return this builder
         * @throws NullPointerException if {@code maxWait} is null
         */
        public Builder maxWait(Duration maxWait) {
            this.maxWait = Objects.requireNonNull(maxWait, "maxWait");
            return this;
        }

        /**
         * The ticker the local store keeps time on. Default {@link Ticker#system()}; tests pass a fake
         * one, together with a {@link #sleeper} that advances it.
         *
         * @param ticker the ticker
         * @return this builder
         * @throws NullPointerException if {@code ticker} is null
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * How synchronous calls wait for reserved permits. Default {@link Retry.Sleeper#threadSleep()}.
         *
         * @param sleeper the sleeper
         * @return this builder
         * @throws NullPointerException if {@code sleeper} is null
         */
        public Builder sleeper(Retry.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Where {@link RateLimiter#callAsync} schedules a start that must wait; the task then starts on the
         * scheduler's thread. Default: a shared daemon scheduler that hands the start to the common pool.
         *
         * @param scheduler the scheduler
         * @return this builder
         * @throws NullPointerException if {@code scheduler} is null
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * Keeps the permits in a store made by {@code factory} instead of in this process (see
         * {@link Store}); the factory is called once per {@link #build()} with the configured
         * {@link Limit}. Default: the local store (lock-free, exact, on the {@link #ticker}).
         *
         * @param factory makes the store from the limit
         * @return this builder
         * @throws NullPointerException if {@code factory} is null
         */
        public Builder store(Function<? super Limit, ? extends Store> factory) {
            this.store = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Adds a listener; listeners are notified in the order added.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(RateLimiterListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the limiter.
         *
         * @return the limiter
         * @throws IllegalArgumentException naming the parameter and its range: {@code permits < 1}; a
         *     {@code period} that is not positive or beyond 3650 days; a rate above one permit per
         *     nanosecond (or too fine to count exactly); {@code burst < 1} or one that takes more than 3650
         *     days to refill; a {@code maxWait} that is negative or beyond 3650 days
         * @throws NullPointerException if the store factory returns null
         */
        public RateLimiter build() {
            Limit limit = limit();
            Core core = new Core(this, limit, 0);
            Store s = store == null
                    ? new LocalPermits(LocalPermits.Rate.of(limit), 0, core.permitted)
                    : Objects.requireNonNull(store.apply(limit), "store factory returned null");
            return new RateLimiter(core, s, NO_KEY);
        }

        /** The checked limit. */
        private Limit limit() {
            if (permits < 1) {
                throw new IllegalArgumentException("permits must be >= 1, was " + permits);
            }
            if (period.isNegative() || period.isZero() || period.compareTo(LocalPermits.Rate.MAX_SPAN) > 0) {
                throw new IllegalArgumentException("period must be positive and at most "
                        + LocalPermits.Rate.MAX_SPAN.toDays() + " days, was " + period);
            }
            if (permits > period.toNanos()) {
                throw new IllegalArgumentException("rate must be at most one permit per nanosecond, was "
                        + permits + " per " + Durations.format(period));
            }
            int b = burstSet ? burst : permits;
            if (b < 1) {
                throw new IllegalArgumentException("burst must be >= 1, was " + b);
            }
            if (maxWait.isNegative() || maxWait.compareTo(LocalPermits.Rate.MAX_SPAN) > 0) {
                throw new IllegalArgumentException("maxWait must be zero or positive and at most "
                        + LocalPermits.Rate.MAX_SPAN.toDays() + " days, was " + maxWait);
            }
            Limit limit = new Limit(name, permits, period, b, shape, ticker);
            LocalPermits.Rate.of(limit); // the range checks of the arithmetic, whatever the store
            return limit;
        }

        /** A copy of this builder under another name, listeners included (for registries). */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.permits = permits;
            b.period = period;
            b.burst = burst;
            b.burstSet = burstSet;
            b.shape = shape;
            b.maxWait = maxWait;
            b.ticker = ticker;
            b.sleeper = sleeper;
            b.scheduler = scheduler;
            b.store = store;
            b.listeners.addAll(listeners);
            return b;
        }
    }

    /**
     * One limit per key (per tenant, per host, per API key), with bounded memory; made by
     * {@link RateLimiter#perKey}. Each key gets the limit the builder configures, as if it had a
     * {@link RateLimiter} of its own; the name, maximum wait, scheduling, counters and listeners are
     * shared by all keys (so are meters: one set per per-key limiter, never one per key).
     *
     * <p><b>Memory.</b> A key's bucket is created on its first use and <em>evicted</em> once it has been
     * full (holding {@code burst} permits, so it remembers nothing a fresh bucket would not) for
     * {@link Builder#evictAfterIdle}: eviction never lets a key exceed its limit. Idle keys are swept
     * while new keys arrive (at most once per {@code max(evictAfterIdle, 1s)}) and by
     * {@link #evictIdle()}. At most {@link Builder#maxKeys} keys are tracked: a new key beyond them, when a
     * sweep (at most once per {@code max(evictAfterIdle / 8, 1ms)}) finds none idle, gets no permits:
     * {@link #tryAcquire} returns false and the others throw {@link RateLimitedException} with an empty
     * {@code retryAfter()}; keys already tracked are not affected.
     *
     * <p><b>Keys</b> must be immutable values with {@code equals} and {@code hashCode} (strings,
     * records); null is rejected. A key never appears in a message or a log (it may be a credential).
     *
     * <p>Thread safety: safe for concurrent use. Keys share no lock: each key's bucket is one
     * compare-and-set word, looked up in a {@link ConcurrentHashMap}; a sweep runs on the thread that
     * triggers it while the others carry on.
     *
     * @param <K> the key type
     */
    public static final class PerKey<K> {

        private static final long MIN_SWEEP_NANOS = 1_000_000_000L;
        private static final long MIN_CAP_SWEEP_NANOS = 1_000_000L;

        private final Core core;
        private final LocalPermits.Rate rate;
        private final int maxKeys;
        private final long idleNanos;
        private final ConcurrentHashMap<K, KeyBucket<K>> buckets = new ConcurrentHashMap<>();
        /** Keys in the map, counted before they go in so that the cap is exact. */
        private final AtomicInteger keys = new AtomicInteger();
        /** Elapsed time of the last sweep, on the rate's ticker. */
        private final AtomicLong lastSweep = new AtomicLong();
        private final AtomicBoolean sweeping = new AtomicBoolean();
        /** The answer for a new key beyond the cap. */
        private final RateLimiter full;

        private PerKey(Builder b) {
            RateLimiter.Builder limit = b.limit;
            Limit l = limit.limit();
            this.core = new Core(limit, l, b.maxKeys);
            this.rate = LocalPermits.Rate.of(l);
            this.maxKeys = b.maxKeys;
            this.idleNanos = b.evictAfterIdle.toNanos();
            this.full = new RateLimiter(core, KeysFull.INSTANCE, NO_KEY);
        }

        /**
         * The per-key limiter's name.
         *
         * @return the name
         */
        public String name() {
            return core.name;
        }

        /**
         * The limit of each key.
         *
         * @return the limit
         */
        public Limit limit() {
            return core.limit;
        }

        /**
         * The most keys tracked at once.
         *
         * @return the cap
         */
        public int maxKeys() {
            return maxKeys;
        }

        /**
         * How long a key's bucket stays full before it may be evicted.
         *
         * @return the idle time
         */
        public Duration evictAfterIdle() {
            return Duration.ofNanos(idleNanos);
        }

        /**
         * The keys tracked now.
         *
         * @return the number of keys
         */
        public int size() {
            return keys.get();
        }

        /**
         * Takes one permit of {@code key} if it is free now; never waits.
         *
         * @param key the key
         * @return whether it was taken
         * @throws NullPointerException if {@code key} is null
         */
        public boolean tryAcquire(K key) {
            return limiterFor(key).tryAcquire(1);
        }

        /**
         * Takes {@code permits} of {@code key} if they are free now; never waits.
         *
         * @param key the key
         * @param permits the permits wanted, at least 1
         * @return whether they were taken
         * @throws NullPointerException if {@code key} is null
         * @throws IllegalArgumentException if {@code permits < 1}
         */
        public boolean tryAcquire(K key, int permits) {
            return limiterFor(key).tryAcquire(permits);
        }

        /**
         * Takes {@code permits} of {@code key}, waiting up to the maximum wait.
         *
         * @param key the key
         * @param permits the permits wanted, at least 1
         * @throws NullPointerException if {@code key} is null
         * @throws IllegalArgumentException if {@code permits < 1}
         * @throws RateLimitedException if they are not free within the maximum wait, or the key is new and
         *     the cap of keys is reached
         * @throws InterruptedException if interrupted while waiting
         */
        public void acquire(K key, int permits) throws InterruptedException {
            limiterFor(key).acquire(permits);
        }

        /**
         * Runs {@code task} on a permit of {@code key}, as {@link RateLimiter#call} does.
         *
         * @param key the key
         * @param task the task
         * @param <T> the result
         * @return what the task returned
         * @throws RateLimitedException if no permit of the key is free within the maximum wait
         * @throws InterruptedException if interrupted while waiting
         * @throws Exception the task's own exception, unchanged
         */
        public <T> T call(K key, Callable<T> task) throws Exception {
            return limiterFor(key).call(task);
        }

        /**
         * Runs {@code task} on a permit of {@code key}, as {@link RateLimiter#get(Supplier)} does.
         *
         * @param key the key
         * @param task the task
         * @param <T> the result
         * @return what the task returned
         * @throws RateLimitedException if no permit of the key is free within the maximum wait
         */
        public <T> T get(K key, Supplier<T> task) {
            return limiterFor(key).get(task);
        }

        /**
         * Runs {@code task} on a permit of {@code key}, as {@link RateLimiter#run(Runnable)} does.
         *
         * @param key the key
         * @param task the task
         * @throws RateLimitedException if no permit of the key is free within the maximum wait
         */
        public void run(K key, Runnable task) {
            limiterFor(key).run(task);
        }

        /**
         * Starts an asynchronous task on a permit of {@code key}, as {@link RateLimiter#callAsync} does.
         *
         * @param key the key
         * @param task starts the work and returns its future
         * @param <T> the result
         * @return the task's outcome
         */
        public <T> CompletableFuture<T> callAsync(K key, Supplier<? extends CompletionStage<T>> task) {
            return limiterFor(key).callAsync(task);
        }

        /**
         * A {@link RateLimiter} (and so a {@link Policy}) for one key, safe to keep: it finds the key's
         * bucket on each call, so it keeps working after the key was evicted.
         *
         * @param key the key
         * @return the key's limiter
         * @throws NullPointerException if {@code key} is null
         */
        public RateLimiter forKey(K key) {
            Objects.requireNonNull(key, "key");
            return new RateLimiter(core, new KeyView<>(this, key), key);
        }

        /**
         * The permits of {@code key} free now (an untracked key has a full bucket); never creates the key.
         *
         * @param key the key
         * @return the permits free now
         * @throws NullPointerException if {@code key} is null
         */
        public long availablePermits(K key) {
            KeyBucket<K> b = buckets.get(Objects.requireNonNull(key, "key"));
            return b == null ? rate.burst : b.availablePermits();
        }

        /**
         * Evicts now every key whose bucket has been full for {@link #evictAfterIdle()}.
         *
         * @return the number of keys evicted
         */
        public int evictIdle() {
            long now = rate.elapsed();
            lastSweep.set(now);
            return sweep(now);
        }

        /**
         * Granted acquisitions, over all keys.
         *
         * @return the count
         */
        public long permittedCalls() {
            return core.permitted.sum();
        }

        /**
         * Refused acquisitions, over all keys (those refused for the cap of keys included).
         *
         * @return the count
         */
        public long rejectedCalls() {
            return core.rejected.sum();
        }

        /**
         * The waits granted so far, over all keys, added up.
         *
         * @return the total wait
         */
        public Duration totalWaitTime() {
            return Duration.ofNanos(core.waitedNanos.sum());
        }

        /**
         * Adds a listener, which hears every key; listeners are notified in the order added.
         *
         * @param listener the listener
         * @throws NullPointerException if {@code listener} is null
         */
        public void addListener(RateLimiterListener listener) {
            core.listeners.add(listener);
        }

        /**
         * Removes a listener.
         *
         * @param listener the listener
         * @return whether it was present
         */
        public boolean removeListener(RateLimiterListener listener) {
            return core.listeners.remove(listener);
        }

        @Override
        public String toString() {
            return "RateLimiter.PerKey(" + core.name + ", " + core.limit + ", " + size() + " of " + maxKeys + " keys)";
        }

        /** The key's limiter: its bucket's, or {@link #full} for a new key beyond the cap. */
        RateLimiter limiterFor(K key) {
            KeyBucket<K> b = buckets.get(Objects.requireNonNull(key, "key"));
            return b != null ? b.limiter : create(key);
        }

        /** The key's store now (for an evicted bucket or a view). */
        Store storeFor(K key) {
            return limiterFor(key).store;
        }

        private RateLimiter create(K key) {
            long now = rate.elapsed();
            if (now - lastSweep.get() >= Math.max(idleNanos, MIN_SWEEP_NANOS)) {
                trySweep(now);
            }
            for (;;) {
                KeyBucket<K> existing = buckets.get(key);
                if (existing != null) {
                    return existing.limiter;
                }
                if (!takeSlot()) {
                    if (now - lastSweep.get() >= Math.max(idleNanos / 8, MIN_CAP_SWEEP_NANOS)) {
                        trySweep(now);
                    }
                    if (!takeSlot()) {
                        return full;
                    }
                }
                KeyBucket<K> fresh = new KeyBucket<>(this, key, rate.permitsAt(now));
                KeyBucket<K> raced = buckets.putIfAbsent(key, fresh);
                if (raced == null) {
                    return fresh.limiter;
                }
                keys.decrementAndGet(); // another thread created it first
                if (!raced.isDead()) {
                    return raced.limiter;
                }
                forget(raced); // evicted in between: drop it and try again
            }
        }

        private boolean takeSlot() {
            for (;;) {
                int n = keys.get();
                if (n >= maxKeys) {
                    return false;
                }
                if (keys.compareAndSet(n, n + 1)) {
                    return true;
                }
            }
        }

        /** Removes a dead bucket from the map; whoever removes it gives its slot back, once. */
        void forget(KeyBucket<K> dead) {
            if (buckets.remove(dead.key, dead)) {
                keys.decrementAndGet();
            }
        }

        private void trySweep(long now) {
            if (sweeping.compareAndSet(false, true)) {
                try {
                    lastSweep.set(now);
                    sweep(now);
                } finally {
                    sweeping.set(false);
                }
            }
        }

        private int sweep(long now) {
            int evicted = 0;
            for (KeyBucket<K> b : buckets.values()) {
                if (b.killIfIdle(now, idleNanos)) {
                    forget(b);
                    evicted++;
                }
            }
            return evicted;
        }

        /**
         * Builds a {@link PerKey} limiter. Every method returns this builder; ranges are checked by
         * {@link #build()}. Not thread-safe.
         */
        public static final class Builder {
            private final RateLimiter.Builder limit;
            private int maxKeys = 10_000;
            private Duration evictAfterIdle = Duration.ofMinutes(1);

            private Builder(RateLimiter.Builder limit) {
                this.limit = limit;
            }

            /**
             * The most keys tracked at once. Default 10,000.
             *
             * @param maxKeys at least 1 (checked by {@link #build()})
             * @return this builder
             */
            public Builder maxKeys(int maxKeys) {
                this.maxKeys = maxKeys;
                return this;
            }

            /**
             * How long a key's bucket must have been full before it may be evicted. Default one minute;
             * zero evicts a key as soon as its bucket is full again.
             *
             * @param idle zero or positive, at most 3650 days (checked by {@link #build()})
             * @return this builder
             * @throws NullPointerException if {@code idle} is null
             */
            public Builder evictAfterIdle(Duration idle) {
                this.evictAfterIdle = Objects.requireNonNull(idle, "idle");
                return this;
            }

            /**
             * Builds the per-key limiter.
             *
             * @param <K> the key type
             * @return the per-key limiter
             * @throws IllegalArgumentException naming the parameter and its range: {@code maxKeys < 1}, an
             *     {@code evictAfterIdle} that is negative or beyond 3650 days, a limit whose
             *     {@link RateLimiter.Builder#build()} would fail, or a limit with its own
             *     {@link RateLimiter.Builder#store store} (a per-key limit is kept in this process)
             */
            public <K> PerKey<K> build() {
                if (maxKeys < 1) {
                    throw new IllegalArgumentException("maxKeys must be >= 1, was " + maxKeys);
                }
                if (evictAfterIdle.isNegative() || evictAfterIdle.compareTo(LocalPermits.Rate.MAX_SPAN) > 0) {
                    throw new IllegalArgumentException("evictAfterIdle must be zero or positive and at most "
                            + LocalPermits.Rate.MAX_SPAN.toDays() + " days, was " + evictAfterIdle);
                }
                if (limit.store != null) {
                    throw new IllegalArgumentException("store: a per-key limit is kept in this process; "
                            + "build the per-key limiter from a builder without a store");
                }
                return new PerKey<>(this);
            }
        }
    }

    /** One key's bucket in a {@link PerKey} map; an evicted one sends its callers to the key's current bucket. */
    private static final class KeyBucket<K> extends LocalPermits {
        final PerKey<K> owner;
        final K key;
        final RateLimiter limiter;

        KeyBucket(PerKey<K> owner, K key, long tat) {
            super(owner.rate, tat);
            this.owner = owner;
            this.key = key;
            this.limiter = new RateLimiter(owner.core, this, key);
        }

        @Override
        public long tryReserve(int permits, long maxWaitNanos) {
            long answer = reserve(permits, maxWaitNanos);
            if (answer != DEAD_ANSWER) {
                return answer;
            }
            owner.forget(this); // evicted under this caller: its slot and map entry go, the key starts afresh
            return owner.storeFor(key).tryReserve(permits, maxWaitNanos);
        }
    }

    /** The store of {@link PerKey#forKey}: the key's bucket, found on each call. */
    private static final class KeyView<K> implements Store {
        private final PerKey<K> owner;
        private final K key;

        KeyView(PerKey<K> owner, K key) {
            this.owner = owner;
            this.key = key;
        }

        @Override
        public long tryReserve(int permits, long maxWaitNanos) {
            return owner.storeFor(key).tryReserve(permits, maxWaitNanos);
        }

        @Override
        public long availablePermits() {
            return owner.availablePermits(key);
        }
    }

    /** The store of a new key beyond a per-key limiter's cap: refuses everything. */
    private enum KeysFull implements Store {
        INSTANCE;

        @Override
        public long tryReserve(int permits, long maxWaitNanos) {
            return KEYS_FULL;
        }

        @Override
        public long availablePermits() {
            return 0;
        }
    }
}
