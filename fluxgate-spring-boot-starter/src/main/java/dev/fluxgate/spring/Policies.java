package dev.fluxgate.spring;

import dev.fluxgate.Backoff;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Retry;
import dev.fluxgate.Timeout;
import dev.fluxgate.Tracker;
import dev.fluxgate.spring.FluxgatePatternProperties.BackoffProperties;
import dev.fluxgate.spring.FluxgatePatternProperties.RetryProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The named retries, bulkheads and timeouts of the application, built from the properties: the
 * configured ones at startup (so a bad value stops the application), others on first use with the
 * core's defaults. Safe for concurrent use.
 */
final class Policies {

    /** The timeout a name gets when the properties do not list it. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    private final FluxgatePatternProperties.Retries retryProperties;
    private final FluxgatePatternProperties.Bulkheads bulkheadProperties;
    private final FluxgatePatternProperties.Timeouts timeoutProperties;
    private final ClassLoader classLoader;
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();
    private final Map<String, Bulkhead> bulkheads = new ConcurrentHashMap<>();
    private final Map<String, Timeout> timeouts = new ConcurrentHashMap<>();
    private final List<Consumer<Object>> creationListeners = new CopyOnWriteArrayList<>();

    Policies(FluxgatePatternProperties.Retries retries, FluxgatePatternProperties.Bulkheads bulkheads,
            FluxgatePatternProperties.Timeouts timeouts, ClassLoader classLoader) {
        this.retryProperties = retries;
        this.bulkheadProperties = bulkheads;
        this.timeoutProperties = timeouts;
        this.classLoader = classLoader;
    }

    void initialize() {
        retryProperties.instances().keySet().forEach(this::retry);
        bulkheadProperties.instances().keySet().forEach(this::bulkhead);
        timeoutProperties.instances().keySet().forEach(this::timeout);
    }

    Retry retry(String name) {
        return retries.computeIfAbsent(name, n -> created(buildRetry(n)));
    }

    Bulkhead bulkhead(String name) {
        return bulkheads.computeIfAbsent(name, n -> created(buildBulkhead(n)));
    }

    Timeout timeout(String name) {
        return timeouts.computeIfAbsent(name, this::buildTimeout);
    }

    /** Calls {@code listener} with every retry and bulkhead, now and when created later (for meters). */
    void follow(Consumer<Object> listener) {
        creationListeners.add(listener);
        retries.values().forEach(listener);
        bulkheads.values().forEach(listener);
    }

    private <T> T created(T policy) {
        creationListeners.forEach(l -> l.accept(policy));
        return policy;
    }

    private Retry buildRetry(String name) {
        String prefix = "fluxgate.retry.instances." + name;
        Retry.Builder b = Retry.builder(name);
        RetryProperties p = retryProperties.instances().get(name);
        if (p == null) {
            return b.build();
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
        return check(prefix, b::build);
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

    private Bulkhead buildBulkhead(String name) {
        String prefix = "fluxgate.bulkhead.instances." + name;
        Bulkhead.Builder b = Bulkhead.builder(name);
        FluxgatePatternProperties.BulkheadProperties p = bulkheadProperties.instances().get(name);
        if (p != null && p.maxConcurrentCalls() != null) {
            check(prefix + ".max-concurrent-calls", () -> b.maxConcurrentCalls(p.maxConcurrentCalls()));
        }
        if (p != null && p.maxWait() != null) {
            check(prefix + ".max-wait", () -> b.maxWait(p.maxWait()));
        }
        return b.build();
    }

    private Timeout buildTimeout(String name) {
        FluxgatePatternProperties.TimeoutProperties p = timeoutProperties.instances().get(name);
        Duration d = p == null || p.duration() == null ? DEFAULT_TIMEOUT : p.duration();
        return check("fluxgate.timeout.instances." + name + ".duration", () -> Timeout.of(d));
    }

    private static <T> T required(String property, T value) {
        if (value == null) {
            throw new InvalidPropertyException(property, "required by this backoff type");
        }
        return value;
    }

    private static <R> R check(String property, Supplier<R> factory) {
        try {
            return factory.get();
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(property, String.valueOf(e.getMessage()), e);
        }
    }
}
