package dev.fluxgate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Named instances of one pattern that share a default configuration: the one way to look up a
 * breaker, a retry, a bulkhead, a thread-pool bulkhead, a timeout or a hedge by name.
 *
 * <pre>{@code
 * Registry<Retry, Retry.Builder> retries = Registry.ofRetries(Retry.builder("defaults").maxAttempts(4));
 * Retry inventory = retries.get("inventory");                             // get or create
 * Retry search = retries.get("search", b -> b.maxAttempts(2));            // defaults, then this
 * Optional<Retry> known = retries.find("inventory");                      // never creates
 * retries.addEntryListener(new Registry.EntryListener<Retry>() {          // e.g. to bind meters
 *     public void onAdded(Retry retry) { ... }
 * });
 * CircuitBreakerRegistry breakers = Registry.ofCircuitBreakers(CircuitBreaker.builder("defaults"));
 * }</pre>
 *
 * <p>Configuration is merged in one order: the pattern's built-in defaults, then the registry's default
 * builder, then the customizer given to {@link #get(String, Consumer)}. The default builder is copied
 * when the registry is made; later changes to it do not reach the registry. Every registry has the same
 * contract whatever its pattern; {@link CircuitBreakerRegistry} is the breakers' one.
 *
 * <p>Names follow the one rule for names: null is rejected with {@link NullPointerException}, blank with
 * {@link IllegalArgumentException}. Entry listeners follow the one rule for plugged-in code: one that
 * throws anything, an {@link Error} included, is logged at {@code WARNING} on this registry's
 * {@link System.Logger} and ignored; the get or remove that told it completes as if it had not thrown,
 * and the other entry listeners are still told.
 *
 * <p>Thread safety: all methods are safe for concurrent use. Concurrent {@code get}s of one name build
 * one instance and apply one customizer: the first caller builds it while the others of that name wait
 * (callers of other names do not); a customizer must therefore not get its own name from the registry
 * ({@link IllegalStateException}). {@code get} of an existing instance takes no lock and allocates nothing.
 *
 * @param <P> the pattern
 * @param <B> the pattern's builder
 */
public sealed class Registry<P extends Policy, B> permits CircuitBreakerRegistry {

    /**
     * Hears instances being added to and removed from a registry (for example to bind and unbind
     * meters). Methods run in the thread that added or removed the instance, after the registry has
     * changed and outside any lock; one that throws is logged and ignored. A listener added while an
     * instance is being created may hear of that instance twice.
     *
     * @param <P> the pattern
     */
    public interface EntryListener<P> {
        /**
         * Called once an instance has been created in the registry (or, on registration, for each present).
         *
         * @param entry the instance just created
         */
        default void onAdded(P entry) {
        }

        /**
         * Called once an instance has been removed from the registry.
         *
         * @param entry the instance just removed
         */
        default void onRemoved(P entry) {
        }
    }

    /** One name's slot: built once, under its own lock, so that other names never wait for it. */
    private static final class Entry<P> {
        final ReentrantLock lock = new ReentrantLock();
        /** Null until built; once set, never changes. */
        volatile @Nullable P value;
        /** Guarded by lock: the build failed or the entry was removed; callers start over with a fresh one. */
        boolean abandoned;
        /** Guarded by lock: the owning thread is running the builder now. */
        boolean building;
    }


    private final System.Logger log = System.getLogger(getClass().getName());
    private final String kind;
    private final Function<String, B> builders;
    private final Function<? super B, ? extends P> build;
    private final Consumer<? super P> dropListeners;
    private final ConcurrentHashMap<String, Entry<P>> entries = new ConcurrentHashMap<>();
    private final List<EntryListener<? super P>> entryListeners = new CopyOnWriteArrayList<>();
    /**
     * Applies a configuration to an instance keeping its state; null where the pattern cannot. Set by the
     * factory after construction: volatile, so a registry handed to another thread unsafely still sees it.
     */
    private volatile @Nullable BiFunction<? super P, ? super B, Reconfiguration> reconfigurer;

    /**
     * A registry of one pattern.
     *
     * @param kind the pattern's name, for messages ({@code "Retry"})
     * @param builders a fresh builder from the defaults under a given name
     * @param build builds an instance from a builder
     * @param dropListeners drops an instance's own listeners when it is removed
     */
    Registry(String kind, Function<String, B> builders, Function<? super B, ? extends P> build,
            Consumer<? super P> dropListeners) {
        this.kind = kind;
        this.builders = builders;
        this.build = build;
        this.dropListeners = dropListeners;
    }

    // ---- one factory per pattern ----

    /**
     * A registry of breakers whose defaults are {@code defaults} (its name is not used): {@link CircuitBreakerRegistry#of}.
     *
     * @param defaults the configuration every new instance starts from (copied now; later changes do not reach the registry)
     * @return a registry of circuit breakers
     */
    public static CircuitBreakerRegistry ofCircuitBreakers(CircuitBreaker.Builder defaults) {
        return CircuitBreakerRegistry.of(defaults);
    }

    /**
     * A registry of breakers with the built-in defaults.
     *
     * @return a registry of circuit breakers on the built-in defaults
     */
    public static CircuitBreakerRegistry ofCircuitBreakers() {
        return CircuitBreakerRegistry.ofDefaults();
    }

    /**
     * A registry of retries whose defaults are {@code defaults} (its name is not used; its listeners
     * are given to every retry). Removing a retry drops its listeners.
     *
     * @param defaults the configuration every new instance starts from (copied now; later changes do not reach the registry)
     * @return a registry of retries
     * @throws IllegalArgumentException if the defaults cannot build a retry
     */
    public static Registry<Retry, Retry.Builder> ofRetries(Retry.Builder defaults) {
        Retry.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        shared.copy("defaults").build(); // fail now, not at the first get(), if the defaults are impossible
        return new Registry<>("Retry", shared::copy, Retry.Builder::build, Retry::removeAllListeners)
                .reconfiguredBy(Retry::reconfigure);
    }

    /**
     * A registry of retries with the built-in defaults (see {@link Retry#builder(String)}).
     *
     * @return a registry of retries on the built-in defaults
     */
    public static Registry<Retry, Retry.Builder> ofRetries() {
        return ofRetries(Retry.builder("defaults"));
    }

    /**
     * A registry of bulkheads whose defaults are {@code defaults} (its name is not used).
     *
     * @param defaults the configuration every new instance starts from (copied now; later changes do not reach the registry)
     * @return a registry of bulkheads
     */
    public static Registry<Bulkhead, Bulkhead.Builder> ofBulkheads(Bulkhead.Builder defaults) {
        Bulkhead.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        return new Registry<>("Bulkhead", shared::copy, Bulkhead.Builder::build, b -> { })
                .reconfiguredBy(Bulkhead::reconfigure);
    }

    /**
     * A registry of bulkheads with the built-in defaults (see {@link Bulkhead#builder(String)}).
     *
     * @return a registry of bulkheads on the built-in defaults
     */
    public static Registry<Bulkhead, Bulkhead.Builder> ofBulkheads() {
        return ofBulkheads(Bulkhead.builder("defaults"));
    }

    /**
     * A registry of thread-pool bulkheads whose defaults are {@code defaults} (its name is not used).
     * Removing one does not shut it down, since callers may still hold it: its idle threads end after
     * its keep-alive, and its owner may {@link ThreadPoolBulkhead#close() close} it.
     * @param defaults the configuration every new instance starts from (copied now; later changes do not reach the registry)
     * @return a registry of thread-pool bulkheads
     */
    public static Registry<ThreadPoolBulkhead, ThreadPoolBulkhead.Builder> ofThreadPoolBulkheads(
            ThreadPoolBulkhead.Builder defaults) {
        ThreadPoolBulkhead.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        return new Registry<>("ThreadPoolBulkhead", shared::copy, ThreadPoolBulkhead.Builder::build, b -> { });
    }

    /**
     * A registry of thread-pool bulkheads with the built-in defaults (see {@link ThreadPoolBulkhead#builder(String)}).
     *
     * @return a registry of thread-pool bulkheads on the built-in defaults
     */
    public static Registry<ThreadPoolBulkhead, ThreadPoolBulkhead.Builder> ofThreadPoolBulkheads() {
        return ofThreadPoolBulkheads(ThreadPoolBulkhead.builder("defaults"));
    }

    /**
     * A registry of timeouts whose defaults are {@code defaults} (its name is not used).
     *
     * @param defaults the configuration every new instance starts from (copied now; later changes do not reach the registry)
     * @return a registry of timeouts
     */
    public static Registry<Timeout, Timeout.Builder> ofTimeouts(Timeout.Builder defaults) {
        Timeout.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        return new Registry<>("Timeout", shared::copy, Timeout.Builder::build, t -> { });
    }

    /**
     * A registry of timeouts with the built-in defaults (see {@link Timeout#builder(String)}).
     *
     * @return a registry of timeouts on the built-in defaults
     */
    public static Registry<Timeout, Timeout.Builder> ofTimeouts() {
        return ofTimeouts(Timeout.builder("defaults"));
    }

    /**
     * A registry of hedges whose defaults are {@code defaults} (its name is not used; its listeners are
     * given to every hedge). Removing a hedge drops its listeners.
     *
     * @param defaults the shared configuration
     * @return the registry
     * @throws IllegalArgumentException if the defaults cannot build a hedge
     */
    public static Registry<Hedge, Hedge.Builder> ofHedges(Hedge.Builder defaults) {
        Hedge.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        shared.copy("defaults").build(); // fail now, not at the first get(), if the defaults are impossible
        return new Registry<>("Hedge", shared::copy, Hedge.Builder::build, Hedge::removeAllListeners);
    }

    /**
     * A registry of hedges with the built-in defaults (see {@link Hedge#builder(String)}).
     *
     * @return the registry
     */
    public static Registry<Hedge, Hedge.Builder> ofHedges() {
        return ofHedges(Hedge.builder("defaults"));
    }

    /**
     * A registry of rate limiters whose defaults are {@code defaults} (its name is not used; its listeners
     * are given to every limiter). Each limiter has its own permits. Removing a limiter drops its listeners.
     *
     * @param defaults the shared defaults
     * @return the registry
     * @throws IllegalArgumentException if the defaults cannot build a limiter
     */
    public static Registry<RateLimiter, RateLimiter.Builder> ofRateLimiters(RateLimiter.Builder defaults) {
        RateLimiter.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        shared.copy("defaults").build(); // fail now, not at the first get(), if the defaults are impossible
        return new Registry<>("RateLimiter", shared::copy, RateLimiter.Builder::build, RateLimiter::removeAllListeners)
                .reconfiguredBy(RateLimiter::reconfigure);
    }

    /**
     * A registry of rate limiters with the built-in defaults (see {@link RateLimiter#builder(String)}).
     *
     * @return the registry
     */
    public static Registry<RateLimiter, RateLimiter.Builder> ofRateLimiters() {
        return ofRateLimiters(RateLimiter.builder("defaults"));
    }

    /**
     * A registry of adaptive bulkheads whose defaults are {@code defaults} (its name is not used; its
     * listeners are given to every bulkhead). Each bulkhead learns its own limit. Removing one drops its listeners.
     *
     * @param defaults the shared defaults
     * @return the registry
     * @throws IllegalArgumentException if the defaults cannot build a bulkhead
     */
    public static Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> ofAdaptiveBulkheads(AdaptiveBulkhead.Builder defaults) {
        AdaptiveBulkhead.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        shared.copy("defaults").build(); // fail now, not at the first get(), if the defaults are impossible
        return new Registry<>("AdaptiveBulkhead", shared::copy, AdaptiveBulkhead.Builder::build,
                AdaptiveBulkhead::removeAllListeners);
    }

    /**
     * A registry of fault injectors whose defaults are {@code defaults} (its name is not used; its faults,
     * listeners, random source, sleeper, scheduler and on/off state are given to every instance). Each
     * instance has its own switch and counters, and, with a {@linkplain Chaos.Builder#seed seed}, its own
     * {@code Random}. There is no factory without defaults: a {@code Chaos} needs at least one fault.
     * Removing an instance drops its listeners.
     *
     * @param defaults the shared defaults (at least one fault)
     * @return the registry
     * @throws IllegalArgumentException if a rate of the defaults is out of range
     * @throws IllegalStateException if the defaults have no fault
     */
    public static Registry<Chaos, Chaos.Builder> ofChaos(Chaos.Builder defaults) {
        Chaos.Builder shared = Objects.requireNonNull(defaults, "defaults").copy("defaults");
        shared.copy("defaults").build(); // fail now, not at the first get(), if the defaults are impossible
        return new Registry<>("Chaos", shared::copy, Chaos.Builder::build, Chaos::removeAllListeners);
    }

    // ---- the contract ----

    /**
     * Returns the instance called {@code name}, creating it from the defaults if absent.
     *
     * @param name the instance's name (not blank)
     * @return the instance called {@code name}, created now if it was absent
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public P get(String name) {
        return get(name, Registry::noCustomizer);
    }

    /**
     * Returns the instance called {@code name}, creating it if absent from a copy of the defaults with
     * {@code customizer} applied (once, whatever the number of concurrent callers). The customizer is not
     * applied to an existing instance. If the customizer or the build throws, nothing is added and the
     * exception propagates to this caller; a later get tries again.
     *
     * @param name the instance's name (not blank)
     * @param customizer applied to a copy of the defaults when the instance is created, never to an existing one
     * @return the instance called {@code name}, created now if it was absent
     * @throws NullPointerException if {@code name} or {@code customizer} is null
     * @throws IllegalArgumentException if {@code name} is blank, or the customized configuration is invalid
     * @throws IllegalStateException if {@code customizer} gets or removes {@code name} itself
     */
    public P get(String name, Consumer<? super B> customizer) {
        Plugged.requireName(name);
        Objects.requireNonNull(customizer, "customizer");
        Entry<P> existing = entries.get(name);
        if (existing != null) {
            P value = existing.value;
            if (value != null) {
                return value;
            }
        }
        for (;;) {
            Entry<P> entry = entries.computeIfAbsent(name, n -> new Entry<>());
            P value = entry.value;
            if (value != null) {
                return value;
            }
            entry.lock.lock(); // waits while another caller builds this name
            try {
                value = entry.value;
                if (value != null) {
                    return value;
                }
                if (entry.abandoned) {
                    continue; // its build failed or it was removed: start over with a fresh entry
                }
                if (entry.building) {
                    throw new IllegalStateException(kind + " registry: the customizer of '" + name
                            + "' got or removed '" + name + "' itself");
                }
                entry.building = true;
                try {
                    B builder = builders.apply(name);
                    customizer.accept(builder);
                    value = Objects.requireNonNull(build.apply(builder), "built");
                } catch (Throwable e) {
                    entry.abandoned = true;
                    entries.remove(name, entry);
                    throw e;
                } finally {
                    entry.building = false;
                }
                entry.value = value;
            } finally {
                entry.lock.unlock();
            }
            for (EntryListener<? super P> l : entryListeners) {
                added(l, name, value);
            }
            return value;
        }
    }

    /**
     * The instance called {@code name}, if present; never creates one.
     *
     * @param name the instance's name (not blank)
     * @return the instance, or empty if the registry has none of that name
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Optional<P> find(String name) {
        Plugged.requireName(name);
        Entry<P> entry = entries.get(name);
        return entry == null ? Optional.empty() : Optional.ofNullable(entry.value);
    }

    /**
     * Removes the instance called {@code name}, drops its own listeners (where the pattern has them)
     * and tells the entry listeners (so meters bound to it go too). A creation of that name in progress
     * is waited for, then removed.
     *
     * @param name the instance's name (not blank)
     * @return the removed instance, if there was one
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public Optional<P> remove(String name) {
        Plugged.requireName(name);
        Entry<P> entry = entries.get(name);
        if (entry == null) {
            return Optional.empty();
        }
        P removed;
        entry.lock.lock();
        try {
            if (entry.building) {
                throw new IllegalStateException(kind + " registry: the customizer of '" + name
                        + "' got or removed '" + name + "' itself");
            }
            removed = entry.value;
            // Not built and not building: its creator has not taken the lock yet. Nothing is present to
            // remove; that creation goes on as if it came after this remove.
            if (removed == null || entry.abandoned || !entries.remove(name, entry)) {
                return Optional.empty();
            }
            entry.abandoned = true;
        } finally {
            entry.lock.unlock();
        }
        dropListeners.accept(removed);
        for (EntryListener<? super P> l : entryListeners) {
            try {
                l.onRemoved(removed);
            } catch (Throwable e) {
                Plugged.failed(log, Plugged.owner("Registry", kind), "entry listener", l,
                        "ignored (on remove of '" + name + "')", e);
            }
        }
        return Optional.of(removed);
    }

    /**
     * The instances now in the registry, sorted by name (an unmodifiable snapshot).
     *
     * @return the instances, sorted by name (a copy)
     */
    public List<P> all() {
        List<Map.Entry<String, Entry<P>>> sorted = new ArrayList<>(entries.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        List<P> list = new ArrayList<>(sorted.size());
        for (Map.Entry<String, Entry<P>> e : sorted) {
            P value = e.getValue().value;
            if (value != null) {
                list.add(value);
            }
        }
        return List.copyOf(list);
    }

    /**
     * The number of instances now in the registry.
     *
     * @return how many instances the registry holds now
     */
    public int size() {
        int n = 0;
        for (Entry<P> e : entries.values()) {
            if (e.value != null) {
                n++;
            }
        }
        return n;
    }

    /**
     * Adds an entry listener and, so that a late binder misses nothing, calls its
     * {@link EntryListener#onAdded} for every instance already present, in name order.
     *
     * @param listener hears instances added and removed from now on
     * @throws NullPointerException if {@code listener} is null
     */
    public void addEntryListener(EntryListener<? super P> listener) {
        entryListeners.add(Objects.requireNonNull(listener, "listener"));
        for (Map.Entry<String, Entry<P>> e : new java.util.TreeMap<>(entries).entrySet()) {
            P value = e.getValue().value;
            if (value != null) {
                added(listener, e.getKey(), value);
            }
        }
    }

    /**
     * Removes an entry listener.
     *
     * @param listener a listener added before
     * @return whether it was present
     */
    public boolean removeEntryListener(EntryListener<? super P> listener) {
        return entryListeners.remove(listener);
    }

    /** The customizer of {@link #get(String)}: the defaults as they are. */
    private static void noCustomizer(Object builder) {
    }

    private void added(EntryListener<? super P> l, String name, P value) {
        try {
            l.onAdded(value);
        } catch (Throwable e) {
            Plugged.failed(log, Plugged.owner("Registry", kind), "entry listener", l,
                    "ignored (on add of '" + name + "')", e);
        }
    }

    /**
     * Makes {@link #reconfigure} apply configurations with {@code reconfigurer} (set once, by the factory).
     *
     * @return this registry
     */
    Registry<P, B> reconfiguredBy(BiFunction<? super P, ? super B, Reconfiguration> reconfigurer) {
        this.reconfigurer = reconfigurer;
        return this;
    }

    /**
     * Applies a new configuration to the instance called {@code name}, keeping its state (live
     * reconfiguration): the configuration is built in the order {@link #get(String, Consumer)} uses (the
     * pattern's built-in defaults, then this registry's defaults, then {@code customizer}) and handed to
     * the instance's own {@code reconfigure}, which says what carries over (for a breaker,
     * {@link CircuitBreaker#reconfigure}). The instance stays the same object: whoever holds it sees the
     * new configuration. Never creates an instance; waits for one being created. If the customizer or
     * the new configuration is rejected, the exception propagates and the instance keeps its old
     * configuration.
     *
     * @param name the instance's name (not blank)
     * @param customizer applied to a fresh copy of the defaults
     * @return what changed, or empty when the registry has no instance of that name
     * @throws NullPointerException if {@code name} or {@code customizer} is null
     * @throws IllegalArgumentException if {@code name} is blank, or the new configuration is invalid
     * @throws UnsupportedOperationException if this pattern cannot be reconfigured at run time
     */
    public Optional<Reconfiguration> reconfigure(String name, Consumer<? super B> customizer) {
        Plugged.requireName(name);
        Objects.requireNonNull(customizer, "customizer");
        BiFunction<? super P, ? super B, Reconfiguration> r = reconfigurer;
        if (r == null) {
            throw new UnsupportedOperationException(kind + " registry: a " + kind + " cannot be reconfigured at run time");
        }
        Entry<P> entry = entries.get(name);
        if (entry == null) {
            return Optional.empty();
        }
        P value = entry.value;
        if (value == null) {
            entry.lock.lock(); // waits while another caller builds this name
            try {
                value = entry.value;
            } finally {
                entry.lock.unlock();
            }
            if (value == null) {
                return Optional.empty();
            }
        }
        B builder = builders.apply(name);
        customizer.accept(builder);
        return Optional.of(r.apply(value, builder));
    }

    @Override
    public String toString() {
        return "Registry[" + kind + ", " + size() + " entries]";
    }
}
