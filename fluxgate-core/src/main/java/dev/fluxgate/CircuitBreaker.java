package dev.fluxgate;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A circuit breaker: it watches the outcomes of calls to a dependency and, when a {@link Tripper}
 * says the dependency is failing, rejects calls for a while instead of letting every caller wait on
 * it.
 *
 * <pre>{@code
 * CircuitBreaker cb = CircuitBreaker.builder("payments")
 *     .window(Window.count(100))
 *     .tracker(Tracker.typeOf(IOException.class))
 *     .tripper(Tripper.minRequests(10).and(Tripper.failureRate(0.5)))
 *     .cooldown(Cooldown.exponential(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5)).withJitter(0.2))
 *     .listener(transition -> log.warn("{}", transition))
 *     .build();
 *
 * String body = cb.call(() -> client.send(request, ofString()).body());
 * }</pre>
 *
 * <p>One call walks seven steps: <b>acquire</b> a permit (CLOSED is the fast path, OPEN checks the
 * cooldown, HALF_OPEN asks the {@link Permit} and takes a probe slot); <b>run</b> the task with no
 * lock held; <b>classify</b> the outcome with the {@link Tracker} and {@code failureOnResult};
 * <b>record</b> it in the {@link Window} of the generation that admitted it; <b>decide</b> with the
 * {@link Tripper}; <b>transition</b> to a new generation; <b>notify</b> {@link Listener}s outside any
 * lock.
 *
 * <p>A breaker is a {@link Policy}: it composes in {@link Resilience#of(Policy...)} like the other
 * patterns, and {@link Policy#decorate(Supplier) decorate} wraps a task in it.
 *
 * <p>Thread safety: a breaker is safe for any number of concurrent callers. No lock is held while
 * a task, a tracker, a result predicate or a listener runs. The CLOSED success path allocates
 * nothing and reads the clock only when the configuration needs durations.
 *
 * <p>Memory consistency effects:
 * <ul>
 *   <li>Transitions are made one at a time, under the breaker's lock. A thread that sees a new state
 *       (through {@link #state()}, a permit or a rejection) also sees the deadline of the open period
 *       or the start of the half-open period, which are written before it; and a {@link #metrics()}
 *       snapshot taken after it saw the new state reflects the whole transition (the cleared window,
 *       the counters), since the snapshot waits for the lock. The state a transition entered is visible
 *       to every thread before any listener hears of it.</li>
 *   <li>Actions in a thread prior to settling a permit ({@link #recordSuccess}, {@link #recordError},
 *       {@link #recordResult}, or the end of {@link #call}, {@link #get}, {@link #run}) happen-before
 *       the decision that outcome leads to, and happen-before the return of any later
 *       {@link #metrics()} snapshot, which counts it (in its window figures when the generation that
 *       admitted it is still current, else only as a stale outcome in the lifetime counters).</li>
 *   <li>Actions of the thread that made a transition, before it made it, happen-before the listeners'
 *       {@code onTransition} calls for it, and the calls for one transition happen-before those for the
 *       next, whichever threads run them (see {@link Listener} for which thread that is). A caller whose
 *       call caused a transition may return before the listeners have heard of it.</li>
 *   <li>The lifetime counters of a {@link Metrics} snapshot may lead or lag its window figures by the
 *       calls in progress: see {@link Metrics}.</li>
 * </ul>
 */
public interface CircuitBreaker extends Policy {

    /** Returned by {@link #tryAcquirePermission()} when the call is not permitted. */
    long NO_PERMISSION = -1L;

    /**
     * Starts a builder with the documented defaults.
     *
     * @param name the breaker's name, shown in metrics, logs, transitions and exceptions
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * A breaker with every default: see {@link Builder}.
     *
     * @param name the breaker's name
     * @return a new breaker, CLOSED
     */
    static CircuitBreaker ofDefaults(String name) {
        return builder(name).build();
    }

    /** {@return the breaker's name} */
    String name();

    /**
     * The current state. Reading it makes a due move: an OPEN breaker whose cooldown has passed on its
     * ticker moves to {@link State#HALF_OPEN} here, exactly as the first call after the cooldown would
     * (once, however many threads read or call at the same moment, with one {@link Transition} whose
     * reason is {@code "cooldown ... elapsed"}), so every reader sees a recovering breaker before any
     * call arrives. A health check that takes an instance out of readiness while OPEN thus lets it back
     * in as soon as the cooldown has passed, although the unready instance gets no calls. A breaker with
     * {@link Cooldown#manual()} never moves by itself. Only an OPEN breaker reads the ticker here.
     *
     * @return the current state, after any due move from OPEN to HALF_OPEN
     */
    State state();

    /**
     * An immutable snapshot of the window and the lifetime counters. Like {@link #state()}, first makes
     * the OPEN to HALF_OPEN move if the cooldown has passed.
     *
     * @return a snapshot taken now; it does not change afterwards
     */
    Metrics metrics();

    /** {@return the effective configuration, option by option, in words (for endpoints and logs)} */
    Map<String, String> configuration();

    /**
     * Replaces this breaker's configuration at run time, keeping its state. {@code configuration} is
     * checked exactly as {@link Builder#build()} checks it (an impossible combination throws and changes
     * nothing); its name and listeners are not used (the breaker keeps its name and its listeners: use
     * {@link #addListener}/{@link #removeListener}), and its ticker and clock must be the breaker's own.
     *
     * <p><b>Carried over</b>: the state (CLOSED, OPEN, HALF_OPEN or a manual state) and its generation, so
     * permits acquired before the change stay valid and settle normally (their outcomes are recorded and
     * judged by the new rules); the deadline of the current open period (the new cooldown applies from
     * the next open period); the current half-open period with its probes in flight, its settled probe
     * outcomes and successes; {@code reopens} (the exponential cooldown's step); the lifetime counters;
     * the listeners; and the <b>window</b>, with every call it holds, when the new window <i>fits</i>:
     * the same {@link Window} (equal: same kind, size or span and buckets), the same slow-call thresholds
     * and the same need for durations. <b>Reset</b>: a window that does not fit is replaced by an empty
     * one of the new kind (within the same generation: outcomes in flight land in the new window).
     *
     * <p>The new rules take effect at once: the new tripper judges the kept window before this returns
     * (so lowering a threshold below the current failure rate opens the breaker now, with a normal
     * {@link Transition}), {@code closeAfterSuccesses} and {@code maxHalfOpenCalls} apply to the current
     * half-open period's next decision and next probe (probes already admitted beyond a lowered cap keep
     * their slots; those still in flight when the period decides settle as stale). Then every listener's
     * {@link Listener#onReconfigured} hears what changed, in this thread.
     *
     * <p>Thread safety: safe to call concurrently with calls and with other reconfigurations (they apply
     * one at a time, each as a whole: a call sees the old configuration or the new, never a mix). The
     * CLOSED success path stays lock-free and allocation-free.
     *
     * @param configuration the new configuration (a builder; copied, so it may be reused)
     * @return what changed, what carried over and what started afresh
     * @throws IllegalArgumentException if the configuration is impossible (as at {@code build()}), or
     *     names another ticker or clock
     * @throws UnsupportedOperationException if this implementation cannot be reconfigured
     */
    default Reconfiguration reconfigure(Builder configuration) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot be reconfigured");
    }

    // ---- running calls ----

    /**
     * Runs {@code task} through the breaker.
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return what the task returned
     * @throws CallNotPermittedException if the breaker rejects the call
     * @throws Exception the task's own exception instance, unchanged
     */
    @Override
    <T> T call(Callable<T> task) throws Exception;

    /**
     * Runs {@code task} through the breaker.
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @return what the task returned
     * @throws CallNotPermittedException if the breaker rejects the call
     */
    @Override
    <T> T get(Supplier<T> task);

    /**
     * Runs {@code task} through the breaker, answering with {@code fallback} when the breaker
     * rejects the call or the task throws an exception. {@link Error}s propagate.
     *
     * @param <T> the task's result type
     * @param task the call to protect
     * @param fallback computes the answer from the rejection or the task's exception
     * @return what the task returned, or else what the fallback returned
     */
    <T> T get(Supplier<T> task, Function<? super Exception, ? extends T> fallback);

    /**
     * Runs {@code task} through the breaker.
     *
     * @param task the call to protect
     * @throws CallNotPermittedException if the breaker rejects the call
     */
    @Override
    void run(Runnable task);

    /**
     * Runs an asynchronous task through the breaker. Never blocks and never throws: a rejection
     * fails the returned future with {@link CallNotPermittedException}. The outcome is recorded
     * (the tracker applied to the unwrapped cause, the duration measured until completion) before
     * the returned future completes, with the task's original exception. Cancelling the returned
     * future cancels the task's future and gives a half-open probe slot back.
     *
     * @param <T> the task's result type
     * @param task starts the asynchronous call; it runs on the calling thread, only when permitted
     * @return a future that completes with the task's outcome, after the breaker has recorded it
     */
    @Override
    <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task);

    // ---- manual commands ----

    /** Closes the breaker, clears the window, the failure streak and the reopen count, and starts a new generation. */
    void reset();

    /** Lets every call through and records nothing, until {@link #reset()} or another command. */
    void disable();

    /** Records calls but never changes state by itself, until {@link #reset()} or another command. */
    void metricsOnly();

    /** Rejects every call, until {@link #reset()} or another command. */
    void forceOpen();

    // ---- listeners ----

    /**
     * Adds a listener after build; it is notified after those already present.
     *
     * @param listener hears this breaker's transitions and call events
     */
    void addListener(Listener listener);

    /**
     * Removes a listener added here or on the builder; returns whether it was present.
     *
     * @param listener the listener to remove
     * @return whether the listener was present
     */
    boolean removeListener(Listener listener);

    // ---- low-level permit API, for integrations ----

    /**
     * Asks for a permit without allocating. A permit carries the generation of the state that
     * admitted it; every permit must be settled exactly once with {@link #recordSuccess},
     * {@link #recordError}, {@link #recordResult} or {@link #releasePermission}.
     *
     * @return a permit ({@code >= 0}), or {@link #NO_PERMISSION} (the rejection is counted)
     */
    long tryAcquirePermission();

    /**
     * Like {@link #tryAcquirePermission()}, but throws when the call is not permitted.
     *
     * @return a permit, to settle exactly once
     * @throws CallNotPermittedException if the breaker rejects the call
     */
    long acquirePermission();

    /**
     * The slow-call thresholds this breaker tracks, ascending: those of its {@link Tripper#slowRate}
     * rules and its {@code slowCallThreshold} settings. {@link Metrics#slowCalls} accepts exactly these.
     *
     * @return the thresholds, ascending; empty if the breaker tracks none
     */
    List<Duration> slowCallThresholds();

    /**
     * Whether this breaker uses call durations (its rules need them, or a listener hears completed
     * calls); when false, callers of the permit API may report durations as 0.
     *
     * @return whether call durations are measured
     */
    boolean isTimed();

    /** {@return the ticker durations are measured on} */
    Ticker ticker();

    /**
     * Settles a permit with a success that took {@code durationNanos}.
     *
     * @param permit the permit the call was admitted with
     * @param durationNanos how long the call took, in nanoseconds of {@link #ticker()}
     */
    void recordSuccess(long permit, long durationNanos);

    /**
     * Settles a permit with an exception; the tracker decides whether it is a failure or ignored. A
     * {@link RejectedException} is ignored without asking the tracker, unless the breaker was built
     * with {@link Builder#trackLocalRejections(boolean) trackLocalRejections(true)}.
     *
     * @param permit the permit the call was admitted with
     * @param durationNanos how long the call took, in nanoseconds of {@link #ticker()}
     * @param error what the call threw
     */
    void recordError(long permit, long durationNanos, Throwable error);

    /**
     * Settles a permit with a result; {@code failureOnResult} decides whether it is a failure.
     *
     * @param permit the permit the call was admitted with
     * @param durationNanos how long the call took, in nanoseconds of {@link #ticker()}
     * @param result what the call returned (may be null)
     */
    void recordResult(long permit, long durationNanos, @Nullable Object result);

    /**
     * Settles a permit without recording anything (the call was cancelled or never ran).
     *
     * @param permit the permit to give back
     */
    void releasePermission(long permit);

    /**
     * Builds a {@link CircuitBreaker}. Every method returns this builder. {@link #build()} copies the
     * configuration, so one builder can build many breakers. Defaults: {@code Window.count(100)},
     * {@code Tracker.all()}, {@code Tripper.minRequests(100).and(Tripper.failureRate(0.5))},
     * {@code Cooldown.fixed(60 s)}, {@code Permit.rampUp(0.1, 1.0, 60 s)}, {@code maxHalfOpenCalls(10)},
     * {@code closeAfterSuccesses(1)}, {@code halfOpenTimeout} equal to the cooldown's base wait (60 s
     * when the cooldown has none), {@code trackLocalRejections(false)}, the system ticker and clock.
     * Builders are not thread-safe.
     */
    final class Builder {
        /** The most probes one half-open period may admit. */
        public static final int MAX_HALF_OPEN_CALLS = 100_000;

        String name;
        Window window = Window.count(100);
        Tracker tracker = Tracker.all();
        boolean trackLocalRejections;
        @Nullable Predicate<Object> failureOnResult;
        /** Null until set: the default follows the window (see {@link #tripper(Tripper)}). */
        @Nullable Tripper tripper;
        Cooldown cooldown = Cooldown.fixed(Duration.ofSeconds(60));
        Permit permit = Permit.rampUp(0.1, 1.0, Duration.ofSeconds(60));
        int maxHalfOpenCalls = 10;
        int closeAfterSuccesses = 1;
        @Nullable Duration halfOpenTimeout;
        Ticker ticker = Ticker.system();
        InstantSource clock = InstantSource.system();
        @Nullable RandomGenerator random;
        final Set<Duration> slowCallThresholds = new LinkedHashSet<>();
        final List<Listener> listeners = new ArrayList<>();

        Builder(String name) {
            this.name = requireName(name);
        }

        /** The one rule for names, {@link Plugged#requireName}; kept here for callers that use it. */
        static String requireName(String name) {
            return Plugged.requireName(name);
        }

        /**
         * The sliding window the tripper judges. Default {@code Window.count(100)}.
         *
         * @param window the window
         * @return this builder
         */
        public Builder window(Window window) {
            this.window = Objects.requireNonNull(window, "window");
            return this;
        }

        /**
         * Which exceptions count as failures. Default {@code Tracker.all()}.
         *
         * @param tracker the tracker
         * @return this builder
         */
        public Builder tracker(Tracker tracker) {
            this.tracker = Objects.requireNonNull(tracker, "tracker");
            return this;
        }

        /**
         * Whether a {@link RejectedException} thrown inside this breaker (a full {@link Bulkhead}
         * below it, an inner breaker's {@link CallNotPermittedException}) is judged by the
         * {@link #tracker(Tracker) tracker} like any other exception. Default false: such a rejection
         * is a local decision, not a failure of the downstream, so the breaker gives the permit back
         * (a half-open probe slot too) and counts the call as ignored, outside the window. With the
         * default, fourteen concurrent calls against a bulkhead of ten cannot open the breaker and
         * reject all fourteen callers.
         *
         * @param trackLocalRejections true to judge local rejections with the tracker
         * @return this builder
         */
        public Builder trackLocalRejections(boolean trackLocalRejections) {
            this.trackLocalRejections = trackLocalRejections;
            return this;
        }

        /**
         * Judges results: a result the predicate accepts is recorded as a failure, and the caller
         * still receives it. A predicate that throws is logged and counts the result as a failure.
         *
         * @param failureOnResult accepts the results that are failures
         * @return this builder
         */
        public Builder failureOnResult(Predicate<Object> failureOnResult) {
            this.failureOnResult = Objects.requireNonNull(failureOnResult, "failureOnResult");
            return this;
        }

        /**
         * When to open. Default {@code minRequests(100).and(failureRate(0.5))}; with a count window
         * smaller than 100 calls, the default asks for a full window instead ({@code minRequests(size)}),
         * since 100 calls could never be reached. A tripper set here is taken as given and checked.
         *
         * @param tripper the tripper
         * @return this builder
         */
        public Builder tripper(Tripper tripper) {
            this.tripper = Objects.requireNonNull(tripper, "tripper");
            return this;
        }

        /**
         * How long OPEN waits before a probe. Default {@code Cooldown.fixed(60 s)}.
         *
         * @param cooldown the cooldown
         * @return this builder
         */
        public Builder cooldown(Cooldown cooldown) {
            this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
            return this;
        }

        /**
         * Which calls HALF_OPEN admits. Default {@code Permit.rampUp(0.1, 1.0, 60 s)}.
         *
         * @param permit the permit policy
         * @return this builder
         */
        public Builder permit(Permit permit) {
            this.permit = Objects.requireNonNull(permit, "permit");
            return this;
        }

        /**
         * The most probes one half-open period admits <b>in total</b> (and so the most in flight at once).
         * Default 10. A probe that records an outcome keeps its slot; one that ends without an outcome
         * (an exception the tracker ignores, a cancellation, {@link CircuitBreaker#releasePermission})
         * gives it back, so another probe may take its place. Once every probe of the period has settled,
         * the period has decided: it closes after {@link #closeAfterSuccesses} successful probes, reopens
         * when the tripper fires, and otherwise reopens anyway, so a dead dependency gets at most this many
         * probes per period whatever the tripper (the default one needs 100 calls and could never fire on
         * 10 probes). Probes whose lease expires ({@link #halfOpenTimeout}) free the whole period.
         *
         * @param maxHalfOpenCalls the most probes of one half-open period, at least 1
         * @return this builder
         * @throws IllegalArgumentException if outside [1, {@value #MAX_HALF_OPEN_CALLS}]; {@link #build()}
         *     also rejects one smaller than {@code closeAfterSuccesses}
         */
        public Builder maxHalfOpenCalls(int maxHalfOpenCalls) {
            if (maxHalfOpenCalls < 1 || maxHalfOpenCalls > MAX_HALF_OPEN_CALLS) {
                throw new IllegalArgumentException("maxHalfOpenCalls must be in [1, " + MAX_HALF_OPEN_CALLS
                        + "], was " + maxHalfOpenCalls);
            }
            this.maxHalfOpenCalls = maxHalfOpenCalls;
            return this;
        }

        /**
         * How many successful probes of one half-open period close the breaker. Default 1. Must not
         * exceed {@link #maxHalfOpenCalls}, since a period admits no more probes than that: a period
         * whose probes have all settled with fewer successes reopens the breaker.
         *
         * @param n the successful probes that close the breaker, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code n < 1}; {@link #build()} also rejects one larger
         *     than {@code maxHalfOpenCalls}
         */
        public Builder closeAfterSuccesses(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("closeAfterSuccesses must be >= 1, was " + n);
            }
            this.closeAfterSuccesses = n;
            return this;
        }

        /**
         * How long a half-open probe may hold its slot. When a period has taken all its slots, the
         * newest longer ago than this, and some probe has still not settled, the leases expire: a fresh
         * half-open period begins with every slot free, and the late outcomes are ignored, so a hung probe
         * can never wedge the breaker in HALF_OPEN. Default: the cooldown's base wait.
         *
         * @param halfOpenTimeout how long a probe may hold its slot, positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder halfOpenTimeout(Duration halfOpenTimeout) {
            this.halfOpenTimeout = Tripper.positive("halfOpenTimeout", halfOpenTimeout);
            return this;
        }

        /**
         * Tracks slow calls at {@code threshold} (for {@link Metrics#slowCalls} and meters) even if
         * no tripper rule uses it. Turns duration measurement on.
         *
         * @param threshold calls that take at least this long are slow
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder slowCallThreshold(Duration threshold) {
            slowCallThresholds.add(Tripper.positive("slowCallThreshold", threshold));
            return this;
        }

        /**
         * The monotonic source of durations. Default {@link Ticker#system()}.
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Where transition timestamps come from. Default {@link InstantSource#system()}.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The random numbers for jitter and random permits; it must be safe for concurrent use
         * (e.g. {@link java.util.Random}). Default: {@code ThreadLocalRandom} of the calling thread.
         * A seeded one makes runs reproducible.
         *
         * @param random the random number generator, safe for concurrent use
         * @return this builder
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * Adds a listener; may be called many times, listeners are notified in the order added.
         *
         * @param listener the listener to add
         * @return this builder
         */
        public Builder listener(Listener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Builds the breaker, after checking that the options fit together.
         *
         * @return a new breaker, CLOSED
         * @throws IllegalArgumentException if the combination is impossible, e.g. a
         *     {@code minRequests} larger than a count window can ever hold, or a
         *     {@code closeAfterSuccesses} larger than {@code maxHalfOpenCalls} (a half-open period could
         *     never close)
         */
        public CircuitBreaker build() {
            return new FluxgateCircuitBreaker(this, config());
        }

        /** The checked configuration {@link #build()} and {@link CircuitBreaker#reconfigure} apply. */
        BreakerConfig config() {
            if (closeAfterSuccesses > maxHalfOpenCalls) {
                throw new IllegalArgumentException("closeAfterSuccesses must be in [1, maxHalfOpenCalls], was "
                        + closeAfterSuccesses + " with maxHalfOpenCalls " + maxHalfOpenCalls + ": a half-open period "
                        + "admits at most maxHalfOpenCalls probes in total, so it could never close");
            }
            Tripper tripper = this.tripper != null ? this.tripper : defaultTripper(window);
            if (window.isCount() && tripper.largestMinRequests() > window.size()) {
                throw new IllegalArgumentException("tripper " + tripper + " needs minRequests("
                        + tripper.largestMinRequests() + ") but the window " + window + " never holds more than "
                        + window.size() + " calls; minRequests must be <= window size");
            }
            Set<Long> thresholds = new java.util.TreeSet<>();
            tripper.slowThresholds(thresholds);
            slowCallThresholds.forEach(d -> thresholds.add(d.toNanos()));
            if (thresholds.size() > 30) {
                throw new IllegalArgumentException("at most 30 distinct slow-call thresholds, was " + thresholds.size());
            }
            return new BreakerConfig(this, tripper, thresholds.stream().mapToLong(Long::longValue).toArray());
        }

        private static Tripper defaultTripper(Window window) {
            int min = window.isCount() ? Math.min(100, window.size()) : 100;
            return Tripper.minRequests(min).and(Tripper.failureRate(0.5));
        }

        /** A copy of this builder under another name (for registries). */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.window = window;
            b.tracker = tracker;
            b.trackLocalRejections = trackLocalRejections;
            b.failureOnResult = failureOnResult;
            b.tripper = tripper;
            b.cooldown = cooldown;
            b.permit = permit;
            b.maxHalfOpenCalls = maxHalfOpenCalls;
            b.closeAfterSuccesses = closeAfterSuccesses;
            b.halfOpenTimeout = halfOpenTimeout;
            b.ticker = ticker;
            b.clock = clock;
            b.random = random;
            b.slowCallThresholds.addAll(slowCallThresholds);
            b.listeners.addAll(listeners);
            return b;
        }
    }
}
