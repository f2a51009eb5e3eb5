package dev.fluxgate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Fault injection: a {@link Policy} that, while enabled, makes a share of the calls through it fail,
 * slow down, or return a substitute result, so that a team can watch its breakers, retries, timeouts
 * and fallbacks react without a broken service. Place it anywhere in a pipeline; innermost it stands
 * for a broken downstream that every policy outside it sees:
 *
 * <pre>{@code
 * Chaos chaos = Chaos.builder("payments")
 *         .exception(0.2, () -> new IOException("connection reset"))
 *         .latency(0.1, Duration.ofSeconds(2))
 *         .seed(42)
 *         .build();                               // disabled until enabled
 * Resilience pipeline = Resilience.of(breaker, timeout, chaos);
 * chaos.enable();                                 // at run time, e.g. from an admin endpoint
 * }</pre>
 *
 * <p><b>Which calls.</b> While {@linkplain #isEnabled() enabled}, each call draws one number
 * {@code u} from the random source ({@code nextDouble()}, in [0, 1)). The faults, in the order they
 * were added, own consecutive shares of [0, 1) as wide as their rates: with rates {@code r1, r2}, the
 * first fault is injected when {@code u < r1}, the second when {@code r1 <= u < r1 + r2}, and the call
 * passes through untouched otherwise. So each fault hits the share of calls its rate names, at most
 * one fault hits a call, and the rates must add up to at most 1. With a {@linkplain Builder#seed seed}
 * the sequence of draws, and so which calls (in the order they draw) are hit, is the same on every run.
 *
 * <p><b>The faults.</b>
 * <ul>
 *   <li>{@linkplain Kind#EXCEPTION An exception}: the task is not run; the call throws (or its future
 *       fails with) the exception the fault's supplier made. Unless it is a {@link ChaosException} itself,
 *       a {@link ChaosException} naming this policy is attached to it as suppressed (once, even if the
 *       supplier hands out the same instance again). A supplier that throws or returns null is replaced,
 *       under the {@linkplain Plugged plugged-code rule}, by a plain {@link ChaosException}.</li>
 *   <li>{@linkplain Kind#LATENCY A latency}: the task runs after the fault's delay. A synchronous call
 *       waits on the caller's thread through the {@linkplain Builder#sleeper sleeper} (an interrupted wait
 *       throws {@link InterruptedException} and the task is not run); an asynchronous call never blocks a
 *       thread: the task is started by a timer on the {@linkplain Builder#scheduler scheduler} (on the
 *       scheduler's thread; by default on the common pool, timed by a shared daemon scheduler). A
 *       scheduler that refuses the timer starts the task at once.</li>
 *   <li>{@linkplain Kind#RESULT A substitute result}: the task is not run; the call returns the fault's
 *       value. The value is not type-checked against the call's type: a value of the wrong type fails
 *       with a {@link ClassCastException} where the caller uses it.</li>
 * </ul>
 *
 * <p><b>Telling injected faults from real ones.</b> {@link #isInjected(Throwable)} recognises an
 * injected exception (through causes and completion wrappers); {@linkplain Builder#listener listeners}
 * hear each injection, with its kind, on the calling thread before it takes effect (a listener that
 * throws is logged and ignored, never changing the call); {@link #injected(Kind)} and
 * {@link #passedThrough()} count them.
 *
 * <p><b>On and off.</b> A new {@code Chaos} is <em>disabled</em> unless its builder said
 * {@link Builder#enabled(boolean) enabled(true)}: a fault injector left in a configuration by mistake
 * does nothing until someone turns it on on purpose. {@link #enable()} and {@link #disable()} flip it at
 * any time from any thread; calls that have already drawn finish as drawn. While disabled a call costs one
 * volatile read: no draw, no counting, no allocation.
 *
 * <p><b>Thread safety.</b> Safe for concurrent use. The counters are exact once the calls that update
 * them have returned. The default random source is the calling thread's {@code ThreadLocalRandom}
 * (not reproducible); {@link Builder#seed(long)} uses one {@link Random}, which is safe for concurrent
 * use but hands its draws to threads in the order they arrive, so only a single-threaded run repeats
 * exactly. A source given to {@link Builder#random} must itself be safe for the threads that call.
 */
public final class Chaos implements Policy {

    /** What a fault does to a call. */
    public enum Kind {
        /** The call throws an exception instead of running the task. */
        EXCEPTION,
        /** The task runs after a delay. */
        LATENCY,
        /** The call returns a substitute value instead of running the task. */
        RESULT
    }

    /** Hears each injection; see {@link Builder#listener}. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called on the calling thread when {@code chaos} has chosen to inject a fault of {@code kind},
         * before the fault takes effect.
         *
         * @param chaos the policy that injects
         * @param kind what it injects
         */
        void onInjected(Chaos chaos, Kind kind);
    }

    private static final System.Logger LOG = System.getLogger(Chaos.class.getName());
    private static final Kind[] KINDS = Kind.values();

    private final String name;
    private final String owner;
    private final Fault[] faults;
    /** The right ends of the faults' shares of [0, 1). */
    private final double[] bounds;
    private final RandomGenerator random;
    private final Retry.Sleeper sleeper;
    private final @Nullable ScheduledExecutorService scheduler;
    /** Copy-on-write: the call path reads the array once, without a lock. */
    private final ListenerArray<Listener> listeners;
    private final LongAdder[] injected = new LongAdder[KINDS.length];
    private final LongAdder passed = new LongAdder();
    private volatile boolean enabled;

    private Chaos(Builder b) {
        this.name = b.name;
        this.owner = Plugged.owner("Chaos", b.name);
        this.faults = b.faults.toArray(new Fault[0]);
        this.bounds = new double[faults.length];
        double sum = 0;
        for (int i = 0; i < faults.length; i++) {
            sum += faults[i].rate;
            bounds[i] = sum;
        }
        RandomGenerator source = b.random;
        Long seed = b.seed;
        // A seed makes one Random per built policy, so policies built from one builder (a registry's) draw alike.
        this.random = seed != null ? new Random(seed) : source == null ? Calls.THREAD_LOCAL_RANDOM : source;
        this.sleeper = b.sleeper;
        this.scheduler = b.scheduler;
        this.listeners = new ListenerArray<>(new Listener[0], b.listeners);
        for (int i = 0; i < injected.length; i++) {
            injected[i] = new LongAdder();
        }
        this.enabled = b.enabled;
    }

    /**
     * Starts a builder: no faults yet (add at least one), disabled, thread-local randomness,
     * {@link Retry.Sleeper#threadSleep()} and the shared scheduler.
     *
     * @param name the policy's name, used in messages and logs
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Whether {@code t} is a fault a {@code Chaos} injected: it, one of its causes, or an exception
     * suppressed in one of them is a {@link ChaosException}. Walks through the
     * {@link java.util.concurrent.CompletionException} and {@link java.util.concurrent.ExecutionException}
     * wrappers of asynchronous calls, and through any other cause chain (a fallback that wrapped it).
     *
     * @param t any throwable, or null
     * @return true if {@code t} was injected
     */
    public static boolean isInjected(@Nullable Throwable t) {
        // Bounded walk: a cyclic cause chain must not loop forever.
        for (int depth = 0; t != null && depth < 64; depth++, t = t.getCause()) {
            if (t instanceof ChaosException) {
                return true;
            }
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof ChaosException) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The name given to {@link #builder(String)}.
     *
     * @return this policy's name
     */
    public String name() {
        return name;
    }

    /** Starts injecting faults into calls from now on. Idempotent; safe from any thread. */
    public void enable() {
        enabled = true;
    }

    /** Stops injecting faults into calls from now on. Idempotent; safe from any thread. */
    public void disable() {
        enabled = false;
    }

    /**
     * Whether calls are injected into now.
     *
     * @return true while enabled
     */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * How many faults of {@code kind} this policy has injected since it was built.
     *
     * @param kind the kind of fault
     * @return the count
     */
    public long injected(Kind kind) {
        return injected[Objects.requireNonNull(kind, "kind").ordinal()].sum();
    }

    /**
     * How many calls, made while enabled, drew no fault and ran untouched. Calls made while disabled
     * are not counted (that would cost them more than the one volatile read).
     *
     * @return the count
     */
    public long passedThrough() {
        return passed.sum();
    }

    /**
     * Adds a listener after the policy was built; it hears injections from calls that draw from now on.
     * Safe from any thread.
     *
     * @param listener the listener
     * @throws NullPointerException if {@code listener} is null
     */
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    /**
     * Removes a listener (its first occurrence). Safe from any thread.
     *
     * @param listener the listener
     * @return whether it was there
     */
    public boolean removeListener(Listener listener) {
        return listeners.remove(listener);
    }

    /** Drops every listener, those of the builder included (a registry does this when it removes the policy). */
    public void removeAllListeners() {
        listeners.clear();
    }

    @Override
    public <T> T call(Callable<T> task) throws Exception {
        Objects.requireNonNull(task, "task");
        if (!enabled) {
            return task.call();
        }
        Fault fault = draw();
        if (fault == null) {
            return task.call();
        }
        switch (fault.kind) {
            case EXCEPTION -> throw fault.exception(this);
            case LATENCY -> {
                sleeper.sleep(fault.nanos);
                return task.call();
            }
            default -> {
                @SuppressWarnings("unchecked") // documented: the substitute is the caller's to type correctly
                T value = (T) Objects.requireNonNull(fault.value, "value"); // never null: result() checked it
                return value;
            }
        }
    }

    @Override
    public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        Objects.requireNonNull(task, "task");
        if (!enabled) {
            return Calls.start(task);
        }
        Fault fault = draw();
        if (fault == null) {
            return Calls.start(task);
        }
        switch (fault.kind) {
            case EXCEPTION -> {
                return CompletableFuture.failedFuture(fault.exception(this));
            }
            case LATENCY -> {
                return delayed(task, fault.nanos);
            }
            default -> {
                @SuppressWarnings("unchecked") // documented: the substitute is the caller's to type correctly
                T value = (T) Objects.requireNonNull(fault.value, "value"); // never null: result() checked it
                return CompletableFuture.completedFuture(value);
            }
        }
    }


    /** Starts {@code task} after {@code nanos} on the scheduler; cancelling the result cancels the timer or the task. */
    private <T> CompletableFuture<T> delayed(Supplier<? extends CompletionStage<T>> task, long nanos) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable start = () -> {
            if (result.isDone()) {
                return; // cancelled while waiting: the task never starts
            }
            CompletableFuture<T> started = Calls.start(task);
            started.whenComplete((value, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(value);
                }
            });
            result.whenComplete((value, error) -> {
                if (result.isCancelled()) {
                    started.cancel(true);
                }
            });
        };
        ScheduledFuture<?> timer;
        try {
            timer = Calls.schedule(scheduler, start, nanos);
        } catch (RuntimeException refused) {
            // The latency is ours, not the downstream's: never turn a refused timer into a failure.
            Plugged.failed(LOG, owner, "scheduler", scheduler == null ? "shared scheduler" : scheduler,
                    "starting the task without the injected latency", refused);
            start.run();
            return result;
        }
        result.whenComplete((value, error) -> {
            if (result.isCancelled()) {
                timer.cancel(false);
            }
        });
        return result;
    }

    /**
     * Low-level API for integrations that apply a fault themselves (the Reactor operator): draws for one
     * call exactly as {@link #call} does, counting it and telling the listeners of an injection. Returns
     * null, without drawing or counting, while disabled.
     *
     * @return the fault to apply to this call, or null to let it pass through untouched
     */
    public @Nullable Fault nextFault() {
        return enabled ? draw() : null;
    }

    /**
     * The exception an {@link Kind#EXCEPTION} fault of this policy injects, made now by the fault's
     * supplier and marked as injected (see the class description), for integrations that drew the fault
     * with {@link #nextFault()}.
     *
     * @param fault a fault this policy drew
     * @return the exception to fail the call with
     * @throws IllegalArgumentException if {@code fault} is not an exception fault
     */
    public Exception exceptionOf(Fault fault) {
        if (Objects.requireNonNull(fault, "fault").kind != Kind.EXCEPTION) {
            throw new IllegalArgumentException("fault must be an EXCEPTION fault (got " + fault.kind + ")");
        }
        return fault.exception(this);
    }

    /** The fault for this call, or null; counts it and tells the listeners. */
    private @Nullable Fault draw() {
        double u;
        try {
            u = random.nextDouble();
        } catch (Throwable e) {
            Plugged.failed(LOG, owner, "random source", random, "the call passes through", e);
            u = 1.0;
        }
        for (int i = 0; i < bounds.length; i++) {
            if (u < bounds[i]) {
                Fault fault = faults[i];
                injected[fault.kind.ordinal()].increment();
                for (Listener listener : listeners.snapshot()) {
                    try {
                        listener.onInjected(this, fault.kind);
                    } catch (Throwable e) {
                        Plugged.failed(LOG, owner, "listener", listener, "ignored", e);
                    }
                }
                return fault;
            }
        }
        passed.increment();
        return null;
    }

    /**
     * {@code Chaos 'name' [enabled|disabled, faults]}.
     *
     * @return a description for logs
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(owner).append(" [").append(enabled ? "enabled" : "disabled");
        for (Fault f : faults) {
            s.append(", ").append(f);
        }
        return s.append(']').toString();
    }

    /**
     * One fault and its share of the calls: what {@link #nextFault()} hands to integrations that apply the
     * fault themselves (a Reactor operator delays with its own timer). Immutable.
     */
    public static final class Fault {
        final Kind kind;
        final double rate;
        final @Nullable Supplier<? extends Exception> exception;
        final long nanos;
        final @Nullable Object value;

        Fault(Kind kind, double rate, @Nullable Supplier<? extends Exception> exception, long nanos,
                @Nullable Object value) {
            this.kind = kind;
            this.rate = rate;
            this.exception = exception;
            this.nanos = nanos;
            this.value = value;
        }

        /**
         * What this fault does.
         *
         * @return its kind
         */
        public Kind kind() {
            return kind;
        }

        /**
         * The share of calls this fault hits.
         *
         * @return the rate, in [0, 1]
         */
        public double rate() {
            return rate;
        }

        /**
         * The delay of a {@link Kind#LATENCY} fault.
         *
         * @return the delay; {@link Duration#ZERO} for the other kinds
         */
        public Duration latency() {
            return Duration.ofNanos(nanos);
        }

        /**
         * The substitute value of a {@link Kind#RESULT} fault.
         *
         * @return the value; null for the other kinds
         */
        public @Nullable Object result() {
            return value;
        }

        /** The exception to inject, marked as injected. */
        Exception exception(Chaos chaos) {
            Exception e = null;
            Supplier<? extends Exception> supplier = exception;
            if (supplier != null) {
                try {
                    e = supplier.get();
                } catch (Throwable failed) {
                    Plugged.failed(LOG, chaos.owner, "exception supplier", supplier,
                            "injecting a plain ChaosException instead", failed);
                }
            }
            if (e == null) {
                return new ChaosException("injected by " + chaos.owner);
            }
            if (!isInjected(e)) {
                try {
                    e.addSuppressed(new ChaosException.Mark("injected by " + chaos.owner));
                } catch (RuntimeException notSuppressible) {
                    // an exception that refuses suppression: it is still thrown, unmarked
                }
            }
            return e;
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case EXCEPTION -> "exception";
                case LATENCY -> "latency " + Duration.ofNanos(nanos);
                case RESULT -> "result " + value;
            };
            return what + " at " + rate;
        }
    }

    /**
     * Builds a {@link Chaos}; checks everything at {@link #build()}. Not safe for concurrent use.
     */
    public static final class Builder {
        private final String name;
        private final List<Fault> faults = new ArrayList<>();
        private final List<Listener> listeners = new ArrayList<>();
        private @Nullable RandomGenerator random;
        private @Nullable Long seed;
        private Retry.Sleeper sleeper = Retry.Sleeper.threadSleep();
        private @Nullable ScheduledExecutorService scheduler;
        private boolean enabled;

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * Adds a fault that throws a plain {@link ChaosException} into a {@code rate} share of calls.
         *
         * @param rate the share of calls, in [0, 1] (checked at {@link #build()})
         * @return this builder
         */
        public Builder exception(double rate) {
            faults.add(new Fault(Kind.EXCEPTION, rate, null, 0, null));
            return this;
        }

        /**
         * Adds a fault that throws what {@code exception} makes into a {@code rate} share of calls,
         * marked as injected (see the class description). A fresh exception per call gives each its own
         * stack trace.
         *
         * @param rate the share of calls, in [0, 1] (checked at {@link #build()})
         * @param exception makes the exception to throw, e.g. {@code () -> new IOException("reset")}
         * @return this builder
         * @throws NullPointerException if {@code exception} is null
         */
        public Builder exception(double rate, Supplier<? extends Exception> exception) {
            faults.add(new Fault(Kind.EXCEPTION, rate, Objects.requireNonNull(exception, "exception"), 0, null));
            return this;
        }

        /**
         * Adds a fault that delays the task by {@code latency} in a {@code rate} share of calls.
         *
         * @param rate the share of calls, in [0, 1] (checked at {@link #build()})
         * @param latency how long to wait before the task runs, zero or more
         * @return this builder
         * @throws NullPointerException if {@code latency} is null
         * @throws IllegalArgumentException if {@code latency} is negative
         */
        public Builder latency(double rate, Duration latency) {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must be zero or more (got " + latency + ")");
            }
            faults.add(new Fault(Kind.LATENCY, rate, null, saturatedNanos(latency), null));
            return this;
        }

        private static long saturatedNanos(Duration d) {
            return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
        }

        /**
         * Adds a fault that returns {@code value} instead of running the task in a {@code rate} share of
         * calls. The value is not type-checked against the call's result type.
         *
         * @param rate the share of calls, in [0, 1] (checked at {@link #build()})
         * @param value the substitute result
         * @return this builder
         * @throws NullPointerException if {@code value} is null
         */
        public Builder result(double rate, Object value) {
            faults.add(new Fault(Kind.RESULT, rate, null, 0, Objects.requireNonNull(value, "value")));
            return this;
        }

        /**
         * Draws from {@code random} (one {@code nextDouble()} per call made while enabled). It must be
         * safe for the threads that call; one that throws lets the call pass through. Default: the calling
         * thread's {@code ThreadLocalRandom}.
         *
         * @param random the random source
         * @return this builder
         * @throws NullPointerException if {@code random} is null
         */
        public Builder random(RandomGenerator random) {
            this.random = Objects.requireNonNull(random, "random");
            this.seed = null;
            return this;
        }

        /**
         * Draws from a {@link Random} seeded with {@code seed}, so a single-threaded run injects into
         * the same calls every time. Each policy built gets its own {@code Random}, so two policies built
         * from this builder (or from a registry's defaults) draw the same sequence each.
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            this.random = null;
            return this;
        }

        /**
         * How synchronous calls wait out an injected latency. Default {@link Retry.Sleeper#threadSleep()};
         * tests inject one that advances a fake ticker.
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
         * Where asynchronous calls wait out an injected latency: the task starts on its thread when the
         * timer fires. Default: a shared daemon scheduler that hands the task to the common pool.
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
         * Adds a listener that hears each injection (see {@link Listener}); one that throws is logged and
         * ignored.
         *
         * @param listener the listener
         * @return this builder
         * @throws NullPointerException if {@code listener} is null
         */
        public Builder listener(Listener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /**
         * Whether the built policy starts enabled. Default false: it injects nothing until
         * {@link Chaos#enable()}.
         *
         * @param enabled true to inject from the start
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return a new {@link Chaos}
         * @throws IllegalStateException if no fault was added
         * @throws IllegalArgumentException if a rate is not in [0, 1], or the rates add up to more than 1
         */
        public Chaos build() {
            if (faults.isEmpty()) {
                throw new IllegalStateException("Chaos '" + name
                        + "': add at least one fault (exception, latency or result)");
            }
            double sum = 0;
            for (Fault f : faults) {
                if (!(f.rate >= 0 && f.rate <= 1)) { // NaN fails both
                    throw new IllegalArgumentException("rate must be in [0, 1] (got " + f.rate + " for the "
                            + f.kind.name().toLowerCase(Locale.ROOT) + " fault)");
                }
                sum += f.rate;
            }
            if (sum > 1 + 1e-9) { // a tolerance for sums like 0.1 + 0.2 + 0.7
                throw new IllegalArgumentException("rates must add up to at most 1 (got " + sum + ")");
            }
            return new Chaos(this);
        }

        /** A copy of this builder under another name (for registries); listeners and the random source are shared. */
        Builder copy(String newName) {
            Builder b = new Builder(newName);
            b.faults.addAll(faults);
            b.listeners.addAll(listeners);
            b.random = random;
            b.seed = seed;
            b.sleeper = sleeper;
            b.scheduler = scheduler;
            b.enabled = enabled;
            return b;
        }
    }
}
