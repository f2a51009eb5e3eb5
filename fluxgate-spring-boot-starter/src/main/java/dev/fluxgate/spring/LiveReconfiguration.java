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
 * Applies changed {@code fluxgate.circuitbreaker.*} properties to the running breakers without
 * recreating them or any bean: each breaker keeps its state, and its window where the new window fits
 * ({@link dev.fluxgate.CircuitBreaker#reconfigure} says exactly what carries over). The starter calls
 * it when Spring Cloud's {@code EnvironmentChangeEvent} names a {@code fluxgate.circuitbreaker} key
 * (with {@code spring-cloud-context} on the class path) and on {@code POST /actuator/fluxgate}.
 *
 * <p>The properties are bound afresh from the {@link Environment}, merged as at startup
 * ({@code configs.default}, the base config, the instance; then the {@link CircuitBreakerCustomizer}s)
 * and applied to every breaker of the registry whose effective configuration changed; breakers created
 * later get the new properties too. All or nothing: a bad new value is refused with an
 * {@link IllegalArgumentException} whose message names the property and its allowed range, and every
 * breaker keeps its old configuration. The registry's own defaults stay as they were at startup (an
 * option removed from the properties falls back to them).
 *
 * <p>Thread safety: safe for concurrent use; reconfigurations apply one at a time.
 */
public final class LiveReconfiguration {

    private final Environment environment;
    private final ConfiguredBreakers breakers;
    private final ReentrantLock lock = new ReentrantLock();

    LiveReconfiguration(Environment environment, ConfiguredBreakers breakers) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.breakers = Objects.requireNonNull(breakers, "breakers");
    }

    /**
     * Binds {@code fluxgate.circuitbreaker.*} from the environment now and applies it.
     *
     * @return what changed, by breaker name (breakers whose configuration did not change are absent)
     * @throws IllegalArgumentException naming the offending property (and its allowed range) if a new
     *     value is bad; no breaker has changed then
     */
    public Map<String, Reconfiguration> apply() {
        lock.lock();
        try {
            FluxgateCircuitBreakerProperties next;
            try {
                next = Binder.get(environment).bindOrCreate(FluxgateCircuitBreakerProperties.PREFIX,
                        Bindable.of(FluxgateCircuitBreakerProperties.class));
            } catch (BindException e) {
                String property = e.getProperty() != null ? e.getProperty().getName().toString() : e.getName().toString();
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new InvalidPropertyException(property, "cannot bind " + (e.getProperty() != null
                        ? "'" + e.getProperty().getValue() + "'" : "the value") + ": " + cause.getMessage(), e);
            }
            return new LinkedHashMap<>(breakers.reconfigure(next));
        } finally {
            lock.unlock();
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
