package dev.fluxgate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Named circuit breakers that share a default configuration.
 *
 * <pre>{@code
 * CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(
 *     CircuitBreaker.builder("defaults").tripper(Tripper.minRequests(20).and(Tripper.failureRate(0.5))));
 * CircuitBreaker payments = registry.get("payments");                        // get or create
 * CircuitBreaker search = registry.get("search", b -> b.window(Window.count(50))); // defaults, then this
 * }</pre>
 *
 * <p>Configuration is merged in one order: the built-in defaults, then the registry's default builder,
 * then the customizer given to {@link #get(String, Consumer)}. The default builder is copied when the
 * registry is made; later changes to it do not reach the registry.
 *
 * <p>Thread safety: all methods are safe for concurrent use; concurrent {@code get}s of one name
 * build one breaker.
 */
public final class CircuitBreakerRegistry {

    /**
     * Hears breakers being added to and removed from a registry (for example to bind and unbind meters).
     * Methods run in the thread that added or removed the breaker; one that throws is logged and ignored.
     */
    public interface EntryListener {
        /**
         * Called once a breaker has been created in the registry.
         *
         * @param breaker the new breaker
         */
        default void onAdded(CircuitBreaker breaker) {
        }

        /**
         * Called once a breaker has been removed from the registry.
         *
         * @param breaker the removed breaker
         */
        default void onRemoved(CircuitBreaker breaker) {
        }
    }

    private static final System.Logger LOG = System.getLogger(CircuitBreakerRegistry.class.getName());

    private final CircuitBreaker.Builder defaults;
    private final ConcurrentHashMap<String, CircuitBreaker> breakers = new ConcurrentHashMap<>();
    private final List<EntryListener> entryListeners = new CopyOnWriteArrayList<>();

    private CircuitBreakerRegistry(CircuitBreaker.Builder defaults) {
        this.defaults = defaults.copy("defaults");
        // Fail now, not at the first get(), if the shared configuration is impossible.
        this.defaults.copy("defaults").build();
    }

    /**
     * A registry whose breakers start from {@code defaults} (its name is not used).
     *
     * @param defaults the configuration every new breaker starts from
     * @return a new, empty registry
     */
    public static CircuitBreakerRegistry of(CircuitBreaker.Builder defaults) {
        return new CircuitBreakerRegistry(Objects.requireNonNull(defaults, "defaults"));
    }

    /**
     * A registry whose breakers use the built-in defaults.
     *
     * @return a new, empty registry
     */
    public static CircuitBreakerRegistry ofDefaults() {
        return of(CircuitBreaker.builder("defaults"));
    }

    /**
     * Returns the breaker called {@code name}, creating it from the defaults if absent.
     *
     * @param name the breaker's name
     * @return the breaker, existing or new
     */
    public CircuitBreaker get(String name) {
        return get(name, b -> { });
    }

    /**
     * Returns the breaker called {@code name}, creating it from the defaults with {@code customizer}
     * applied if absent. The customizer is not applied to an existing breaker.
     *
     * @param name the breaker's name
     * @param customizer adjusts a copy of the defaults for a new breaker
     * @return the breaker, existing or new
     */
    public CircuitBreaker get(String name, Consumer<? super CircuitBreaker.Builder> customizer) {
        CircuitBreaker.Builder.requireName(name);
        Objects.requireNonNull(customizer, "customizer");
        CircuitBreaker existing = breakers.get(name);
        if (existing != null) {
            return existing;
        }
        CircuitBreaker[] created = new CircuitBreaker[1];
        CircuitBreaker breaker = breakers.computeIfAbsent(name, n -> {
            CircuitBreaker.Builder b = defaults.copy(n);
            customizer.accept(b);
            created[0] = b.build();
            return created[0];
        });
        if (created[0] == breaker) {
            for (EntryListener l : entryListeners) {
                try {
                    l.onAdded(breaker);
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "registry listener " + l + " threw on add; ignored", e);
                }
            }
        }
        return breaker;
    }

    /**
     * The breaker called {@code name}, if present.
     *
     * @param name the breaker's name
     * @return the breaker, or empty
     */
    public Optional<CircuitBreaker> find(String name) {
        return Optional.ofNullable(breakers.get(Objects.requireNonNull(name, "name")));
    }

    /**
     * Removes the breaker called {@code name}, drops its listeners and tells the entry listeners
     * (so meters bound to it go too).
     *
     * @param name the breaker's name
     * @return the removed breaker, if there was one
     */
    public Optional<CircuitBreaker> remove(String name) {
        CircuitBreaker removed = breakers.remove(Objects.requireNonNull(name, "name"));
        if (removed == null) {
            return Optional.empty();
        }
        if (removed instanceof FluxgateCircuitBreaker f) {
            f.removeAllListeners();
        }
        for (EntryListener l : entryListeners) {
            try {
                l.onRemoved(removed);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "registry listener " + l + " threw on remove; ignored", e);
            }
        }
        return Optional.of(removed);
    }

    /** {@return the breakers now in the registry, sorted by name} */
    public List<CircuitBreaker> all() {
        List<CircuitBreaker> list = new ArrayList<>(breakers.values());
        list.sort(Comparator.comparing(CircuitBreaker::name));
        return list;
    }

    /** {@return the number of breakers in the registry} */
    public int size() {
        return breakers.size();
    }

    /**
     * Adds an entry listener and, so that a late binder misses nothing, calls its
     * {@link EntryListener#onAdded} for every breaker already present.
     *
     * @param listener hears breakers added to and removed from this registry
     */
    public void addListener(EntryListener listener) {
        entryListeners.add(Objects.requireNonNull(listener, "listener"));
        for (CircuitBreaker b : all()) {
            listener.onAdded(b);
        }
    }

    /**
     * Removes an entry listener.
     *
     * @param listener the listener to remove
     * @return whether the listener was present
     */
    public boolean removeListener(EntryListener listener) {
        return entryListeners.remove(listener);
    }

    /** {@return the effective default configuration of this registry's breakers, option by option} */
    public java.util.Map<String, String> defaultConfiguration() {
        return defaults.copy("defaults").build().configuration();
    }
}
