package dev.fluxgate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Answers in place of a call that failed, was rejected, or returned an unacceptable result.
 *
 * <pre>{@code
 * Fallback<Quote> fallback = Fallback.<Quote>builder()
 *     .on(CallNotPermittedException.class, e -> Quote.unavailable())
 *     .on(IOException.class, e -> Quote.stale())
 *     .onResult(q -> q.price() == null, q -> Quote.unavailable())
 *     .lastKnownGood(Duration.ofMinutes(10))
 *     .build();
 * Quote q = fallback.call(() -> quotes.fetch(symbol));
 * }</pre>
 *
 * <p><b>Exceptions.</b> When the call throws an {@link Exception}, the last known good result
 * (if configured, and fresh enough) answers first; then the exception handlers are tried in the
 * order added ({@link Builder#on(Class, Function)} by type, {@link Builder#when(Tracker, Function)}
 * by predicate); the first that matches answers. When none does, the exception propagates
 * unchanged. {@link Error}s always propagate.
 *
 * <p><b>Handlers that throw</b> follow the one rule for plugged-in code: what they throw, an
 * {@link Error} included, is logged at {@code WARNING} on the {@link System.Logger}
 * {@code dev.fluxgate.Fallback}. A handler's answer that throws is what the caller gets, with the
 * original exception attached as suppressed (unless it rethrew the original itself); a predicate that
 * throws (of {@code when} or {@code onResult}) does not match, so the next handler is tried and
 * otherwise the original exception or result goes to the caller.
 *
 * <p><b>Results.</b> A result matched by an {@link Builder#onResult} predicate is replaced by its
 * function; any other result is returned (and remembered as last known good).
 *
 * <p>A {@code Fallback<T>} is a {@link Policy} for tasks that return {@code T}: its
 * {@code call}/{@code callAsync} methods are generic to fit a {@link Resilience} pipeline, and
 * using it for tasks of another result type ends in a {@link ClassCastException} at the caller. A
 * last-known-good fallback keeps one result: use one per kind of call (or {@link LastKnownGood}
 * with keys). Immutable after build and safe for concurrent use. Memory consistency effects:
 * actions of the task happen-before its handler runs (in the thread that saw the failure or result);
 * a result remembered as last known good is published safely to the calls it later answers.
 *
 * @param <T> the result type of the calls it protects
 */
public final class Fallback<T> implements Policy {

    private record Handler<T>(Predicate<? super Exception> matches, Function<? super Exception, ? extends T> answer,
            boolean matchesAll) {
    }

    private record ResultHandler<T>(Predicate<? super T> matches, Function<? super T, ? extends T> answer) {
    }

    private static final Object KEY = new Object();
    private static final System.Logger LOG = System.getLogger(Fallback.class.getName());
    /** The owner text of warnings: a fallback has no name. */
    private static final String OWNER = "Fallback";

    private final List<Handler<T>> handlers;
    private final List<ResultHandler<T>> resultHandlers;
    private final @Nullable LastKnownGood<Object, T> lastKnownGood;
    /**
     * The answer to every exception when nothing else can apply: no last known good, no result handler,
     * and a catch-all first handler (as {@link #of}); then {@code get} and {@code call} run the task in
     * a flat try/catch rather than through {@link #execute}. Null otherwise.
     */
    private final @Nullable Function<? super Exception, ? extends T> catchAll;

    private Fallback(Builder<T> b) {
        this.handlers = List.copyOf(b.handlers);
        this.resultHandlers = List.copyOf(b.resultHandlers);
        this.lastKnownGood = b.lastKnownGood;
        this.catchAll = lastKnownGood == null && resultHandlers.isEmpty() && !handlers.isEmpty()
                && handlers.get(0).matchesAll() ? handlers.get(0).answer() : null;
    }

    /**
     * Answers every exception with {@code fallback}'s result.
     *
     * @param <T> the result type
     * @param fallback computes the answer from the exception
     * @return a fallback that answers every exception
     */
    public static <T> Fallback<T> of(Function<? super Exception, ? extends T> fallback) {
        return Fallback.<T>builder().when(Tracker.all(), fallback).build();
    }

    /**
     * Answers a failed or rejected call with the most recent successful result, if there is one.
     *
     * @param <T> the result type
     * @return a fallback with its own, empty, last known good result
     */
    public static <T> Fallback<T> lastKnownGood() {
        return Fallback.<T>builder().lastKnownGood().build();
    }

    /**
     * Answers a failed or rejected call with the most recent successful result no older than {@code maxAge}.
     *
     * @param <T> the result type
     * @param maxAge the oldest result that may be served, positive
     * @return a fallback with its own, empty, last known good result
     */
    public static <T> Fallback<T> lastKnownGood(Duration maxAge) {
        return Fallback.<T>builder().lastKnownGood(maxAge).build();
    }

    /**
     * Starts an empty builder.
     *
     * @param <T> the result type
     * @return a builder that answers nothing yet
     */
    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /**
     * Runs {@code task}, answering failures and unacceptable results as configured.
     *
     * @throws Exception the task's exception when no fallback applies
     */
    @Override
    public <R> R call(Callable<R> task) throws Exception {
        Objects.requireNonNull(task, "task");
        Function<? super Exception, ? extends T> all = catchAll;
        if (all != null) {
            try {
                return task.call(); // the common case without the pipeline's frames: see catchAll
            } catch (Exception e) {
                return cast(answer(all, e));
            }
        }
        return execute(null, Resilience.CALLABLE, task);
    }

    /**
     * Runs {@code task}, answering in its place as configured; exceptions as {@link Policy#get(Supplier)}
     * says.
     *
     * @return the task's result, or the fallback's answer
     */
    @Override
    public <R> R get(Supplier<R> task) {
        Objects.requireNonNull(task, "task");
        Function<? super Exception, ? extends T> all = catchAll;
        if (all != null) {
            try {
                return task.get(); // the common case without the pipeline's frames: see catchAll
            } catch (Exception e) { // a checked one too, if the supplier threw it sneakily
                return cast(answer(all, e));
            }
        }
        try {
            return execute(null, Resilience.SUPPLIER, task);
        } catch (Exception e) {
            throw Calls.unchecked(e); // without a wrapping lambda per call: the success path allocates nothing
        }
    }

    /** {@link #call}, the task being the rest of {@code pipeline} (or the task itself): see {@link Resilience#proceed}. */
    @SuppressWarnings("TypeParameterUnusedInFormals") // R is the task's result type
    <R> R execute(@Nullable Resilience pipeline, int cursor, Object task) throws Exception {
        T result;
        try {
            result = cast(Resilience.<Object>proceed(pipeline, cursor, task));
        } catch (Exception e) {
            return cast(recover(e));
        }
        return cast(accept(result));
    }

    /**
     * Runs an asynchronous task, answering failures as configured (on the thread that completes the
     * task's future); never blocks. Cancelling the returned future cancels the task's.
     */
    @Override
    public <R> CompletableFuture<R> callAsync(Supplier<? extends CompletionStage<R>> task) {
        Objects.requireNonNull(task, "task");
        CompletableFuture<R> future = Calls.start(task);
        CompletableFuture<R> result = new CompletableFuture<>();
        future.whenComplete((value, thrown) -> {
            try {
                if (thrown == null) {
                    result.complete(cast(accept(cast(value))));
                    return;
                }
                Throwable error = Calls.unwrap(thrown);
                if (error instanceof Exception e) {
                    result.complete(cast(recover(e)));
                } else {
                    result.completeExceptionally(error);
                }
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                future.cancel(true);
            }
        });
        return result;
    }

    private T recover(Exception error) throws Exception {
        if (lastKnownGood != null) {
            try {
                return lastKnownGood.recover(KEY, error);
            } catch (Exception nothingFresh) {
                // fall through to the handlers
            }
        }
        for (int i = 0, n = handlers.size(); i < n; i++) { // by index: no iterator on the hot path
            Handler<T> handler = handlers.get(i);
            if (handler.matchesAll() || matches(handler.matches(), error)) { // Fallback.of: no predicate to run
                return answer(handler.answer(), error);
            }
        }
        throw error;
    }

    /** A handler's answer to {@code error}; what the handler throws is logged and goes to the caller. */
    private static <T> T answer(Function<? super Exception, ? extends T> answer, Exception error) {
        try {
            return answer.apply(error);
        } catch (RuntimeException | Error broken) {
            Plugged.fallbackFailed(LOG, OWNER, answer, broken, error);
            throw broken;
        }
    }

    private T accept(T result) {
        for (int i = 0, n = resultHandlers.size(); i < n; i++) { // by index: no iterator on the hot path
            ResultHandler<T> handler = resultHandlers.get(i);
            if (matches(handler.matches(), result)) {
                try {
                    return handler.answer().apply(result);
                } catch (RuntimeException | Error broken) {
                    Plugged.failed(LOG, OWNER, "result fallback", handler.answer(), "the caller gets what it threw", broken);
                    throw broken;
                }
            }
        }
        if (lastKnownGood != null) {
            lastKnownGood.store(KEY, result);
        }
        return result;
    }

    /** A handler's predicate; one that throws is logged and does not match (the next handler is tried). */
    private static <V> boolean matches(Predicate<? super V> predicate, V value) {
        try {
            return predicate.test(value);
        } catch (Throwable e) {
            Plugged.failed(LOG, OWNER, "predicate", predicate, "not matching", e);
            return false;
        }
    }

    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // the one unchecked cast, on purpose
    private static <A> A cast(Object value) {
        return (A) value; // see the class comment: a Fallback<T> protects tasks returning T
    }

    @Override
    public String toString() {
        return "Fallback(" + handlers.size() + " exception handlers, " + resultHandlers.size() + " result handlers"
                + (lastKnownGood != null ? ", last known good" : "") + ")";
    }

    /**
     * Builds a {@link Fallback}. Every method returns this builder. Not thread-safe.
     *
     * @param <T> the result type of the protected tasks
     */
    public static final class Builder<T> {
        private final List<Handler<T>> handlers = new ArrayList<>();
        private final List<ResultHandler<T>> resultHandlers = new ArrayList<>();
        private @Nullable LastKnownGood<Object, T> lastKnownGood;

        private Builder() {
        }

        /**
         * Answers exceptions of {@code type} (subclasses included) with {@code answer}.
         *
         * @param <E> the exception type
         * @param type the exceptions to answer, subclasses included
         * @param answer computes the answer from the exception
         * @return this builder
         */
        public <E extends Exception> Builder<T> on(Class<E> type, Function<? super E, ? extends T> answer) {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(answer, "answer");
            handlers.add(new Handler<>(type::isInstance, e -> answer.apply(type.cast(e)), false));
            return this;
        }

        /**
         * Answers exceptions {@code tracker} matches (compose with {@code and}, {@code or}, {@code not}).
         *
         * @param tracker matches the exceptions to answer
         * @param answer computes the answer from the exception
         * @return this builder
         */
        public Builder<T> when(Tracker tracker, Function<? super Exception, ? extends T> answer) {
            Objects.requireNonNull(tracker, "tracker");
            Objects.requireNonNull(answer, "answer");
            boolean all = tracker == Tracker.all(); // the catch-all (Fallback.of): skip the predicate per call
            handlers.add(new Handler<>(tracker::tracks, answer, all));
            return this;
        }

        /**
         * Replaces results {@code matches} accepts with {@code answer}'s.
         *
         * @param matches accepts the results to replace
         * @param answer computes the replacement from the result
         * @return this builder
         */
        public Builder<T> onResult(Predicate<? super T> matches, Function<? super T, ? extends T> answer) {
            resultHandlers.add(new ResultHandler<>(Objects.requireNonNull(matches, "matches"),
                    Objects.requireNonNull(answer, "answer")));
            return this;
        }

        /**
         * Answers failures with the most recent successful result first, whatever its age.
         *
         * @return this builder
         */
        public Builder<T> lastKnownGood() {
            this.lastKnownGood = LastKnownGood.<Object, T>builder().build();
            return this;
        }

        /**
         * Answers failures with the most recent successful result first, when no older than {@code maxAge}.
         *
         * @param maxAge the oldest result that may be served, positive
         * @return this builder
         */
        public Builder<T> lastKnownGood(Duration maxAge) {
            return lastKnownGood(maxAge, Ticker.system());
        }

        /**
         * As {@link #lastKnownGood(Duration)}, measuring ages on {@code ticker}.
         *
         * @param maxAge the oldest result that may be served, positive
         * @param ticker the ticker ages are measured on
         * @return this builder
         */
        public Builder<T> lastKnownGood(Duration maxAge, Ticker ticker) {
            this.lastKnownGood = LastKnownGood.<Object, T>builder().maxAge(maxAge).ticker(ticker).build();
            return this;
        }

        /**
         * Builds the fallback; each built fallback has its own last known good result.
         *
         * @return a new fallback
         */
        public Fallback<T> build() {
            Builder<T> copy = this;
            if (lastKnownGood != null) {
                // A fresh store per build: two fallbacks never share remembered results.
                copy = new Builder<>();
                copy.handlers.addAll(handlers);
                copy.resultHandlers.addAll(resultHandlers);
                copy.lastKnownGood = lastKnownGood.emptyCopy();
            }
            return new Fallback<>(copy);
        }
    }
}
