package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Serves the most recent successful result for a key when a call for that key fails or is
 * rejected: the resilience half of the cache-aside pattern.
 *
 * <pre>{@code
 * LastKnownGood<String, Price> prices = LastKnownGood.<String, Price>builder().maxAge(Duration.ofMinutes(5)).build();
 * Price p = prices.call(symbol, () -> breaker.call(() -> feed.price(symbol)));
 * }</pre>
 *
 * <p>Every successful call stores its result (a {@code null} result too) with the time on the
 * {@link Ticker}. A call that throws an exception the {@link Builder#on(Tracker) tracker} matches
 * (by default every {@link Exception}: failures, {@link CallNotPermittedException},
 * {@link BulkheadFullException}, timeouts) gets the stored result when there is one no older than
 * {@code maxAge}; otherwise the exception propagates unchanged. {@link Error}s always propagate.
 *
 * <p>Keys are held until {@link #forget} or {@link #clear}: use a bounded key space (one entry per
 * downstream resource, not per request). A tracker that throws (anything, an {@link Error} included)
 * is logged at {@code WARNING} on the {@link System.Logger} {@code dev.fluxgate.LastKnownGood} and
 * answers "not served": the caller gets the original failure.
 *
 * <p>Safe for concurrent use; the latest success wins. Memory consistency effects: actions in a thread
 * prior to storing a result (the task that produced it) happen-before another thread's call that is
 * answered with that result.
 *
 * @param <K> the key type (non-null keys)
 * @param <V> the result type
 */
public final class LastKnownGood<K, V> {

    private record Entry<V>(V value, long storedAt) {
    }

    private static final System.Logger LOG = System.getLogger(LastKnownGood.class.getName());

    private final long maxAgeNanos;
    private final Tracker on;
    private final Ticker ticker;
    private final ConcurrentMap<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final LongAdder served = new LongAdder();

    private LastKnownGood(Builder<K, V> b) {
        this(b.maxAge == null ? Long.MAX_VALUE : b.maxAge.toNanos(), b.on, b.ticker);
    }

    private LastKnownGood(long maxAgeNanos, Tracker on, Ticker ticker) {
        this.maxAgeNanos = maxAgeNanos;
        this.on = on;
        this.ticker = ticker;
    }

    /** The same configuration, nothing stored. */
    LastKnownGood<K, V> emptyCopy() {
        return new LastKnownGood<>(maxAgeNanos, on, ticker);
    }

    /**
     * Starts a builder: no age limit, every exception, the system ticker.
     *
     * @param <K> the key type
     * @param <V> the result type
     * @return a new builder
     */
    public static <K, V> Builder<K, V> builder() {
        return new Builder<>();
    }

    /**
     * Runs {@code task}; on success stores its result under {@code key}, on a matching exception
     * answers the stored result if it is fresh enough.
     *
     * @param key the key the result is stored and served under
     * @param task the call
     * @return the task's result, or the stored result for {@code key} when the task failed
     * @throws Exception the task's exception, when there is no fresh result to serve
     */
    public V call(K key, Callable<? extends V> task) throws Exception {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(task, "task");
        V value;
        try {
            value = task.call();
        } catch (Exception e) {
            return recover(key, e);
        }
        store(key, value);
        return value;
    }

    /**
     * Like {@link #call}, for a supplier: the task's unchecked exception propagates when nothing is served.
     *
     * @param key the key the result is stored and served under
     * @param task the call
     * @return the task's result, or the stored result for {@code key} when the task failed
     */
    public V get(K key, Supplier<? extends V> task) {
        Objects.requireNonNull(task, "task");
        return Calls.unchecked(() -> call(key, task::get));
    }

    /**
     * Like {@link #call}, asynchronously; never blocks. Cancelling the returned future cancels the task's.
     *
     * @param key the key the result is stored and served under
     * @param task starts the asynchronous call
     * @return a future with the task's result, or the stored result for {@code key} when the task failed
     */
    public CompletableFuture<V> callAsync(K key, Supplier<? extends CompletionStage<V>> task) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(task, "task");
        CompletableFuture<V> future = Calls.start(task);
        CompletableFuture<V> result = new CompletableFuture<>();
        future.whenComplete((value, thrown) -> {
            if (thrown == null) {
                store(key, value);
                result.complete(value);
                return;
            }
            Throwable error = Calls.unwrap(thrown);
            try {
                Optional<Entry<V>> fresh = error instanceof Exception && answers(error) ? fresh(key) : Optional.empty();
                if (fresh.isPresent()) {
                    served.increment();
                    result.complete(fresh.get().value());
                } else {
                    result.completeExceptionally(error);
                }
            } catch (Throwable unexpected) {
                unexpected.addSuppressed(error);
                result.completeExceptionally(unexpected); // a broken ticker: never leave the caller's future hanging
            }
        });
        result.whenComplete((v, e) -> {
            if (result.isCancelled()) {
                future.cancel(true);
            }
        });
        return result;
    }

    V recover(K key, Exception error) throws Exception {
        if (answers(error)) {
            Optional<Entry<V>> fresh = fresh(key);
            if (fresh.isPresent()) {
                served.increment();
                return fresh.get().value();
            }
        }
        throw error;
    }

    /** Whether the tracker lets a stored result answer {@code error}; one that throws is logged and does not. */
    private boolean answers(Throwable error) {
        try {
            return on.tracks(error);
        } catch (Throwable e) {
            Plugged.failed(LOG, "LastKnownGood", "tracker", on, "not answering; the caller gets the original failure", e);
            return false;
        }
    }

    void store(K key, V value) {
        entries.put(key, new Entry<>(value, ticker.read()));
    }

    private Optional<Entry<V>> fresh(K key) {
        Entry<V> entry = entries.get(key);
        if (entry == null || ticker.read() - entry.storedAt() > maxAgeNanos) {
            return Optional.empty();
        }
        return Optional.of(entry);
    }

    /**
     * The stored result for {@code key} if it is fresh enough (an empty optional also for a stored
     * {@code null}).
     *
     * @param key the key
     * @return the fresh stored result, or empty
     */
    public Optional<V> latest(K key) {
        return fresh(Objects.requireNonNull(key, "key")).map(Entry::value);
    }

    /**
     * Drops the stored result for {@code key}.
     *
     * @param key the key
     */
    public void forget(K key) {
        entries.remove(Objects.requireNonNull(key, "key"));
    }

    /** Drops every stored result. */
    public void clear() {
        entries.clear();
    }

    /** {@return the number of keys with a stored result (fresh or not)} */
    public int size() {
        return entries.size();
    }

    /** {@return the failed calls answered with a stored result since this was built} */
    public long servedCalls() {
        return served.sum();
    }

    /**
     * Builds a {@link LastKnownGood}. Every method returns this builder. Not thread-safe.
     *
     * @param <K> the key type
     * @param <V> the result type
     */
    public static final class Builder<K, V> {
        private @Nullable Duration maxAge;
        private Tracker on = Tracker.all();
        private Ticker ticker = Ticker.system();

        private Builder() {
        }

        /**
         * The oldest result that may be served. Default: no limit.
         *
         * @param maxAge the oldest result that may be served, positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> maxAge(Duration maxAge) {
            this.maxAge = Tripper.positive("maxAge", maxAge);
            return this;
        }

        /**
         * Which exceptions are answered with the stored result. Default {@link Tracker#all()}.
         *
         * @param on matches the exceptions to answer
         * @return this builder
         */
        public Builder<K, V> on(Tracker on) {
            this.on = Objects.requireNonNull(on, "on");
            return this;
        }

        /**
         * The ticker ages are measured on.
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder<K, V> ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Builds it, empty.
         *
         * @return a new, empty store
         */
        public LastKnownGood<K, V> build() {
            return new LastKnownGood<>(this);
        }
    }
}
