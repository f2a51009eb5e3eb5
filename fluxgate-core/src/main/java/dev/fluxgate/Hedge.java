package dev.fluxgate;

import java.lang.reflect.UndeclaredThrowableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Hedged requests: when a call has not answered after a delay, starts the same call again, up to
 * {@code maxAttempts} in total, and takes the first success. It trades a little extra load for a much
 * shorter latency tail: with a delay at the 95th percentile, at most about 5% more requests go out, and a
 * slow 5% no longer waits for its slow replica.
 *
 * <pre>{@code
 * Hedge hedge = Hedge.builder("search")
 *     .maxAttempts(2)
 *     .percentileDelay(0.95, Duration.ofMillis(50))   // the p95 of recent calls; 50 ms until 20 are seen
 *     .build();
 * Result r = hedge.call(() -> search.query(q));       // attempts run on the hedge's executor
 * CompletableFuture<Result> f = hedge.callAsync(() -> search.queryAsync(q));
 * }</pre>
 *
 * <p><b>When attempts start.</b> The first at once; attempt {@code k + 1} starts {@code delay} after
 * attempt {@code k} did, while no attempt has succeeded, the call has not failed and fewer than
 * {@code maxAttempts} have started. The delay is fixed ({@link Builder#delay}) or a percentile of the
 * latencies this hedge measured ({@link Builder#percentileDelay}): the last {@code latencySamples} first
 * attempts, each measured from its start to its success, or to its cancellation when another attempt won
 * (a lower bound, so slow calls still count as slow); a first attempt that fails is not a latency. Until
 * {@code minSamples} are recorded the fallback delay applies. Each call reads the delay once, at its
 * start.
 *
 * <p><b>Who wins.</b> The first attempt to succeed: its result is the call's, and every other attempt
 * still in flight is cancelled at once (its future cancelled, its thread interrupted) and is never a
 * failure: not of the winner, not in this hedge's counters. A hedge does not retry: an attempt that fails
 * lets the others run on, and the call fails as soon as every attempt it started has failed (attempts
 * not yet started then never start; put a {@link Retry} outside the hedge to retry). The caller then gets
 * the <b>last</b> failure, with the earlier ones attached as {@linkplain Throwable#getSuppressed()
 * suppressed}, as a {@link Retry} does.
 *
 * <p><b>Synchronous calls</b> ({@link #call}) run every attempt, the first included, on the hedge's
 * executor ({@link Builder#executor}; default: virtual threads on JDK 21 and later, a cached pool of
 * daemon threads before; thread-local context does not follow the call). The caller's thread waits for
 * the first success without spinning (a blocking queue), starts the hedged attempts itself, and can be
 * interrupted: it then cancels every attempt and throws {@link InterruptedException}. The delay is waited
 * on the system clock, or, with a {@link Builder#scheduler scheduler}, by a timer on it (a scheduler
 * driven by fake time lets tests start hedges without sleeping). A loser is interrupted: a task that
 * ignores interrupts runs on to its end, but nobody waits for it.
 *
 * <p><b>Asynchronous calls</b> ({@link #callAsync}) never block: the first attempt's task supplier runs on
 * the caller's thread, the hedged ones on the scheduler's thread, or, with the default scheduler (a shared
 * daemon timer), on {@link java.util.concurrent.ForkJoinPool#commonPool()}. Losers' futures are cancelled;
 * cancelling the returned future cancels every attempt and the pending timer.
 *
 * <p><b>In a pipeline</b>, put the hedge outside the {@link CircuitBreaker}, {@link Bulkhead} and
 * {@link Timeout} of one attempt: {@code Resilience.of(retry, hedge, breaker, timeout)}. Each attempt then
 * goes through the breaker on its own and takes its own permit (in HALF_OPEN a hedged attempt may be
 * rejected while the first holds the only probe, which fails that attempt only), and each attempt has its
 * own timeout. With {@link #callAsync} a loser's cancellation releases its breaker permit and is not
 * recorded. With {@link #call} a loser is interrupted, and what its task throws then (an
 * {@link InterruptedException}, an I/O exception) is its outcome to the policies inside the hedge: a
 * breaker inside records it unless its tracker ignores it. A hedge outside the breaker would make the
 * whole race one breaker call.
 *
 * <p><b>Plugged-in code that throws</b>: a listener's failure is logged at {@code WARNING} on the
 * {@link System.Logger} {@code dev.fluxgate.Hedge} and ignored. An executor that refuses the first
 * attempt fails the call with its {@link java.util.concurrent.RejectedExecutionException}; one that refuses
 * a hedged attempt fails that attempt only; a scheduler that refuses a timer stops the hedging of that
 * call (its attempts in flight run on).
 *
 * <p>A hedge is immutable after build, apart from its listeners, and safe for concurrent use; each call
 * keeps its own state. The counters are striped ({@link LongAdder}), exact once calls are quiet. Memory
 * consistency effects: actions in a thread before {@link #call} or {@link #callAsync} happen-before every
 * attempt; the winning attempt's actions happen-before {@code call} returns (or the returned future
 * completes) with its result.
 */
public final class Hedge implements Policy {

    private static final System.Logger LOG = System.getLogger(Hedge.class.getName());
    /** The wake-up of a synchronous call's timer. */
    private static final Object TIMER = new Object();

    private final String name;
    private final String owner;
    private final int maxAttempts;
    private final long fixedDelayNanos;
    private final @Nullable LatencySamples samples;
    private final double percentile;
    private final @Nullable ExecutorService executor;
    private final @Nullable ScheduledExecutorService scheduler;
    private final Ticker ticker;
    private final ListenerArray<HedgeListener> listeners;

    private final LongAdder successfulCalls = new LongAdder();
    private final LongAdder failedCalls = new LongAdder();
    private final LongAdder hedgedAttempts = new LongAdder();
    private final LongAdder hedgeWins = new LongAdder();
    private final LongAdder cancelledAttempts = new LongAdder();

    private Hedge(Builder b) {
        this.name = b.name;
        this.owner = Plugged.owner("Hedge", name);
        this.maxAttempts = b.maxAttempts;
        this.fixedDelayNanos = b.delay.toNanos();
        this.percentile = b.percentile;
        this.samples = b.percentile == 0 ? null
                : new LatencySamples(b.percentile, b.latencySamples, b.minSamples, fixedDelayNanos);
        this.executor = b.executor;
        this.scheduler = b.scheduler;
        this.ticker = b.ticker;
        this.listeners = new ListenerArray<>(new HedgeListener[0], b.listeners);
    }

    /**
     * A hedge called {@code "hedge"} of 2 attempts, the second after {@code delay}.
     *
     * @param delay the fixed delay before the hedged attempt
     * @return the hedge
     * @throws IllegalArgumentException if {@code delay} is not positive
     */
    public static Hedge of(Duration delay) {
        return builder("hedge").delay(delay).build();
    }

    /**
     * Starts a builder: 2 attempts, a fixed delay of 100 ms, the default executor and scheduler.
     *
     * @param name the hedge's name, for meters and logs
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the hedge's name (for meters and logs)} */
    public String name() {
        return name;
    }

    /** {@return the most attempts per call, the first included} */
    public int maxAttempts() {
        return maxAttempts;
    }

    /**
     * The delay a call starting now would wait between attempts: the fixed delay, or the percentile of
     * recent latencies (the fallback until there are enough).
     *
     * @return the current delay
     */
    public Duration currentDelay() {
        return Duration.ofNanos(delayNanos());
    }

    /** {@return the percentile the delay follows, in (0, 1], or empty for a fixed delay} */
    public java.util.OptionalDouble percentile() {
        return samples == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(percentile);
    }

    /** {@return the calls that succeeded (by any attempt)} */
    public long successfulCalls() {
        return successfulCalls.sum();
    }

    /** {@return the calls whose every started attempt failed} */
    public long failedCalls() {
        return failedCalls.sum();
    }

    /** {@return the hedged attempts started (attempts after the first), over all calls} */
    public long hedgedAttempts() {
        return hedgedAttempts.sum();
    }

    /** {@return the calls won by a hedged attempt rather than the first} */
    public long hedgeWins() {
        return hedgeWins.sum();
    }

    /** {@return the attempts cancelled because another won or the caller gave up} */
    public long cancelledAttempts() {
        return cancelledAttempts.sum();
    }

    /**
     * Adds a listener after build; it is notified after those already present.
     *
     * @param listener hears this hedge's hedges, wins, cancellations and failures
     */
    public void addListener(HedgeListener listener) {
        listeners.add(listener);
    }

    /**
     * Removes a listener.
     *
     * @param listener the listener to remove
     * @return whether the listener was present
     */
    public boolean removeListener(HedgeListener listener) {
        return listeners.remove(listener);
    }

    /** Drops every listener (a registry does this when it removes the hedge). */
    void removeAllListeners() {
        listeners.clear();
    }

    private long delayNanos() {
        return samples == null ? fixedDelayNanos : samples.estimateNanos();
    }

    private void emit(Consumer<HedgeListener> event) {
        for (HedgeListener listener : listeners.snapshot()) {
            try {
                event.accept(listener);
            } catch (Throwable e) {
                // Whatever it throws (an Error too), a listener must not change the call's outcome.
                Plugged.failed(LOG, owner, "listener", listener, "ignored", e);
            }
        }
    }

    /** Counts and tells the listeners about a race that was won. */
    private void won(int winner, int started) {
        successfulCalls.increment();
        if (winner > 1) {
            hedgeWins.increment();
        }
        if (started > 1 && !listeners.isEmpty()) {
            emit(l -> l.onWon(this, winner, started));
        }
    }

    private void cancelled(int attempt) {
        cancelledAttempts.increment();
        if (!listeners.isEmpty()) {
            emit(l -> l.onCancelled(this, attempt));
        }
    }

    private void hedging(int attempt, long delay) {
        hedgedAttempts.increment();
        if (!listeners.isEmpty()) {
            emit(l -> l.onHedge(this, attempt, Duration.ofNanos(delay)));
        }
    }

    private void failed(int started, Throwable last, List<Throwable> earlier) {
        for (Throwable e : earlier) {
            if (e != last) {
                try {
                    last.addSuppressed(e);
                } catch (RuntimeException notSuppressible) {
                    // an exception that refuses suppression: the caller still gets it
                }
            }
        }
        failedCalls.increment();
        if (!listeners.isEmpty()) {
            emit(l -> l.onFailed(this, started, last));
        }
    }

    // ---- sync ----

    /**
     * Runs {@code task} as hedged attempts on the executor and returns the first success.
     *
     * @return the winning attempt's result
     * @throws InterruptedException if the caller was interrupted while waiting (every attempt is cancelled)
     * @throws java.util.concurrent.RejectedExecutionException if the executor refused the first attempt
     * @throws Exception the last failure, the earlier ones suppressed, when every started attempt failed
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        return new SyncCall<>(task).run();
    }

    /** An attempt's success, posted by its worker to the waiting caller. */
    private record Success<T>(int attempt, T value, long nanos) {
    }

    /** An attempt's failure, posted by its worker (or by the caller, for a refused submission). */
    private record Failure(int attempt, Throwable error) {
    }

    /** One synchronous call: the caller's thread owns this state; workers only post outcomes. */
    private final class SyncCall<T> {
        final Callable<T> task;
        final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        final Future<?>[] attempts = new Future<?>[maxAttempts];
        final boolean[] settled = new boolean[maxAttempts];
        final long delay = delayNanos();
        @Nullable List<Throwable> failures;
        int started;
        long firstStart;
        @Nullable Future<?> timer;

        SyncCall(Callable<T> task) {
            this.task = task;
        }

        T run() throws Exception {
            start(); // a refusal of the first attempt propagates: nothing started
            long nextHedge = scheduler == null ? System.nanoTime() + delay : 0;
            try {
                for (;;) {
                    Object event;
                    if (started < maxAttempts && scheduler == null) {
                        long wait = nextHedge - System.nanoTime();
                        event = wait > 0 ? events.poll(wait, TimeUnit.NANOSECONDS) : events.poll();
                        if (event == null) {
                            event = TIMER;
                            nextHedge += delay;
                        }
                    } else {
                        event = events.take();
                    }
                    if (event == TIMER) {
                        if (started < maxAttempts) {
                            hedging(started + 1, delay);
                            start();
                        }
                        continue;
                    }
                    if (event instanceof Success<?> ok) {
                        settled[ok.attempt() - 1] = true;
                        int n = started;
                        cancelLosers(ok.attempt());
                        if (samples != null && ok.attempt() == 1) {
                            samples.record(ok.nanos());
                        }
                        won(ok.attempt(), n);
                        @SuppressWarnings("unchecked") // posted by this call's own task, a Callable<T>
                        T value = (T) ok.value();
                        return value;
                    }
                    Failure f = (Failure) event;
                    settled[f.attempt() - 1] = true;
                    List<Throwable> all = failures;
                    if (all == null) {
                        all = new ArrayList<>(maxAttempts);
                        failures = all;
                    }
                    all.add(f.error());
                    if (all.size() == started) {
                        failed(started, f.error(), all);
                        throw rethrow(f.error());
                    }
                }
            } catch (InterruptedException e) {
                cancelLosers(0);
                throw e;
            } finally {
                if (timer != null) {
                    timer.cancel(false);
                }
            }
        }

        /** Starts the next attempt on the executor, and its timer when a scheduler keeps the time. */
        private void start() {
            int attempt = started + 1;
            long begin = samples != null ? ticker.read() : 0L;
            if (attempt == 1) {
                firstStart = begin;
            }
            LatencySamples measured = samples;
            Runnable run = () -> {
                Object outcome;
                try {
                    T value = task.call();
                    outcome = new Success<>(attempt, value, measured != null ? ticker.read() - begin : 0L);
                } catch (Throwable e) {
                    outcome = new Failure(attempt, e);
                }
                events.add(outcome);
            };
            try {
                attempts[attempt - 1] = (executor != null ? executor : DefaultWorkers.EXECUTOR).submit(run);
            } catch (RuntimeException refused) {
                if (attempt == 1) {
                    throw refused;
                }
                events.add(new Failure(attempt, refused)); // that attempt fails; the others run on
            }
            started = attempt;
            if (scheduler != null && attempt < maxAttempts) {
                try {
                    timer = scheduler.schedule(() -> {
                        events.add(TIMER);
                    }, delay, TimeUnit.NANOSECONDS);
                } catch (RuntimeException refused) {
                    timer = null; // no timer, no wake-up: no more hedges; the attempts in flight run on
                }
            }
        }

        /** Cancels every attempt in flight except {@code winner} (0: all of them). */
        private void cancelLosers(int winner) {
            for (int i = 0; i < started; i++) {
                if (i + 1 != winner && !settled[i] && attempts[i] != null) {
                    settled[i] = true;
                    if (attempts[i].cancel(true)) {
                        if (i == 0 && samples != null) {
                            samples.record(ticker.read() - firstStart); // at least this slow
                        }
                        cancelled(i + 1);
                    }
                }
            }
        }
    }

    /** Throws what an attempt threw, unchanged. */
    private static Exception rethrow(Throwable error) {
        if (error instanceof Error e) {
            throw e;
        }
        if (error instanceof Exception e) {
            return e;
        }
        return new UndeclaredThrowableException(error);
    }

    // ---- async ----

    /**
     * Runs an asynchronous task as hedged attempts without blocking: the returned future completes with
     * the first success, or fails with the last failure (earlier ones suppressed) once every started
     * attempt has failed. Cancelling it cancels every attempt.
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        AsyncCall<T> call = new AsyncCall<>(task);
        call.begin();
        return call.result;
    }

    /** One asynchronous call; its state is guarded by a lock never held while user code runs. */
    private final class AsyncCall<T> {
        final Supplier<? extends CompletionStage<T>> task;
        final CompletableFuture<T> result = new CompletableFuture<>();
        final ReentrantLock lock = new ReentrantLock();
        final long delay = delayNanos();
        /** Guarded by lock. */
        final CompletableFuture<?>[] attempts = new CompletableFuture<?>[maxAttempts];
        final boolean[] settled = new boolean[maxAttempts];
        @Nullable List<Throwable> failures; // on the first failure only: the path of a success allocates none
        int started;
        boolean done;
        @Nullable Future<?> timer;
        long firstStart;

        AsyncCall(Supplier<? extends CompletionStage<T>> task) {
            this.task = task;
        }

        void begin() {
            result.whenComplete((v, e) -> {
                if (result.isCancelled()) {
                    settle(0); // the caller gave up: cancel everything
                }
            });
            lock.lock();
            try {
                started = 1;
            } finally {
                lock.unlock();
            }
            attempt(1);
        }

        /** Starts attempt {@code n}, already counted in {@code started}. */
        private void attempt(int n) {
            long begin = samples != null ? ticker.read() : 0L;
            CompletableFuture<T> f = Calls.start(task); // user code: no lock held
            boolean lateLoser;
            lock.lock();
            try {
                attempts[n - 1] = f;
                if (n == 1) {
                    firstStart = begin;
                }
                lateLoser = done;
                if (lateLoser) {
                    settled[n - 1] = true;
                }
            } finally {
                lock.unlock();
            }
            if (lateLoser) {
                if (f.cancel(true)) {
                    cancelled(n); // the call was settled while this attempt's supplier ran
                }
                return;
            }
            if (n < maxAttempts && !f.isDone()) {
                schedule(); // an attempt already complete needs no hedge
            }
            f.whenComplete((value, error) -> {
                if (error == null) {
                    won(n, begin, value);
                } else {
                    failedAttempt(n, Calls.unwrap(error));
                }
            });
        }

        private void schedule() {
            Future<?> t;
            try {
                t = Calls.schedule(scheduler, this::fire, delay);
            } catch (RuntimeException refused) {
                return; // no timer: no more hedges for this call; the attempts in flight run on
            }
            boolean cancel;
            lock.lock();
            try {
                timer = t;
                cancel = done;
            } finally {
                lock.unlock();
            }
            if (cancel) {
                t.cancel(false);
            }
        }

        private void fire() {
            int n;
            lock.lock();
            try {
                if (done || started >= maxAttempts) {
                    return;
                }
                n = ++started;
            } finally {
                lock.unlock();
            }
            hedging(n, delay);
            attempt(n);
        }

        private void won(int n, long begin, T value) {
            if (!settle(n)) {
                return; // settled already: this success came too late
            }
            if (samples != null && n == 1) {
                samples.record(ticker.read() - begin);
            }
            result.complete(value);
        }

        private void failedAttempt(int n, Throwable error) {
            List<Throwable> all;
            int n0;
            lock.lock();
            try {
                if (done) {
                    return; // a loser's cancellation, or a failure after the call settled
                }
                settled[n - 1] = true;
                if (failures == null) {
                    failures = new ArrayList<>(maxAttempts);
                }
                failures.add(error);
                if (failures.size() < started) {
                    return; // others are still in flight
                }
                done = true;
                all = failures;
                n0 = started;
            } finally {
                lock.unlock();
            }
            cancelTimer();
            Hedge.this.failed(n0, error, all);
            result.completeExceptionally(error);
        }

        /**
         * Settles the call for winner {@code n} (0: the caller cancelled): cancels the timer and the
         * other attempts in flight. Returns false if the call was settled already.
         */
        private boolean settle(int n) {
            int losers = 0; // a bit per attempt still in flight, to cancel outside the lock
            int n0;
            lock.lock();
            try {
                if (done) {
                    return false;
                }
                done = true;
                n0 = started;
                for (int i = 0; i < started; i++) {
                    if (i + 1 != n && !settled[i] && attempts[i] != null) {
                        settled[i] = true;
                        losers |= 1 << i;
                    }
                }
                if (n > 0) {
                    settled[n - 1] = true;
                }
            } finally {
                lock.unlock();
            }
            cancelTimer();
            // Cancel the losers before the result completes: whoever sees the result sees them cancelled.
            // (attempts[i] of a loser was set under the lock above and never changes once done.)
            for (int i = 0; losers != 0; i++, losers >>>= 1) {
                if ((losers & 1) != 0 && attempts[i].cancel(true)) {
                    if (i == 0 && samples != null) {
                        samples.record(ticker.read() - firstStart); // at least this slow
                    }
                    cancelled(i + 1);
                }
            }
            if (n > 0) {
                Hedge.this.won(n, n0);
            }
            return true;
        }

        private void cancelTimer() {
            Future<?> t;
            lock.lock();
            try {
                t = timer;
            } finally {
                lock.unlock();
            }
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    @Override
    public String toString() {
        return "Hedge(" + name + ", " + maxAttempts + " attempts, "
                + (samples == null ? Durations.format(Duration.ofNanos(fixedDelayNanos))
                        : "p" + percentileText() + " of recent latencies") + ")";
    }

    private String percentileText() {
        double p = percentile * 100;
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    /**
     * Builds a {@link Hedge}. Every method returns this builder; {@link #build()} checks the combination
     * and copies the configuration. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private int maxAttempts = 2;
        private Duration delay = Duration.ofMillis(100);
        private double percentile;
        private int latencySamples = 100;
        private int minSamples = 20;
        private @Nullable ExecutorService executor;
        private @Nullable ScheduledExecutorService scheduler;
        private Ticker ticker = Ticker.system();
        private final List<HedgeListener> listeners = new ArrayList<>();

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The most attempts per call, the first included. Default 2; 1 turns hedging off.
         *
         * @param maxAttempts in [1, 10]
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1 || maxAttempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be in [1, 10], was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * A fixed delay between the starts of attempts (replaces a {@link #percentileDelay}). Default 100 ms.
         *
         * @param delay positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder delay(Duration delay) {
            this.delay = Tripper.positive("delay", delay);
            this.percentile = 0;
            return this;
        }

        /**
         * A delay that follows the {@code percentile} of the latencies this hedge measures (see the class
         * comment), {@code fallbackDelay} until {@link #minSamples} are recorded.
         *
         * @param percentile in (0, 1], e.g. 0.95
         * @param fallbackDelay positive, the delay until there are enough samples
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder percentileDelay(double percentile, Duration fallbackDelay) {
            if (!(percentile > 0 && percentile <= 1)) {
                throw new IllegalArgumentException("percentile must be in (0, 1], was " + percentile);
            }
            this.delay = Tripper.positive("fallbackDelay", fallbackDelay);
            this.percentile = percentile;
            return this;
        }

        /**
         * How many recent latencies a percentile delay is computed over. Default 100.
         *
         * @param latencySamples in [10, 10000]
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder latencySamples(int latencySamples) {
            if (latencySamples < 10 || latencySamples > 10_000) {
                throw new IllegalArgumentException("latencySamples must be in [10, 10000], was " + latencySamples);
            }
            this.latencySamples = latencySamples;
            return this;
        }

        /**
         * How many latencies a percentile delay needs before it replaces the fallback delay. Default 20.
         *
         * @param minSamples in [1, latencySamples]
         * @return this builder
         * @throws IllegalArgumentException if below 1 ({@link #build()} checks the upper bound)
         */
        public Builder minSamples(int minSamples) {
            if (minSamples < 1) {
                throw new IllegalArgumentException("minSamples must be in [1, latencySamples], was " + minSamples);
            }
            this.minSamples = minSamples;
            return this;
        }

        /**
         * Where synchronous attempts run (the caller owns and shuts it down). Default: virtual threads on
         * JDK 21 and later, a cached pool of daemon threads before.
         *
         * @param executor runs the attempts of {@link Hedge#call}
         * @return this builder
         */
        public Builder executor(ExecutorService executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Keeps the delays (the caller owns and shuts it down): a synchronous call's timer only wakes the
         * caller; an asynchronous call's timer starts the hedged attempt on the scheduler's thread.
         * Default: synchronous calls wait on the system clock; asynchronous timers run on a shared daemon
         * scheduler that hands the attempt to the common pool.
         *
         * @param scheduler the timer
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The ticker latencies are measured on (read only for a percentile delay).
         *
         * @param ticker the time source
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Adds a listener; listeners are notified in the order added.
         *
         * @param listener hears the hedges, wins, cancellations and failures
         * @return this builder
         */
        public Builder listener(HedgeListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the hedge.
         *
         * @return a new hedge
         * @throws IllegalArgumentException if {@code minSamples > latencySamples}
         */
        public Hedge build() {
            if (minSamples > latencySamples) {
                throw new IllegalArgumentException("minSamples must be in [1, latencySamples=" + latencySamples
                        + "], was " + minSamples);
            }
            return new Hedge(this);
        }

        /** A copy of this builder under another name, listeners included (for registries). */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.maxAttempts = maxAttempts;
            b.delay = delay;
            b.percentile = percentile;
            b.latencySamples = latencySamples;
            b.minSamples = minSamples;
            b.executor = executor;
            b.scheduler = scheduler;
            b.ticker = ticker;
            b.listeners.addAll(listeners);
            return b;
        }
    }

    /** The default workers of synchronous attempts, created on first use. */
    private static final class DefaultWorkers {
        static final ExecutorService EXECUTOR = Workers.create("fluxgate-hedge");
    }
}
