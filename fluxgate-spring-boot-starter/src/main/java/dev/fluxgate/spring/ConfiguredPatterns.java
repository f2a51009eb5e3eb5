package dev.fluxgate.spring;

import dev.fluxgate.Backoff;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Reconfiguration;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryBudget;
import dev.fluxgate.Timeout;
import dev.fluxgate.Tracker;
import dev.fluxgate.spring.FluxgatePatternProperties.BackoffProperties;
import dev.fluxgate.spring.FluxgatePatternProperties.RetryProperties;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Gets retries, bulkheads and timeouts from their registries with their properties applied
 * ({@code fluxgate.retry|bulkhead|timeout.instances.<name>}, on top of the registry's defaults), and
 * builds the configured instances at startup so that a bad value stops the application. A name the
 * properties do not list gets the registry's defaults. The registries are beans, so code can look any
 * of them up by name too. Safe for concurrent use.
 */
final class ConfiguredPatterns {

    private final Registry<Retry, Retry.Builder> retries;
    private final Registry<Bulkhead, Bulkhead.Builder> bulkheads;
    private final Registry<Timeout, Timeout.Builder> timeouts;
    /** Replaced by {@link #applyReconfiguration}, so instances created later get the new properties too. */
    private volatile FluxgatePatternProperties.Retries retryProperties;
    private volatile FluxgatePatternProperties.Bulkheads bulkheadProperties;
    private final FluxgatePatternProperties.Timeouts timeoutProperties;
    private final ClassLoader classLoader;

    ConfiguredPatterns(Registry<Retry, Retry.Builder> retries, Registry<Bulkhead, Bulkhead.Builder> bulkheads,
            Registry<Timeout, Timeout.Builder> timeouts, FluxgatePatternProperties.Retries retryProperties,
            FluxgatePatternProperties.Bulkheads bulkheadProperties, FluxgatePatternProperties.Timeouts timeoutProperties,
            ClassLoader classLoader) {
        this.retries = retries;
        this.bulkheads = bulkheads;
        this.timeouts = timeouts;
        this.retryProperties = retryProperties;
        this.bulkheadProperties = bulkheadProperties;
        this.timeoutProperties = timeoutProperties;
        this.classLoader = classLoader;
    }

    /** Builds every configured instance; throws {@link InvalidPropertyException} on the first bad value. */
    void initialize() {
        retryProperties.budgets().keySet().forEach(this::budget);
        retryProperties.instances().keySet().forEach(this::retry);
        bulkheadProperties.instances().keySet().forEach(this::bulkhead);
        timeoutProperties.instances().keySet().forEach(this::timeout);
    }

    /** The retry called {@code name}, created with its properties if absent. */
    Retry retry(String name) {
        Retry existing = retries.find(name).orElse(null);
        return existing != null ? existing
                : check("fluxgate.retry.instances." + name, () -> retries.get(name, b -> configure(retryProperties, name, b)));
    }

    /** The bulkhead called {@code name}, created with its properties if absent. */
    Bulkhead bulkhead(String name) {
        Bulkhead existing = bulkheads.find(name).orElse(null);
        return existing != null ? existing
                : check("fluxgate.bulkhead.instances." + name, () -> bulkheads.get(name, b -> configure(bulkheadProperties, name, b)));
    }

    /** The timeout called {@code name}, created with its properties if absent. */
    Timeout timeout(String name) {
        Timeout existing = timeouts.find(name).orElse(null);
        return existing != null ? existing
                : check("fluxgate.timeout.instances." + name, () -> timeouts.get(name, b -> configure(name, b)));
    }

    private void configure(FluxgatePatternProperties.Retries retryProperties, String name, Retry.Builder b) {
        String prefix = "fluxgate.retry.instances." + name;
        RetryProperties p = retryProperties.instances().get(name);
        if (p == null) {
            return;
        }
        if (p.maxAttempts() != null) {
            check(prefix + ".max-attempts", () -> b.maxAttempts(p.maxAttempts()));
        }
        if (p.maxDuration() != null) {
            check(prefix + ".max-duration", () -> b.maxDuration(p.maxDuration()));
        }
        if (p.backoff() != null) {
            b.backoff(backoff(prefix + ".backoff", p.backoff()));
        }
        if (p.retryExceptions() != null && !p.retryExceptions().isEmpty()) {
            b.retryOn(Tracker.typeOf(BreakerSettings.throwables(prefix + ".retry-exceptions", p.retryExceptions(),
                    classLoader)));
        }
        if (p.abortExceptions() != null && !p.abortExceptions().isEmpty()) {
            b.abortOn(Tracker.typeOf(BreakerSettings.throwables(prefix + ".abort-exceptions", p.abortExceptions(),
                    classLoader)));
        }
        if (p.retryOnRejection() != null) {
            b.retryOnRejection(p.retryOnRejection());
        }
        if (p.waitForRetryAfter() != null) {
            b.waitForRetryAfter(p.waitForRetryAfter());
        }
        if (p.budget() != null) {
            if (!retryProperties.budgets().containsKey(p.budget())) {
                throw new InvalidPropertyException(prefix + ".budget", "no retry budget '" + p.budget()
                        + "' under fluxgate.retry.budgets (configured: " + retryProperties.budgets().keySet() + ")");
            }
            b.budget(budget(p.budget()));
        }
    }

    private static Backoff backoff(String prefix, BackoffProperties p) {
        FluxgatePatternProperties.BackoffType type = p.type() != null ? p.type()
                : p.increment() != null ? FluxgatePatternProperties.BackoffType.LINEAR
                : p.multiplier() != null || p.max() != null ? FluxgatePatternProperties.BackoffType.EXPONENTIAL
                : p.initial() != null ? FluxgatePatternProperties.BackoffType.CONSTANT : null;
        if (type == null) {
            throw new InvalidPropertyException(prefix + ".type", "set the backoff type: none, constant, linear or exponential");
        }
        Backoff backoff = switch (type) {
            case NONE -> Backoff.none();
            case CONSTANT -> check(prefix + ".initial", () -> Backoff.constant(required(prefix + ".initial", p.initial())));
            case LINEAR -> check(prefix, () -> Backoff.linear(required(prefix + ".initial", p.initial()),
                    required(prefix + ".increment", p.increment()), required(prefix + ".max", p.max())));
            case EXPONENTIAL -> check(prefix, () -> Backoff.exponential(required(prefix + ".initial", p.initial()),
                    p.multiplier() == null ? 2.0 : p.multiplier(), required(prefix + ".max", p.max())));
        };
        if (p.jitter() == null) {
            return backoff;
        }
        return switch (p.jitter()) {
            case NONE -> backoff.withoutJitter();
            case FULL -> backoff.withFullJitter();
            case EQUAL -> backoff.withEqualJitter();
            case DECORRELATED -> backoff.withDecorrelatedJitter();
            case PROPORTIONAL -> check(prefix + ".jitter-ratio",
                    () -> backoff.withJitter(required(prefix + ".jitter-ratio", p.jitterRatio())));
        };
    }

    private void configure(FluxgatePatternProperties.Bulkheads bulkheadProperties, String name, Bulkhead.Builder b) {
        String prefix = "fluxgate.bulkhead.instances." + name;
        FluxgatePatternProperties.BulkheadProperties p = bulkheadProperties.instances().get(name);
        if (p != null && p.maxConcurrentCalls() != null) {
            check(prefix + ".max-concurrent-calls", () -> b.maxConcurrentCalls(p.maxConcurrentCalls()));
        }
        if (p != null && p.maxWait() != null) {
            check(prefix + ".max-wait", () -> b.maxWait(p.maxWait()));
        }
    }

    private void configure(String name, Timeout.Builder b) {
        FluxgatePatternProperties.TimeoutProperties p = timeoutProperties.instances().get(name);
        if (p != null && p.duration() != null) {
            check("fluxgate.timeout.instances." + name + ".duration", () -> b.timeout(p.duration()));
        }
        if (p != null && Boolean.TRUE.equals(p.onCallerThread())) {
            b.onCallerThread();
        }
    }

    // ---- live reconfiguration (LiveReconfiguration): check every instance first, then apply ----

    /**
     * Checks new retry and bulkhead properties against every instance of the registries, changing nothing:
     * throws {@link InvalidPropertyException} naming the first bad property. Caller serializes.
     */
    void checkReconfiguration(FluxgatePatternProperties.Retries nextRetries, FluxgatePatternProperties.Bulkheads nextBulkheads) {
        for (Retry r : retries.all()) {
            String name = r.name();
            check("fluxgate.retry.instances." + name, () -> {
                Retry.Builder b = Retry.builder(name);
                configure(nextRetries, name, b);
                return b.build();
            });
        }
        for (Bulkhead bh : bulkheads.all()) {
            String name = bh.name();
            check("fluxgate.bulkhead.instances." + name, () -> {
                Bulkhead.Builder b = Bulkhead.builder(name);
                configure(nextBulkheads, name, b);
                return b.build();
            });
        }
    }

    /**
     * Applies properties {@link #checkReconfiguration} accepted to every retry and bulkhead, keeping their
     * state ({@link Retry#reconfigure}, {@link Bulkhead#reconfigure}). Caller serializes.
     *
     * @return what changed, keyed {@code retry:<name>} and {@code bulkhead:<name>} (unchanged ones absent)
     */
    Map<String, Reconfiguration> applyReconfiguration(FluxgatePatternProperties.Retries nextRetries,
            FluxgatePatternProperties.Bulkheads nextBulkheads) {
        this.retryProperties = nextRetries;
        this.bulkheadProperties = nextBulkheads;
        Map<String, Reconfiguration> changed = new TreeMap<>();
        for (Retry r : retries.all()) {
            String name = r.name();
            retries.reconfigure(name, b -> configure(nextRetries, name, b))
                    .filter(x -> !x.changed().isEmpty()).ifPresent(x -> changed.put("retry:" + name, x));
        }
        for (Bulkhead bh : bulkheads.all()) {
            String name = bh.name();
            bulkheads.reconfigure(name, b -> configure(nextBulkheads, name, b))
                    .filter(x -> !x.changed().isEmpty()).ifPresent(x -> changed.put("bulkhead:" + name, x));
        }
        return changed;
    }

    private static <T> T required(String property, T value) {
        if (value == null) {
            throw new InvalidPropertyException(property, "required by this backoff type");
        }
        return value;
    }

    /** Runs {@code factory}; a value it rejects fails the application naming {@code property}. */
    private static <R> R check(String property, Supplier<R> factory) {
        try {
            return factory.get();
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(property, String.valueOf(e.getMessage()), e);
        }
    }

    // ---- retry budgets: fluxgate.retry.budgets.<name>, shared by the retries that name them ----

    private final Map<String, RetryBudget> budgets = new ConcurrentHashMap<>();

    /** The configured budget called {@code name}, built once; bad values fail naming the property. */
    RetryBudget budget(String name) {
        return budgets.computeIfAbsent(name, n -> {
            String prefix = "fluxgate.retry.budgets." + n;
            FluxgatePatternProperties.RetryBudgetProperties p = retryProperties.budgets().get(n);
            RetryBudget.Builder b = RetryBudget.builder(n);
            if (p != null && p.ratio() != null) {
                check(prefix + ".ratio", () -> b.ratio(p.ratio()));
            }
            if (p != null && p.minRetriesPerSecond() != null) {
                check(prefix + ".min-retries-per-second", () -> b.minRetriesPerSecond(p.minRetriesPerSecond()));
            }
            if (p != null && p.maxTokens() != null) {
                check(prefix + ".max-tokens", () -> b.maxTokens(p.maxTokens()));
            }
            return check(prefix, b::build);
        });
    }

    /** The budgets built so far (all the configured ones after startup), by name. */
    Map<String, RetryBudget> budgets() {
        return new TreeMap<>(budgets);
    }
}
