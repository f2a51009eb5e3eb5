package dev.fluxgate.spring.actuate;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Metrics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code fluxgate} actuator endpoint ({@code /actuator/fluxgate}): every breaker with its state,
 * metrics and effective configuration, and commands to move one by hand.
 *
 * <ul>
 *   <li>{@code GET /actuator/fluxgate}: all breakers, by name.
 *   <li>{@code GET /actuator/fluxgate/{name}}: one breaker (404 if unknown).
 *   <li>{@code POST /actuator/fluxgate/{name}} with {@code {"action": "reset"}}: runs {@code reset},
 *       {@code disable}, {@code force-open} or {@code metrics-only} and answers with the breaker
 *       afterwards (400 for another action or an unknown breaker; a command never creates a breaker).
 * </ul>
 *
 * Expose it with {@code management.endpoints.web.exposure.include=health,fluxgate}; restrict it to
 * reads with {@code management.endpoint.fluxgate.access=read-only}.
 *
 * <p>Thread safety: safe for concurrent use; every answer is built from fresh snapshots.
 */
@Endpoint(id = "fluxgate")
public class FluxgateEndpoint {

    private final CircuitBreakerRegistry registry;

    /**
     * Creates the endpoint.
     *
     * @param registry the breakers to show
     */
    public FluxgateEndpoint(CircuitBreakerRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Every breaker.
     *
     * @return {@code {"circuitBreakers": {name: breaker}}}
     */
    @ReadOperation
    public Map<String, Object> breakers() {
        Map<String, Object> all = new LinkedHashMap<>();
        for (CircuitBreaker cb : registry.all()) {
            all.put(cb.name(), describe(cb));
        }
        return Map.of("circuitBreakers", all);
    }

    /**
     * One breaker.
     *
     * @param name the breaker's name
     * @return its description, or null (404) when there is none
     */
    @ReadOperation
    public @Nullable Map<String, Object> breaker(@Selector String name) {
        return registry.find(name).map(FluxgateEndpoint::describe).orElse(null);
    }

    /**
     * Moves a breaker by hand.
     *
     * @param name the breaker's name
     * @param action {@code reset}, {@code disable}, {@code force-open} or {@code metrics-only}
     * @return the breaker afterwards
     * @throws InvalidEndpointRequestException (400) for an unknown breaker or action
     */
    @WriteOperation
    public Map<String, Object> command(@Selector String name, String action) {
        CircuitBreaker cb = registry.find(name).orElseThrow(() -> new InvalidEndpointRequestException(
                "No circuit breaker named '" + name + "'", "Unknown circuit breaker"));
        switch (action.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "")) {
            case "reset", "close" -> cb.reset();
            case "disable" -> cb.disable();
            case "forceopen" -> cb.forceOpen();
            case "metricsonly" -> cb.metricsOnly();
            default -> throw new InvalidEndpointRequestException("Unknown action '" + action
                    + "'; use one of reset, disable, force-open, metrics-only", "Unknown action");
        }
        return describe(cb);
    }

    static Map<String, Object> describe(CircuitBreaker cb) {
        Metrics m = cb.metrics();
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("calls", m.calls());
        metrics.put("failures", m.failures());
        metrics.put("failureRate", finite(m.failureRate()));
        metrics.put("consecutiveFailures", m.consecutiveFailures());
        metrics.put("averageDuration", m.durationsMeasured()
                ? m.averageDuration().map(Duration::toString).orElse(null) : "not measured");
        metrics.put("successfulCalls", m.successfulCalls());
        metrics.put("failedCalls", m.failedCalls());
        metrics.put("ignoredCalls", m.ignoredCalls());
        metrics.put("rejected", m.rejectedCalls());
        metrics.put("staleCalls", m.staleCalls());
        metrics.put("transitions", m.transitions());
        metrics.put("probesInUse", m.probesInUse());
        Duration inState = m.timeInState();
        metrics.put("timeInState", inState.toString());
        metrics.put("timeInStateMillis", inState.toMillis());
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", cb.name());
        d.put("state", cb.state().name());
        d.put("metrics", metrics);
        d.put("configuration", cb.configuration());
        return d;
    }

    /** JSON has no NaN: an empty window's rate is null. */
    private static @Nullable Double finite(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
