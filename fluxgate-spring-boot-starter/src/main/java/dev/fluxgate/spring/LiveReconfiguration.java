package dev.fluxgate.spring;

import dev.fluxgate.Reconfiguration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Applies changed {@code fluxgate.circuitbreaker.*}, {@code fluxgate.ratelimiter.*}, {@code fluxgate.retry.*}
 * and {@code fluxgate.bulkhead.*} properties to the running breakers, rate limiters, retries and semaphore
 * bulkheads without recreating them or any bean: each keeps its state as its {@code reconfigure} says (a
 * breaker keeps its window where the new window fits; {@link dev.fluxgate.CircuitBreaker#reconfigure} says
 * exactly what carries over). The starter calls it when Spring Cloud's {@code EnvironmentChangeEvent} names
 * a key under one of those prefixes (with {@code spring-cloud-context} on the class path) and on
 * {@code POST /actuator/fluxgate}.
 *
 * <p>The properties are bound afresh from the {@link Environment}, merged as at startup
 * ({@code configs.default}, the base config, the instance; then the {@link CircuitBreakerCustomizer}s)
 * and applied to every breaker of the registry whose effective configuration changed; breakers created
 * later get the new properties too. All or nothing: every pattern's new properties are bound and checked
 * before any instance changes, and a bad new value is refused with an
 * {@link IllegalArgumentException} whose message names the property and its allowed range, and every
 * instance keeps its old configuration. The registry's own defaults stay as they were at startup (an
 * option removed from the properties falls back to them).
 *
 * <p>Thread safety: safe for concurrent use; reconfigurations apply one at a time.
 */
public final class LiveReconfiguration {

    private final Environment environment;
    private final ConfiguredBreakers breakers;
    private final ConfiguredPatterns patterns;
    private final ConfiguredRateLimiters limiters;
    private final ReentrantLock lock = new ReentrantLock();

    LiveReconfiguration(Environment environment, ConfiguredBreakers breakers, ConfiguredPatterns patterns,
            ConfiguredRateLimiters limiters) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.breakers = Objects.requireNonNull(breakers, "breakers");
        this.patterns = Objects.requireNonNull(patterns, "patterns");
        this.limiters = Objects.requireNonNull(limiters, "limiters");
    }

    /** The prefixes whose changes {@link #apply()} applies. */
    static final java.util.List<String> PREFIXES = java.util.List.of(FluxgateCircuitBreakerProperties.PREFIX,
            "fluxgate.ratelimiter", "fluxgate.retry", "fluxgate.bulkhead");

    /**
     * Binds {@code fluxgate.circuitbreaker.*}, {@code fluxgate.ratelimiter.*}, {@code fluxgate.retry.*}
     * and {@code fluxgate.bulkhead.*} from the environment now and applies them.
     *
     * @return what changed: breakers by name, the others as {@code ratelimiter:<name>},
     *     {@code retry:<name>} and {@code bulkhead:<name>} (instances whose configuration did not change
     *     are absent)
     * @throws IllegalArgumentException naming the offending property (and its allowed range) if a new
     *     value is bad; no instance has changed then
     */
    public Map<String, Reconfiguration> apply() {
        lock.lock();
        try {
            FluxgateCircuitBreakerProperties next = bind(FluxgateCircuitBreakerProperties.PREFIX,
                    FluxgateCircuitBreakerProperties.class);
            FluxgatePatternProperties.RateLimiters nextLimiters = bind("fluxgate.ratelimiter",
                    FluxgatePatternProperties.RateLimiters.class);
            FluxgatePatternProperties.Retries nextRetries = bind("fluxgate.retry", FluxgatePatternProperties.Retries.class);
            FluxgatePatternProperties.Bulkheads nextBulkheads = bind("fluxgate.bulkhead",
                    FluxgatePatternProperties.Bulkheads.class);
            // Check the others first: the breakers' reconfigure checks all of them, then applies.
            limiters.checkReconfiguration(nextLimiters);
            patterns.checkReconfiguration(nextRetries, nextBulkheads);
            Map<String, Reconfiguration> changed = new LinkedHashMap<>(breakers.reconfigure(next));
            changed.putAll(limiters.applyReconfiguration(nextLimiters));
            changed.putAll(patterns.applyReconfiguration(nextRetries, nextBulkheads));
            return changed;
        } finally {
            lock.unlock();
        }
    }

    private <T> T bind(String prefix, Class<T> type) {
        try {
            return Binder.get(environment).bindOrCreate(prefix, Bindable.of(type));
        } catch (BindException e) {
            String property = e.getProperty() != null ? e.getProperty().getName().toString() : e.getName().toString();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new InvalidPropertyException(property, "cannot bind " + (e.getProperty() != null
                    ? "'" + e.getProperty().getValue() + "'" : "the value") + ": " + cause.getMessage(), e);
        }
    }

    /**
     * Applies the properties now, answering as an endpoint does.
     *
     * @return {@code {"reconfigured": {name: description}}}, or, when a value is bad,
     *     {@code {"message": ..., "property": ...}} with nothing changed (see {@link #isRefusal})
     */
    public Map<String, Object> applyAndDescribe() {
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            Map<String, Object> done = new LinkedHashMap<>();
            apply().forEach((name, r) -> done.put(name, describe(r)));
            answer.put("reconfigured", done);
        } catch (IllegalArgumentException e) {
            answer.put("message", e.getMessage());
            if (e instanceof InvalidPropertyException p) {
                answer.put("property", p.property());
            }
        }
        return answer;
    }

    /**
     * Whether an answer of {@link #applyAndDescribe} is a refusal (a bad value, nothing changed).
     *
     * @param answer an answer of {@link #applyAndDescribe}
     * @return true if it refused the new properties
     */
    public static boolean isRefusal(Map<String, Object> answer) {
        return !answer.containsKey("reconfigured");
    }

    /**
     * Describes a reconfiguration for an endpoint or a log line.
     *
     * @param r the reconfiguration
     * @return {@code changed} (option: before and after), {@code carriedOver} and {@code reset}
     */
    public static Map<String, Object> describe(Reconfiguration r) {
        Map<String, Object> changed = new LinkedHashMap<>();
        for (String key : r.changed()) {
            changed.put(key, Map.of("before", r.before().getOrDefault(key, "-"), "after", r.after().getOrDefault(key, "-")));
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("changed", changed);
        d.put("carriedOver", r.carriedOver());
        d.put("reset", r.reset());
        return d;
    }
}
