package dev.fluxgate.micrometer;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Chaos;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Hedge;
import dev.fluxgate.Policy;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryBudget;
import dev.fluxgate.ThreadPoolBulkhead;
import dev.fluxgate.Timeout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Binds circuit breakers, retries, bulkheads and rate limiters to a Micrometer {@link MeterRegistry}.
 *
 * <pre>{@code
 * CircuitBreakerMeters meters = CircuitBreakerMeters.create().withTags(Tags.of("app", "shop"));
 * MeterBinding one = meters.bind(breaker, meterRegistry);          // a single breaker
 * MeterBinding all = meters.bind(breakerRegistry, meterRegistry);  // every breaker, now and later
 * meters.bindRetries(retryRegistry, meterRegistry);                // every retry, now and later
 * meters.bindBulkheads(bulkheadRegistry, meterRegistry);           // every bulkhead, now and later
 * meters.bindHedges(hedgeRegistry, meterRegistry);                 // every hedge, now and later
 * meters.bindTimeouts(timeoutRegistry, meterRegistry);             // every timeout, now and later
 * meters.bind(retryBudget, meterRegistry);                         // a retry budget shared by retries
 * // Resilience4j's names, so existing dashboards keep working:
 * CircuitBreakerMeters.create().withNaming(MeterNaming.RESILIENCE4J).bind(breakerRegistry, meterRegistry);
 * }</pre>
 *
 * <p>Meters exist from the moment of binding, tagged {@code name} (the breaker's name) plus the
 * tags given here: one {@code state} gauge per {@link dev.fluxgate.State} (1 for the current state,
 * 0 for the others), the {@code calls} timer ({@code kind} = successful, failed, ignored), the
 * {@code not.permitted.calls} counter, the {@code failure.rate} gauge (NaN when the window is empty),
 * the {@code slow.call.rate} gauge (only when the breaker tracks a {@code slowCallThreshold}), the
 * {@code buffered.calls} gauges ({@code kind} = successful, failed), and
 * {@code fluxgate.circuitbreaker.transitions} (counter, {@code from} and {@code to}),
 * {@code fluxgate.circuitbreaker.state.time} (time gauge: time in the current state) and
 * {@code fluxgate.circuitbreaker.half.open.probes} (gauge: probes in flight). See {@link MeterNaming}
 * for the names under each preset.
 *
 * <p>Binding a registry follows it: a breaker added later is bound when it is created, a breaker
 * {@linkplain Registry#remove(String) removed} loses its meters. The registries of retries, bulkheads,
 * thread-pool bulkheads and rate limiters are followed the same way ({@link #bindRetries},
 * {@link #bindBulkheads}, {@link #bindThreadPoolBulkheads}, {@link #bindRateLimiters},
 * {@link #bindTimeouts}). Gauges hold their breaker weakly, so meters never keep a dropped breaker alive.
 *
 * <p>Per-call meters come from {@link dev.fluxgate.Listener} call events; binding a breaker therefore
 * turns on duration measurement for it (one clock read at the start and end of each call). Gauges
 * read {@link CircuitBreaker#metrics()}, which takes the breaker's lock briefly: cheap at scrape
 * rates, not meant for a tight loop.
 *
 * <p>Instances are immutable and safe for concurrent use; {@code with...} methods return copies.
 */
public final class CircuitBreakerMeters {

    private final MeterNaming naming;
    private final Tags tags;

    private CircuitBreakerMeters(MeterNaming naming, Tags tags) {
        this.naming = naming;
        this.tags = tags;
    }

    /**
     * Fluxgate's meter names, no extra tags.
     *
     * @return meters with Fluxgate's names and no extra tags
     */
    public static CircuitBreakerMeters create() {
        return new CircuitBreakerMeters(MeterNaming.FLUXGATE, Tags.empty());
    }

    /**
     * A copy that names its meters by {@code naming}.
     *
     * @param naming the naming preset
     * @return a new instance; this one is unchanged
     */
    public CircuitBreakerMeters withNaming(MeterNaming naming) {
        return new CircuitBreakerMeters(Objects.requireNonNull(naming, "naming"), tags);
    }

    /**
     * A copy that adds {@code tags} to every meter.
     *
     * @param tags tags added to every meter
     * @return a new instance; this one is unchanged
     * @throws IllegalArgumentException if a tag is called {@code name} (that one is the breaker's)
     */
    public CircuitBreakerMeters withTags(Iterable<Tag> tags) {
        Objects.requireNonNull(tags, "tags");
        for (Tag t : tags) {
            if (t.getKey().equals("name")) {
                throw new IllegalArgumentException("tags must not contain 'name': it is the breaker's name");
            }
        }
        return new CircuitBreakerMeters(naming, this.tags.and(tags));
    }

    /**
     * A copy that adds tags given as key/value pairs ({@code "app", "shop", "region", "eu"}).
     *
     * @param keyValues tag keys and values, alternating; an even number of strings
     * @return a new instance; this one is unchanged
     */
    public CircuitBreakerMeters withTags(String... keyValues) {
        return withTags(Tags.of(Objects.requireNonNull(keyValues, "keyValues")));
    }

    /** {@return the naming preset} */
    public MeterNaming naming() {
        return naming;
    }

    /** {@return the extra tags} */
    public Tags tags() {
        return tags;
    }

    /**
     * Registers meters for {@code breaker} now. Meters of the same name and tags registered earlier
     * (for an older breaker of the same name) are replaced.
     *
     * @param breaker the breaker to measure
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(CircuitBreaker breaker, MeterRegistry meterRegistry) {
        Objects.requireNonNull(breaker, "breaker");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return BreakerMeters.bind(breaker, meterRegistry, naming, tags);
    }

    /**
     * Registers meters for every breaker in {@code registry}, now and as they are added, and removes
     * a breaker's meters when it is removed from the registry.
     *
     * @param registry the breakers to measure, now and later
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bind(CircuitBreakerRegistry registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, CircuitBreaker::name,
                b -> BreakerMeters.bind(b, meterRegistry, naming, tags));
    }

    /**
     * Registers the meters of {@link #bind(Retry, MeterRegistry)} for every retry in {@code registry}, now
     * and as they are added, and removes a retry's meters when it is removed from the registry.
     *
     * @param registry the retries to measure, now and later
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bindRetries(Registry<Retry, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, Retry::name, r -> PolicyMeters.bind(r, meterRegistry, naming, tags));
    }

    /**
     * Registers the meters of {@link #bind(Bulkhead, MeterRegistry)} for every bulkhead in {@code registry},
     * now and as they are added, and removes a bulkhead's meters when it is removed from the registry.
     *
     * @param registry the bulkheads to measure, now and later
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bindBulkheads(Registry<Bulkhead, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, Bulkhead::name, b -> PolicyMeters.bind(b, meterRegistry, naming, tags));
    }

    /**
     * Registers the meters of {@link #bind(ThreadPoolBulkhead, MeterRegistry)} for every thread-pool
     * bulkhead in {@code registry}, now and as they are added, and removes one's meters when it is
     * removed from the registry.
     *
     * @param registry the thread-pool bulkheads to measure, now and later
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bindThreadPoolBulkheads(Registry<ThreadPoolBulkhead, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, ThreadPoolBulkhead::name,
                p -> PolicyMeters.bind(p, meterRegistry, naming, tags));
    }

    /**
     * Registers the meters of {@link #bind(RateLimiter, MeterRegistry)} for every rate limiter in
     * {@code registry}, now and as they are added, and removes a limiter's meters when it is removed from
     * the registry.
     *
     * @param registry the rate limiters
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bindRateLimiters(Registry<RateLimiter, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, RateLimiter::name, r -> PolicyMeters.bind(r, meterRegistry, naming, tags));
    }

    /**
     * Registers the meters of {@link #bind(AdaptiveBulkhead, MeterRegistry)} for every adaptive bulkhead in
     * {@code registry}, now and as they are added, and removes one's meters when it is removed from the
     * registry.
     *
     * @param registry the adaptive bulkheads to measure, now and later
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bindAdaptiveBulkheads(Registry<AdaptiveBulkhead, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, AdaptiveBulkhead::name, b -> PolicyMeters.bind(b, meterRegistry, tags));
    }

    /**
     * Registers meters for an adaptive bulkhead, tagged with its name: the gauges
     * {@code fluxgate.adaptive.bulkhead.limit} (the limit in force) and {@code fluxgate.adaptive.bulkhead.in.flight},
     * the counter {@code fluxgate.adaptive.bulkhead.calls} ({@code kind} = permitted, rejected, dropped,
     * ignored) and the time gauge {@code fluxgate.adaptive.bulkhead.rtt} (the last sampled round-trip time).
     * They read the bulkhead's own counters, so nothing is added to its call path.
     *
     * @param bulkhead the bulkhead to measure
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(AdaptiveBulkhead bulkhead, MeterRegistry meterRegistry) {
        Objects.requireNonNull(bulkhead, "bulkhead");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(bulkhead, meterRegistry, tags);
    }

    private <P extends Policy> MeterBinding follow(Registry<P, ?> registry, MeterRegistry meterRegistry,
            Function<P, String> nameOf, Function<P, MeterBinding> bindOne) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        RegistryBinding<P> binding = new RegistryBinding<>(registry, nameOf, bindOne);
        registry.addEntryListener(binding);
        return binding;
    }

    /**
     * Registers meters for {@code retry}: calls by outcome ({@code kind} = successful_without_retry,
     * successful_with_retry, failed_without_retry, failed_with_retry) and retries. They read the
     * retry's own counters, so nothing is added to its call path.
     *
     * @param retry the retry to measure
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(Retry retry, MeterRegistry meterRegistry) {
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(retry, meterRegistry, naming, tags);
    }

    /**
     * Registers meters for {@code bulkhead}: free and maximum slots, calls permitted and rejected.
     *
     * @param bulkhead the bulkhead to measure
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(Bulkhead bulkhead, MeterRegistry meterRegistry) {
        Objects.requireNonNull(bulkhead, "bulkhead");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(bulkhead, meterRegistry, naming, tags);
    }

    /**
     * Registers meters for a thread-pool bulkhead: maximum, active and available threads, queue depth
     * and capacity, rejected tasks.
     *
     * @param bulkhead the bulkhead to measure
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(ThreadPoolBulkhead bulkhead, MeterRegistry meterRegistry) {
        Objects.requireNonNull(bulkhead, "bulkhead");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(bulkhead, meterRegistry, naming, tags);
    }

    /**
     * Registers meters for a retry budget, tagged with the budget's name: {@code fluxgate.retry.budget.retries}
     * ({@code kind} = admitted, rejected) and the {@code fluxgate.retry.budget.tokens} gauge. (The retries
     * that draw on it count the calls it ended, in {@code fluxgate.retry.budget.exhausted.calls}.) They
     * read the budget's own counters, so nothing is added to its path.
     *
     * @param budget the budget, usually shared by several retries
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(RetryBudget budget, MeterRegistry meterRegistry) {
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(budget, meterRegistry, tags);
    }

    /**
     * Registers meters for a hedge: {@code fluxgate.hedge.calls} ({@code kind} = successful, failed),
     * {@code fluxgate.hedge.hedged.attempts}, {@code fluxgate.hedge.wins},
     * {@code fluxgate.hedge.cancelled.attempts} and the {@code fluxgate.hedge.delay} time gauge. They read
     * the hedge's own counters, so nothing is added to its call path.
     *
     * @param hedge the hedge
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(Hedge hedge, MeterRegistry meterRegistry) {
        Objects.requireNonNull(hedge, "hedge");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(hedge, meterRegistry, tags);
    }

    /**
     * Registers the meters of {@link #bind(Hedge, MeterRegistry)} for every hedge in {@code registry}, now
     * and as they are added, and removes a hedge's meters when it is removed from the registry.
     *
     * @param registry the hedges to follow
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bindHedges(Registry<Hedge, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, Hedge::name, h -> PolicyMeters.bind(h, meterRegistry, tags));
    }

    /**
     * Registers meters for {@code limiter}: permits available now, acquisitions permitted and rejected
     * ({@code fluxgate.ratelimiter.calls}, {@code kind} = permitted, rejected) and the total wait granted
     * ({@code fluxgate.ratelimiter.wait.time}, seconds). They read the limiter's own counters, so nothing is
     * added to its call path.
     *
     * @param limiter the rate limiter
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(RateLimiter limiter, MeterRegistry meterRegistry) {
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(limiter, meterRegistry, naming, tags);
    }

    /**
     * Registers meters for a per-key rate limiter, one set for all its keys (never one per key): keys
     * tracked ({@code fluxgate.ratelimiter.keys}), acquisitions permitted and rejected and the total wait,
     * as for a single limiter.
     *
     * @param limiter the per-key rate limiter
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(RateLimiter.PerKey<?> limiter, MeterRegistry meterRegistry) {
        Objects.requireNonNull(limiter, "limiter");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(limiter, meterRegistry, tags);
    }

    /**
     * Registers meters for a fault injector, under names of their own so that injected faults are never
     * mistaken for real ones: {@code fluxgate.chaos.injected} ({@code kind} = exception, latency, result),
     * {@code fluxgate.chaos.passed.through} (calls drawn while enabled that were let through) and the
     * {@code fluxgate.chaos.enabled} gauge (1 or 0). A breaker or retry outside the injector still counts an
     * injected exception as a failure (that is the point of injecting it); the injected count of the same
     * name tells how many of those failures were on purpose, and {@link Chaos#isInjected(Throwable)} tells
     * one exception apart. They read the injector's own counters, so nothing is added to its call path.
     *
     * @param chaos the fault injector
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     */
    public MeterBinding bind(Chaos chaos, MeterRegistry meterRegistry) {
        Objects.requireNonNull(chaos, "chaos");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(chaos, meterRegistry, tags);
    }

    /**
     * Registers the meters of {@link #bind(Chaos, MeterRegistry)} for every fault injector in
     * {@code registry}, now and as they are added, and removes one's meters when it is removed.
     *
     * @param registry the fault injectors to follow
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     */
    public MeterBinding bindChaos(Registry<Chaos, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, Chaos::name, c -> PolicyMeters.bind(c, meterRegistry, tags));
    }

    /**
     * Registers meters for a timeout, tagged with its name: the function counter
     * {@code fluxgate.timeout.timeouts} (calls that timed out, {@link Timeout#timeouts()}, a count shared
     * with the timeout's {@code with...} copies) and the time gauge {@code fluxgate.timeout.limit} (the
     * configured {@link Timeout#timeout()}, in the meter registry's base time unit: seconds for Prometheus).
     * The names are the same under every {@link MeterNaming}. They read the timeout's own counter, so
     * nothing is added to its call path.
     *
     * @param timeout the timeout to measure
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} removes the meters
     * @throws NullPointerException if {@code timeout} or {@code meterRegistry} is null
     */
    public MeterBinding bind(Timeout timeout, MeterRegistry meterRegistry) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(meterRegistry, "meterRegistry");
        return PolicyMeters.bind(timeout, meterRegistry, tags);
    }

    /**
     * Registers the meters of {@link #bind(Timeout, MeterRegistry)} for every timeout in {@code registry},
     * now and as they are added, and removes a timeout's meters when it is removed from the registry.
     *
     * @param registry the timeouts to measure, now and later
     * @param meterRegistry where the meters go
     * @return a binding whose {@code close()} stops following the registry and removes all its meters
     * @throws NullPointerException if {@code registry} or {@code meterRegistry} is null
     */
    public MeterBinding bindTimeouts(Registry<Timeout, ?> registry, MeterRegistry meterRegistry) {
        return follow(registry, meterRegistry, Timeout::name, t -> PolicyMeters.bind(t, meterRegistry, tags));
    }

    /**
     * A Micrometer {@link MeterBinder} for {@code registry} (for frameworks that collect binders, such
     * as Spring Boot). Each {@code bindTo} follows the registry for as long as it lives.
     *
     * @param registry the breakers to measure
     * @return a binder that binds {@code registry} to each meter registry it is given
     */
    public MeterBinder binder(CircuitBreakerRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        return meterRegistry -> bind(registry, meterRegistry);
    }

    @Override
    public String toString() {
        return "CircuitBreakerMeters[" + naming + ", " + tags + "]";
    }

    /** Follows one registry: binds on add, unbinds on remove. */
    private final class RegistryBinding<P extends Policy> implements Registry.EntryListener<P>, MeterBinding {
        private final Registry<P, ?> registry;
        private final Function<P, String> nameOf;
        private final Function<P, MeterBinding> bindOne;
        // Keyed by identity: the patterns do not override equals.
        private final Map<P, MeterBinding> bound = new ConcurrentHashMap<>();
        private final AtomicBoolean closed = new AtomicBoolean();
        private final ReentrantLock lock = new ReentrantLock();

        RegistryBinding(Registry<P, ?> registry, Function<P, String> nameOf, Function<P, MeterBinding> bindOne) {
            this.registry = registry;
            this.nameOf = nameOf;
            this.bindOne = bindOne;
        }

        @Override
        public void onAdded(P entry) {
            // Under the lock, so that a late onAdded for an evicted entry cannot bind over its successor.
            lock.lock();
            try {
                if (closed.get() || registry.find(nameOf.apply(entry)).orElse(null) != entry) {
                    return; // removed again before we heard of it
                }
                // An entry created while addEntryListener replays the existing ones can be heard of twice.
                bound.computeIfAbsent(entry, bindOne);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void onRemoved(P entry) {
            lock.lock();
            try {
                close(entry);
            } finally {
                lock.unlock();
            }
        }

        private void close(P entry) {
            MeterBinding b = bound.remove(entry);
            if (b != null) {
                b.close();
            }
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                registry.removeEntryListener(this);
                lock.lock();
                try {
                    bound.keySet().forEach(this::close);
                } finally {
                    lock.unlock();
                }
            }
        }

        @Override
        public String toString() {
            return "MeterBinding[" + bound.size() + " of " + registry + ", " + naming + "]";
        }
    }
}
