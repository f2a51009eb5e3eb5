package dev.fluxgate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Runs a call again when it fails, waiting a {@link Backoff} between attempts.
 *
 * <pre>{@code
 * Retry retry = Retry.builder("inventory")
 *     .maxAttempts(4)
 *     .maxDuration(Duration.ofSeconds(2))
 *     .backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)).withFullJitter())
 *     .retryOn(Tracker.typeOf(IOException.class))
 *     .abortOn(Tracker.typeOf(FileNotFoundException.class))
 *     .build();
 * String body = retry.call(() -> fetch());
 * }</pre>
 *
 * <p><b>Which outcomes are retried.</b> An exception is retried when {@code abortOn} does not match
 * it and {@code retryOn} does (both are composable {@link Tracker}s). A
 * {@link CallNotPermittedException} (an open breaker inside the retry) is not retried unless
 * {@link Builder#retryOnRejection(boolean)} asks for it; {@link Builder#waitForRetryAfter(boolean)}
 * then waits at least its {@code retryAfter()}, and gives up at once when the breaker will not
 * recover by itself (see <b>Delays the outcome asks for</b>). {@link Error}s are never retried (they are counted and reported to
 * listeners as failures without retry, like any exception that is not retried). A result is retried when
 * {@link Builder#retryOnResult} matches it; when the attempts run out the caller gets the last
 * result.
 *
 * <p><b>When it stops.</b> After {@code maxAttempts} attempts, or when the next retry would start
 * after {@code maxDuration} from the first attempt's start (measured on the {@link Ticker}),
 * whichever comes first. On exhaustion the last exception is thrown (or fails the future) with
 * every earlier attempt's exception attached as {@linkplain Throwable#getSuppressed() suppressed}.
 *
 * <p><b>Budget.</b> With a {@link RetryBudget} ({@link Builder#budget(RetryBudget)}), each call's first
 * attempt deposits into the budget and each retry must take a token from it first. A retry the budget
 * denies is not attempted: the caller gets the last failure (or the last retryable result) at once,
 * the call is counted in {@link #budgetExhaustedCalls()} (and as failed with or without retry, as any
 * call that gives up), and listeners hear {@link RetryListener#onBudgetExhausted} instead of
 * {@link RetryListener#onExhausted}. The budget is asked last, once every other rule allows the retry,
 * so no token is spent on a retry that would not have started anyway.
 * <p><b>Delays the outcome asks for.</b> With {@link Builder#delayFrom(RetryDelay)} (a server's
 * {@code Retry-After} through {@link RetryAfter}, or any function of the result or the exception), each
 * retried outcome is asked how long to wait: when it asks for a delay, the retry waits
 * {@code max(asked, backoff)} (the delay is a floor, "not before": a server that keeps answering
 * {@code Retry-After: 1} still sees the backoff grow); when it asks for none, the backoff alone. A delay
 * longer than {@link Builder#maxDelay(Duration) maxDelay} (default 1 minute) stops the retries at once
 * and the caller gets that attempt's failure or result: a retry after the cap, before the time the
 * server named, would only be refused again, and sleeping for an hour is rarely what a caller wants
 * (a longer wait is the caller's decision: raise the cap). {@code waitForRetryAfter(true)} is the same
 * mechanism with {@link RetryDelay#rejectionRetryAfter()}, consulted before {@code delayFrom}'s
 * function. The delay counts against {@code maxDuration} like any wait. The function is called only for
 * outcomes that will be retried, once per retry, on the thread that saw the outcome; one that throws
 * is logged and asks for nothing.
 *
 * <p><b>Waiting.</b> The synchronous methods wait through a {@link Sleeper} ({@link Thread#sleep}
 * by default; tests pass one that advances a fake ticker). An interrupt during the wait stops the
 * retries: the interrupt flag is restored and the last failure is thrown, with the
 * {@link InterruptedException} attached as suppressed. {@link #callAsync} never blocks: it schedules
 * each next attempt on a {@link ScheduledExecutorService}. The first attempt's task supplier runs
 * on the caller's thread; later ones run on the given scheduler's thread, or, by default (a shared
 * daemon scheduler that only keeps time), on {@link java.util.concurrent.ForkJoinPool#commonPool()}.
 * The supplier should return quickly: start the work and return its future. Cancelling the returned future stops the retries and
 * cancels the attempt in flight.
 *
 * <p><b>Plugged-in code that throws</b> (anything, an {@link Error} included) never changes the
 * caller's outcome and is logged at {@code WARNING} on the {@link System.Logger}
 * {@code dev.fluxgate.Retry}: a listener's failure is ignored (the other listeners still hear the
 * event); a {@code retryOn} or {@code abortOn} tracker or a {@code retryOnResult} predicate that
 * throws means "do not retry" (the caller gets that attempt's exception or result); a random source
 * that throws draws the middle of its range (no jitter).
 *
 * <p>A retry is immutable after build, apart from its listeners, and safe for concurrent use; each
 * call keeps its own count. Memory consistency effects: actions in a thread prior to calling
 * {@link #call} or {@link #callAsync} happen-before the first attempt; each attempt's actions
 * happen-before the next attempt and the listener calls that follow it (a retry of {@code callAsync}
 * is scheduled after the attempt completed); the counters ({@link #retries()} and the like) are
 * {@link java.util.concurrent.atomic.LongAdder}s, exact once calls are quiet but possibly lagging
 * calls in progress.
 */
public final class Retry implements Policy {

    /**
     * Waits between synchronous attempts. The default sleeps the calling thread; tests inject one
     * that advances a fake {@link Ticker} instead of sleeping.
     */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits {@code nanos} nanoseconds.
         *
         * @param nanos how long to wait, in nanoseconds
         * @throws InterruptedException if the wait is interrupted; the retry then stops
         */
        void sleep(long nanos) throws InterruptedException;

        /**
         * {@link Thread#sleep}: interruptible, and it parks a virtual thread without pinning.
         *
         * @return a sleeper on {@link Thread#sleep}
         */
        static Sleeper threadSleep() {
            return nanos -> {
                if (nanos > 0) {
                    TimeUnit.NANOSECONDS.sleep(nanos);
                }
            };
        }
    }

    private static final long STOP = -1;
    /** A retry the budget denied: stop, as {@link #STOP}, but heard as budget exhaustion. */
    private static final long DENIED = -2;
    /** The default {@link Builder#maxDelay(Duration)}. */
    private static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(1);
    private static final System.Logger LOG = System.getLogger(Retry.class.getName());

    private final String name;
    /** {@code Retry 'name'}, for the warnings about plugged-in code. */
    private final String owner;
    /** The rules a call follows; a call reads it once when it starts, so {@link #reconfigure} never changes a running call's rules. */
    private volatile Settings settings;
    /** Serializes {@link #reconfigure} (never taken by a call). */
    private final java.util.concurrent.locks.ReentrantLock reconfiguring = new java.util.concurrent.locks.ReentrantLock();
    private final Sleeper sleeper;
    private final @Nullable ScheduledExecutorService scheduler;
    private final Ticker ticker;
    private final RandomGenerator random;
    private final ListenerArray<RetryListener> listeners;
    private final @Nullable RetryBudget budget;

    private final LongAdder successWithoutRetry = new LongAdder();
    private final LongAdder successWithRetry = new LongAdder();
    private final LongAdder failedWithoutRetry = new LongAdder();
    private final LongAdder failedWithRetry = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder budgetExhausted = new LongAdder();

    private Retry(Builder b) {
        this.name = b.name;
        this.owner = Plugged.owner("Retry", name);
        this.settings = new Settings(b);
        this.sleeper = b.sleeper;
        this.scheduler = b.scheduler; // null: the shared scheduler, attempts run on the common pool
        this.ticker = b.ticker;
        this.random = PluggedRandom.of(b.random, LOG, owner);
        this.listeners = new ListenerArray<>(new RetryListener[0], b.listeners);
        this.budget = b.budget;
    }

    /** The rules of one configuration, immutable: what {@link #reconfigure} replaces. */
    private static final class Settings {
        final int maxAttempts;
        final long maxDurationNanos;
        final Backoff backoff;
        final Tracker retryOn;
        final Tracker abortOn;
        final @Nullable Predicate<Object> retryOnResult;
        final boolean retryOnRejection;
        /** What the retried outcomes ask for (waitForRetryAfter's rejection delay first); null: the backoff alone. */
        final @Nullable RetryDelay delayFrom;
        final Duration maxDelay;

        Settings(Builder b) {
            this.maxAttempts = b.maxAttempts;
            this.maxDurationNanos = b.maxDuration == null ? Long.MAX_VALUE : b.maxDuration.toNanos();
            this.backoff = b.backoff;
            this.retryOn = b.retryOn;
            this.abortOn = b.abortOn;
            this.retryOnResult = b.retryOnResult;
            this.retryOnRejection = b.retryOnRejection;
            this.delayFrom = b.effectiveDelay();
            this.maxDelay = b.maxDelay;
        }

        java.util.Map<String, String> describe() {
            return java.util.Map.of("maxAttempts", Integer.toString(maxAttempts),
                    "maxDuration", maxDurationNanos == Long.MAX_VALUE ? "none" : Duration.ofNanos(maxDurationNanos).toString(),
                    "backoff", backoff.toString(),
                    "retryOn", retryOn.toString(),
                    "abortOn", abortOn.toString(),
                    "retryOnResult", retryOnResult == null ? "none" : "set",
                    "retryOnRejection", Boolean.toString(retryOnRejection),
                    "delayFrom", delayFrom == null ? "none" : "set",
                    "maxDelay", maxDelay.toString());
        }
    }

    /**
     * Starts a builder: 3 attempts, no duration limit, exponential backoff 100 ms x2 up to 10 s with full
     * jitter, every exception retried except rejections.
     *
     * @param name the retry's name, for meters and logs
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A retry with every default: see {@link #builder(String)}.
     *
     * @param name the retry's name, for meters and logs
     * @return a new retry
     */
    public static Retry ofDefaults(String name) {
        return builder(name).build();
    }

    /** {@return the retry's name (for meters and logs)} */
    public String name() {
        return name;
    }

    /** {@return the most attempts per call, the first included} */
    public int maxAttempts() {
        return settings.maxAttempts;
    }

    /** {@return the backoff between attempts} */
    public Backoff backoff() {
        return settings.backoff;
    }

    /** {@return the calls that succeeded at the first attempt} */
    public long successfulCallsWithoutRetry() {
        return successWithoutRetry.sum();
    }

    /** {@return the calls that succeeded after at least one retry} */
    public long successfulCallsWithRetry() {
        return successWithRetry.sum();
    }

    /**
     * {@return the calls that failed at the first attempt without a retry (not retryable, or a single
     * attempt allowed)}
     */
    public long failedCallsWithoutRetry() {
        return failedWithoutRetry.sum();
    }

    /**
     * {@return the calls that failed after at least one retry (exhausted, interrupted, or a later
     * non-retryable failure)}
     */
    public long failedCallsWithRetry() {
        return failedWithRetry.sum();
    }

    /** {@return the retries started, over all calls} */
    public long retries() {
        return retries.sum();
    }

    /**
     * {@return the calls that ended because the {@linkplain Builder#budget(RetryBudget) retry budget}
     * denied a retry (they are counted as failed with or without retry too)}
     */
    public long budgetExhaustedCalls() {
        return budgetExhausted.sum();
    }

    /**
     * Replaces this retry's rules at run time, keeping its counters and its budget.
     * <b>Calls already running</b> (between attempts, waiting, or in an attempt; sync, async and
     * {@link #attempts()} alike) finish under the rules they started with: each call reads the rules
     * once, when it starts. <b>Calls that start afterwards</b> follow the new {@code maxAttempts},
     * {@code maxDuration}, {@code backoff}, {@code retryOn}, {@code abortOn}, {@code retryOnResult},
     * {@code retryOnRejection}, {@code waitForRetryAfter}, {@code delayFrom} and {@code maxDelay}.
     * <b>Carried over</b>: the counters ({@link #retries()} and the like), the {@link RetryBudget} and its
     * tokens (the builder's budget is not used), the listeners, the sleeper, the scheduler and the random
     * source. Nothing is reset. The builder's name is not used; its ticker must be this retry's own.
     *
     * <p>Thread safety: safe to call concurrently with calls and other reconfigurations (applied one at a
     * time); the rules are swapped in one volatile write, so a call sees either the old or the new ones
     * whole, never a mix.
     *
     * @param configuration the new configuration
     * @return what changed and what carried over
     * @throws NullPointerException if {@code configuration} is null
     * @throws IllegalArgumentException if the builder names another ticker, or its {@link Builder#build()}
     *     would fail (then nothing changes)
     */
    public Reconfiguration reconfigure(Builder configuration) {
        Objects.requireNonNull(configuration, "configuration");
        if (configuration.ticker != ticker) {
            throw new IllegalArgumentException("ticker: a retry keeps the ticker it was built with");
        }
        configuration.check();
        Settings next = new Settings(configuration);
        Settings before;
        reconfiguring.lock();
        try {
            before = settings;
            settings = next;
        } finally {
            reconfiguring.unlock();
        }
        return new Reconfiguration("Retry", name, java.time.Instant.now(), before.describe(), next.describe(),
                List.of("calls in flight (on their old rules)", "counters", "budget", "listeners"), List.of());
    }

    /** {@return the retry budget this retry draws on, if it has one} */
    public java.util.Optional<RetryBudget> budget() {
        return java.util.Optional.ofNullable(budget);
    }

    /**
     * Adds a listener after build; it is notified after those already present.
     *
     * @param listener hears this retry's retries and outcomes
     */
    public void addListener(RetryListener listener) {
        listeners.add(listener);
    }

    /**
     * Removes a listener; returns whether it was present.
     *
     * @param listener the listener to remove
     * @return whether the listener was present
     */
    public boolean removeListener(RetryListener listener) {
        return listeners.remove(listener);
    }

    /** Drops every listener (a registry does this when it removes the retry). */
    void removeAllListeners() {
        listeners.clear();
    }

    // ---- sync ----

    /**
     * Runs {@code task}, retrying as configured.
     *
     * @return the first accepted result, or the last result when result retries ran out
     * @throws Exception the task's exception (the last one, earlier ones suppressed) when it is not
     *     retried or the retries ran out
     */
    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        return execute(null, Resilience.CALLABLE, task);
    }

    /**
     * Runs {@code task}, retrying as configured; exceptions as {@link Policy#get(Supplier)} says.
     *
     * @return the first accepted result, or the last result when result retries ran out
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

    /** {@link #call}, each attempt being the rest of {@code pipeline} (or the task itself): see {@link Resilience#proceed}. */
    @SuppressWarnings("TypeParameterUnusedInFormals") // T is the task's result type
    <T> T execute(@Nullable Resilience pipeline, int cursor, Object task) throws Exception {
        // The first attempt runs without an Execution: a call that succeeds at once allocates nothing.
        Settings s = settings; // this call's rules, whatever a reconfiguration does meanwhile
        long start = s.maxDurationNanos == Long.MAX_VALUE ? 0 : ticker.read();
        if (budget != null) {
            budget.recordFirstAttempt();
        }
        if (!listeners.isEmpty()) {
            emit(l -> l.onAttempt(Retry.this, 1));
        }
        T result;
        try {
            result = Resilience.proceed(pipeline, cursor, task);
        } catch (Throwable e) {
            return retry(new Execution(s, start, 1), e, null, pipeline, cursor, task);
        }
        if (!retryable(s, result)) {
            successWithoutRetry.increment();
            return result;
        }
        return retry(new Execution(s, start, 1), null, result, pipeline, cursor, task);
    }

    /**
     * The rest of a call whose latest attempt failed with {@code failure} or, when that is null, returned
     * the retryable {@code result}: waits, attempts again, until an attempt succeeds or the retries stop.
     */
    @SuppressWarnings("NullAway") // result is null only with a failure; a retryable result may be null, as T allows
    private <T> T retry(Execution execution, @Nullable Throwable failure, @Nullable T result,
            @Nullable Resilience pipeline, int cursor, Object task) throws Exception {
        while (true) {
            if (failure != null) {
                long delay = execution.afterFailure(failure);
                if (delay < 0) {
                    throw Retry.<RuntimeException>rethrow(failure); // STOP or DENIED
                }
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    failure.addSuppressed(interrupted);
                    execution.giveUp(failure);
                    throw Retry.<RuntimeException>rethrow(failure);
                }
            } else {
                long delay = execution.afterRetryableResult(result);
                if (delay < 0) {
                    return result; // STOP or DENIED
                }
                try {
                    sleeper.sleep(delay);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    execution.giveUp(null);
                    return result;
                }
            }
            int attempt = execution.begin();
            failure = null;
            try {
                result = Resilience.proceed(pipeline, cursor, task);
            } catch (Throwable e) {
                // Throwable, not Exception: an Error is never retried but still counted and heard by
                // listeners, as on the async path.
                failure = e;
                continue;
            }
            if (!retryable(execution.settings, result)) {
                execution.succeeded(attempt);
                return result;
            }
        }
    }

    /**
     * Throws {@code e} as it is, whatever its type: the task's own exception (an Exception, an Error, or
     * anything it managed to throw) reaches the caller unchanged, as a precise rethrow would.
     */
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private static <E extends Throwable> E rethrow(Throwable e) throws E {
        throw (E) e;
    }

    // ---- async ----

    /**
     * Runs an asynchronous task, retrying as configured, without ever blocking a thread: each next
     * attempt is scheduled after its backoff. The returned future completes with the first accepted
     * result, or fails with the last exception (earlier ones suppressed). Cancelling it stops the
     * retries and cancels the attempt in flight.
     */
    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        AsyncExecution<T> execution = new AsyncExecution<>(task);
        execution.attempt();
        return execution.result;
    }

    // ---- decisions, for integrations that wait their own way ----

    /**
     * Starts the decisions of one call, for integrations that run the attempts and wait between them
     * their own way (a Kotlin coroutine's {@code delay}, say) and still follow this retry exactly as
     * {@link #call} does: {@code maxAttempts}, {@code maxDuration} on this retry's {@link Ticker}, the
     * backoff and its random source, {@code retryOn}, {@code abortOn}, {@code retryOnResult},
     * {@code delayFrom} and {@code maxDelay}, the budget, the counters and the listeners. The caller runs
     * each attempt after {@link Attempts#begin()} and reports its outcome; the answer says how long to
     * wait before the next attempt, or to stop. A call abandoned between attempts (cancelled) is simply
     * not reported further: it counts as neither success nor failure, as a cancelled {@link #callAsync}.
     *
     * @return the decisions of one new call, to use for that call only
     */
    public Attempts attempts() {
        return new Attempts();
    }

    /**
     * The decisions of one call of a {@link Retry} (see {@link Retry#attempts()}). Its methods are called
     * in order, one attempt after another: {@link #begin()}, then {@link #onFailure} or {@link #onResult},
     * then, after the wait they answered, {@code begin()} again. Not thread-safe: one call's attempts run
     * one at a time, and the caller's hand-off between them (a coroutine's resumption, a scheduled
     * task) orders them.
     */
    public final class Attempts {
        private final Execution execution = new Execution();

        private Attempts() {
        }

        /**
         * Starts an attempt: counts it, makes the first one's deposit into the budget, and tells the
         * listeners ({@link RetryListener#onAttempt}).
         *
         * @return the attempt's number, from 1
         */
        public int begin() {
            return execution.begin();
        }

        /**
         * Decides after an attempt that threw {@code error}.
         *
         * @param error what the attempt threw
         * @return the nanoseconds to wait before the next attempt; or a negative number: stop and throw
         *     {@code error}, which then carries every earlier attempt's exception as suppressed (counted
         *     and heard as {@link #call} would)
         * @throws NullPointerException if {@code error} is null
         */
        public long onFailure(Throwable error) {
            return execution.afterFailure(Objects.requireNonNull(error, "error"));
        }

        /**
         * Decides after an attempt that returned {@code result}.
         *
         * @param result what the attempt returned (may be null)
         * @return the nanoseconds to wait before the next attempt (a retryable result); or a negative
         *     number: return {@code result} to the caller (it was accepted, or the retries ran out)
         */
        public long onResult(@Nullable Object result) {
            if (!retryable(execution.settings, result)) {
                execution.succeeded(execution.attempts);
                return STOP;
            }
            return execution.afterRetryableResult(result);
        }
    }

    // ---- decisions ----

    /** Whether a result is retried; a predicate that throws is logged and the result is not retried. */
    private boolean retryable(Settings s, @Nullable Object result) {
        Predicate<Object> retryOnResult = s.retryOnResult;
        if (retryOnResult == null) {
            return false;
        }
        try {
            return retryOnResult.test(result);
        } catch (Throwable e) {
            Plugged.failed(LOG, owner, "retryOnResult predicate", retryOnResult, "not retrying; the caller gets the result", e);
            return false;
        }
    }

    /** Whether an exception is retried; a tracker that throws is logged and the exception is not retried. */
    private boolean retryable(Settings s, Throwable error) {
        if (!(error instanceof Exception) || tracks("abortOn", s.abortOn, error, true)) {
            return false;
        }
        if (error instanceof CallNotPermittedException && !s.retryOnRejection) {
            return false;
        }
        return tracks("retryOn", s.retryOn, error, false);
    }

    /** {@code tracker.tracks(error)}; a tracker that throws is logged and answers {@code whenBroken} (no retry). */
    private boolean tracks(String role, Tracker tracker, Throwable error, boolean whenBroken) {
        try {
            return tracker.tracks(error);
        } catch (Throwable e) {
            Plugged.failed(LOG, owner, role + " tracker", tracker, "not retrying", e);
            return whenBroken;
        }
    }

    private void emit(java.util.function.Consumer<RetryListener> event) {
        for (RetryListener listener : listeners.snapshot()) {
            try {
                event.accept(listener);
            } catch (Throwable e) {
                // Whatever it throws (an Error too), a listener must not change the call's outcome.
                Plugged.failed(LOG, owner, "listener", listener, "ignored", e);
            }
        }
    }

    /** One call's state: attempts so far, when it started, the previous wait, the failures seen. */
    private class Execution {
        /** The rules this call started with, kept to its end. */
        final Settings settings;
        final long startNanos;
        int attempts;
        long previousDelay;
        /** The first failure retried, kept apart so that a single one needs no list. */
        @Nullable Throwable firstFailure;
        /** The failures retried after the first, in order. */
        @Nullable List<Throwable> failures;

        Execution() {
            this(Retry.this.settings);
        }

        private Execution(Settings s) {
            this(s, s.maxDurationNanos == Long.MAX_VALUE ? 0 : ticker.read(), 0);
        }

        /** A call under {@code s} that started at {@code startNanos} and has made {@code attempts} attempts. */
        Execution(Settings s, long startNanos, int attempts) {
            this.settings = s;
            this.startNanos = startNanos;
            this.attempts = attempts;
        }

        int begin() {
            int attempt = ++attempts;
            if (attempt == 1 && budget != null) {
                budget.recordFirstAttempt();
            }
            if (!listeners.isEmpty()) {
                emit(l -> l.onAttempt(Retry.this, attempt));
            }
            return attempt;
        }

        /** Decides after a failed attempt: the wait before the next, or STOP (then the exception is ready to throw). */
        long afterFailure(Throwable error) {
            if (!retryable(settings, error)) {
                attachEarlier(error);
                (attempts == 1 ? failedWithoutRetry : failedWithRetry).increment();
                int n = attempts;
                emit(l -> l.onNotRetried(Retry.this, n, error));
                return STOP;
            }
            long delay = nextDelay(null, error);
            if (delay < 0) {
                giveUp(error, delay);
                return delay;
            }
            // The first failure in a field, a list only from the second: a call that fails once and
            // then succeeds allocates no list.
            if (firstFailure == null) {
                firstFailure = error;
            } else {
                if (failures == null) {
                    failures = new ArrayList<>(4);
                }
                failures.add(error);
            }
            retrying(error, delay);
            return delay;
        }

        long afterRetryableResult(@Nullable Object result) {
            long delay = nextDelay(result, null);
            if (delay < 0) {
                giveUp(null, delay);
                return delay;
            }
            retrying(null, delay);
            return delay;
        }

        private void retrying(@Nullable Throwable error, long delay) {
            previousDelay = delay;
            retries.increment();
            if (!listeners.isEmpty()) {
                int n = attempts;
                emit(l -> l.onRetry(Retry.this, n, error, Duration.ofNanos(delay)));
            }
        }

        private long nextDelay(@Nullable Object result, @Nullable Throwable error) {
            Settings s = settings;
            if (attempts >= s.maxAttempts) {
                return STOP;
            }
            long delay = s.backoff.delayNanos(attempts, previousDelay, random);
            RetryDelay delayFrom = s.delayFrom;
            if (delayFrom != null) {
                Duration asked = NamedDelay.asked(delayFrom, result, error, LOG, owner);
                if (asked != null) {
                    if (asked.compareTo(s.maxDelay) > 0) {
                        return STOP; // longer than the caller will wait (a breaker that never recovers asks FOREVER)
                    }
                    delay = Math.max(delay, asked.toNanos()); // at most maxDelay: cannot overflow
                }
            }
            if (s.maxDurationNanos != Long.MAX_VALUE && ticker.read() - startNanos > s.maxDurationNanos - delay) {
                return STOP; // the next attempt would start after the deadline
            }
            if (budget != null && !budget.tryAcquireRetry()) {
                return DENIED; // asked last: no token is spent on a retry another rule stops
            }
            return delay;
        }

        void giveUp(@Nullable Throwable last) {
            giveUp(last, STOP);
        }

        /** Gives up: the attempts or the time ran out ({@link #STOP}), or the budget denied a retry ({@link #DENIED}). */
        void giveUp(@Nullable Throwable last, long why) {
            if (last != null) {
                attachEarlier(last);
            }
            (attempts == 1 ? failedWithoutRetry : failedWithRetry).increment();
            int n = attempts;
            if (why == DENIED) {
                budgetExhausted.increment();
                emit(l -> l.onBudgetExhausted(Retry.this, n, last));
            } else {
                emit(l -> l.onExhausted(Retry.this, n, last));
            }
        }

        void succeeded(int attempt) {
            if (attempt == 1) {
                successWithoutRetry.increment();
            } else {
                successWithRetry.increment();
                if (!listeners.isEmpty()) { // no lambda, no iterator without listeners
                    emit(l -> l.onSuccessAfterRetries(Retry.this, attempt));
                }
            }
        }

        private void attachEarlier(Throwable last) {
            if (firstFailure != null && firstFailure != last) {
                last.addSuppressed(firstFailure);
            }
            firstFailure = null;
            if (failures != null) {
                for (Throwable earlier : failures) {
                    if (earlier != last) {
                        last.addSuppressed(earlier);
                    }
                }
                failures = null;
            }
        }
    }

    /** An asynchronous call: attempts chained through the scheduler, never a blocked thread. */
    private final class AsyncExecution<T> extends Execution {
        final CompletableFuture<T> result = new CompletableFuture<>();
        private final Supplier<? extends CompletionStage<T>> task;
        private volatile @Nullable CompletableFuture<T> inFlight;
        private volatile @Nullable Future<?> pending;

        AsyncExecution(Supplier<? extends CompletionStage<T>> task) {
            this.task = task;
            result.whenComplete((value, error) -> {
                if (result.isCancelled()) {
                    Future<?> scheduled = pending;
                    if (scheduled != null) {
                        scheduled.cancel(false);
                    }
                    CompletableFuture<T> current = inFlight;
                    if (current != null) {
                        current.cancel(true);
                    }
                }
            });
        }

        void attempt() {
            if (result.isDone()) {
                return; // cancelled while waiting
            }
            begin();
            CompletableFuture<T> current = Calls.start(task);
            inFlight = current;
            if (result.isDone()) {
                current.cancel(true); // cancelled while the attempt was starting
                return;
            }
            current.whenComplete(this::settle);
        }

        private void settle(T value, Throwable thrown) {
            if (result.isDone()) {
                return;
            }
            try {
                long delay;
                if (thrown != null) {
                    Throwable error = Calls.unwrap(thrown);
                    delay = afterFailure(error);
                    if (delay < 0) {
                        result.completeExceptionally(error);
                        return;
                    }
                } else if (retryable(settings, value)) {
                    delay = afterRetryableResult(value);
                    if (delay < 0) {
                        result.complete(value);
                        return;
                    }
                } else {
                    succeeded(attempts);
                    result.complete(value);
                    return;
                }
                // Always through the scheduler, even for a zero wait: no recursion, no blocked thread.
                pending = Calls.schedule(scheduler, this::attempt, delay);
            } catch (Throwable e) {
                // A scheduler that refuses, or a predicate that throws: never leave the caller's future hanging.
                if (e instanceof RejectedExecutionException && thrown != null) {
                    Throwable last = Calls.unwrap(thrown);
                    last.addSuppressed(e);
                    result.completeExceptionally(last);
                } else {
                    result.completeExceptionally(e);
                }
            }
        }
    }

    /**
     * Builds a {@link Retry}. Every method returns this builder; {@link #build()} copies the
     * configuration. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private int maxAttempts = 3;
        private @Nullable Duration maxDuration;
        private Backoff backoff = Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10)).withFullJitter();
        private Tracker retryOn = Tracker.all();
        private Tracker abortOn = Tracker.none();
        private @Nullable Predicate<Object> retryOnResult;
        private boolean retryOnRejection;
        private boolean waitForRetryAfter;
        private @Nullable RetryDelay delayFrom;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private Sleeper sleeper = Sleeper.threadSleep();
        private @Nullable ScheduledExecutorService scheduler;
        private Ticker ticker = Ticker.system();
        private @Nullable RandomGenerator random;
        private final List<RetryListener> listeners = new ArrayList<>();
        private @Nullable RetryBudget budget;

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The most attempts per call, the first included; {@link Integer#MAX_VALUE} for no limit
         * (then set a {@link #maxDuration}). Default 3.
         *
         * @param maxAttempts the most attempts, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxAttempts < 1}
         */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /**
         * No retry starts later than {@code maxDuration} after the first attempt started (on the
         * ticker). Default: no limit.
         *
         * @param maxDuration the longest time after the first attempt in which a retry may start,
         *     positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder maxDuration(Duration maxDuration) {
            this.maxDuration = Tripper.positive("maxDuration", maxDuration);
            return this;
        }

        /**
         * The wait between attempts.
         *
         * @param backoff the backoff
         * @return this builder
         */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * Which exceptions are retried. Default {@link Tracker#all()}.
         *
         * @param retryOn matches the exceptions to retry
         * @return this builder
         */
        public Builder retryOn(Tracker retryOn) {
            this.retryOn = Objects.requireNonNull(retryOn, "retryOn");
            return this;
        }

        /**
         * Which exceptions stop the retries at once, whatever {@link #retryOn} says. Default none.
         *
         * @param abortOn matches the exceptions that stop the retries
         * @return this builder
         */
        public Builder abortOn(Tracker abortOn) {
            this.abortOn = Objects.requireNonNull(abortOn, "abortOn");
            return this;
        }

        /**
         * Which results are retried (compose with {@link Predicate#and}/{@link Predicate#or}). When the
         * attempts run out the caller gets the last result. Default: none.
         *
         * @param retryOnResult accepts the results to retry
         * @return this builder
         */
        public Builder retryOnResult(Predicate<Object> retryOnResult) {
            this.retryOnResult = Objects.requireNonNull(retryOnResult, "retryOnResult");
            return this;
        }

        /**
         * Whether a {@link CallNotPermittedException} is retried (still subject to {@link #retryOn}).
         * Default false.
         *
         * @param retryOnRejection true to retry rejections
         * @return this builder
         */
        public Builder retryOnRejection(boolean retryOnRejection) {
            this.retryOnRejection = retryOnRejection;
            return this;
        }

        /**
         * Whether a retried rejection waits at least its {@code retryAfter()}: an open breaker's
         * {@link CallNotPermittedException#retryAfter()} or a rate limiter's
         * {@link RateLimitedException#retryAfter()} (implies {@link #retryOnRejection(boolean)
         * retryOnRejection(true)} when true). It is {@link #delayFrom(RetryDelay)} with
         * {@link RetryDelay#rejectionRetryAfter()}, consulted before the function given there: the wait is
         * {@code max(retryAfter, backoff)}, and a rejection that no wait admits (a breaker that recovers
         * only by a manual command, permits the limiter cannot grant), or whose retryAfter is longer than
         * {@link #maxDelay(Duration)}, ends the retries at once. Default false.
         *
         * @param waitForRetryAfter whether to wait for a rejecting breaker's or rate limiter's retryAfter
         * @return this builder
         */
        public Builder waitForRetryAfter(boolean waitForRetryAfter) {
            this.waitForRetryAfter = waitForRetryAfter;
            if (waitForRetryAfter) {
                this.retryOnRejection = true;
            }
            return this;
        }

        /**
         * Asks each retried outcome how long to wait before the next attempt: the retry waits
         * {@code max(asked, backoff)}, the backoff alone when the outcome asks for nothing, and gives up
         * (the caller gets that outcome) when the delay is longer than {@link #maxDelay(Duration)}.
         *
         * <pre>{@code
         * Retry.builder("catalog")
         *     .retryOnResult(r -> r instanceof HttpResponse<?> h && (h.statusCode() == 429 || h.statusCode() == 503))
         *     .delayFrom(RetryAfter.httpResponse())
         *     .maxDelay(Duration.ofSeconds(30))
         *     .build();
         * }</pre>
         *
         * <p>Replaces a function set before; {@link #waitForRetryAfter(boolean)} composes with it (its
         * rejection delay is consulted first). Default: none.
         *
         * @param delayFrom the delay function, see {@link RetryDelay} and {@link RetryAfter}
         * @return this builder
         * @throws NullPointerException if {@code delayFrom} is null
         */
        public Builder delayFrom(RetryDelay delayFrom) {
            this.delayFrom = Objects.requireNonNull(delayFrom, "delayFrom");
            return this;
        }

        /**
         * The longest delay an outcome may ask for ({@link #delayFrom}, {@link #waitForRetryAfter}): one
         * longer stops the retries at once and the caller gets that attempt's outcome, rather than a
         * thread (or a scheduled attempt) waiting for an hour. A delay equal to it is waited. It does not
         * bound the backoff, which has its own maximum. Default 1 minute.
         *
         * @param maxDelay positive, at most {@code Long.MAX_VALUE} nanoseconds (about 292 years)
         * @return this builder
         * @throws IllegalArgumentException if {@code maxDelay} is not positive or longer than 292 years
         * @throws NullPointerException if {@code maxDelay} is null
         */
        public Builder maxDelay(Duration maxDelay) {
            this.maxDelay = Tripper.positive("maxDelay", maxDelay);
            return this;
        }

        /** The delay function of the built retry: the rejection's first when waitForRetryAfter, then delayFrom's. */
        @Nullable RetryDelay effectiveDelay() {
            if (!waitForRetryAfter) {
                return delayFrom;
            }
            return delayFrom == null ? RetryDelay.rejectionRetryAfter() : RetryDelay.rejectionRetryAfter().orElse(delayFrom);
        }

        /**
         * How synchronous calls wait. Default {@link Sleeper#threadSleep()}.
         *
         * @param sleeper the sleeper
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Where asynchronous attempts are scheduled and run. Default: a shared daemon scheduler that
         * hands each attempt to the common pool.
         *
         * @param scheduler the scheduler for asynchronous attempts
         * @return this builder
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * The ticker {@link #maxDuration} is measured on.
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The source of jitter. Default: a thread-local generator.
         *
         * @param random the source of jitter, safe for concurrent use
         * @return this builder
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Draws the retries on {@code budget}, which any number of retries may share (one budget per
         * downstream): each call's first attempt deposits into it, each retry needs a token from it, and a
         * denied retry ends the call at once with the last failure. A registry's default budget is
         * shared by every retry of the registry. Default: no budget.
         *
         * @param budget the shared budget
         * @return this builder
         */
        public Builder budget(RetryBudget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        /**
         * Adds a listener; listeners are notified in the order added.
         *
         * @param listener the listener to add
         * @return this builder
         */
        public Builder listener(RetryListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the retry.
         *
         * @return a new retry
         * @throws IllegalArgumentException if neither attempts nor duration are limited
         */
        public Retry build() {
            check();
            return new Retry(this);
        }

        /** The checks of {@link #build()}. */
        void check() {
            if (maxAttempts == Integer.MAX_VALUE && maxDuration == null) {
                throw new IllegalArgumentException("maxAttempts unlimited needs a maxDuration, else the retry never ends");
            }
        }

        /** A copy of this builder under another name, listeners included (for registries). */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.maxAttempts = maxAttempts;
            b.maxDuration = maxDuration;
            b.backoff = backoff;
            b.retryOn = retryOn;
            b.abortOn = abortOn;
            b.retryOnResult = retryOnResult;
            b.retryOnRejection = retryOnRejection;
            b.waitForRetryAfter = waitForRetryAfter;
            b.delayFrom = delayFrom;
            b.maxDelay = maxDelay;
            b.sleeper = sleeper;
            b.scheduler = scheduler;
            b.ticker = ticker;
            b.random = random;
            b.listeners.addAll(listeners);
            b.budget = budget;
            return b;
        }
    }
}
