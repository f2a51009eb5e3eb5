package dev.fluxgate.spring.actuate;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import dev.fluxgate.spring.LiveReconfiguration;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code fluxgate} actuator endpoint ({@code /actuator/fluxgate}): every breaker with its state,
 * figures and effective configuration, and commands to move one by hand.
 *
 * <ul>
 *   <li>{@code GET /actuator/fluxgate}: all breakers, by name.
 *   <li>{@code GET /actuator/fluxgate/{name}}: one breaker (404 if unknown).
 *   <li>{@code POST /actuator/fluxgate/{name}} with the JSON body {@code {"action": "reset"}} or the
 *       query {@code ?action=reset}: runs {@code reset}, {@code disable}, {@code force-open} or
 *       {@code metrics-only} and answers with the breaker afterwards. A missing or unknown action
 *       answers 400 with {@code validActions}; an unknown breaker answers 400 with
 *       {@code knownBreakers} (a command never creates a breaker).
 *   <li>{@code POST /actuator/fluxgate}: applies changed {@code fluxgate.circuitbreaker.*} properties to
 *       the running breakers, keeping their state ({@link LiveReconfiguration}); answers what changed,
 *       what carried over and what was reset, by breaker, or 400 naming the property whose new value is
 *       bad (no breaker changed then).
 * </ul>
 *
 * <p>One breaker reads:
 *
 * <pre>{@code
 * {"name": "payments", "state": "OPEN", "timeInState": "PT4.2S", "timeInStateMillis": 4200, "probesInUse": 0,
 *  "cooldown": "Cooldown.fixed(30s)",
 *  "window":   {"calls": 0, "failures": 0, "successes": 0, "failureRate": null, "consecutiveFailures": 0,
 *               "slowCalls": "not measured", "slowRate": "not measured", "averageDuration": "not measured"},
 *  "lifetime": {"successfulCalls": 12, "failedCalls": 8, "ignoredCalls": 0, "rejectedCalls": 3,
 *               "staleCalls": 0, "transitions": 1},
 *  "configuration": {"window": "Window.count(10)", ...}}
 * }</pre>
 *
 * <p>{@code window} holds the figures of the calls recorded in the current state since the last
 * transition (every transition clears it, so an OPEN breaker shows an empty window);
 * {@code lifetime} counts since the breaker was built. A rate of an empty window is {@code null}.
 * Durations are measured only when the breaker's rules use them (a slow-call threshold, a
 * {@code slowRate} or {@code avgLatency} rule); otherwise they read {@code "not measured"}, never
 * zero. Slow-call figures are keyed by threshold. An OPEN or FORCED_OPEN breaker also shows
 * {@code cooldown} (its configured wait; together with {@code timeInState} it says when the breaker
 * probes again) or {@code retryAfter: "manual reset only"} when nothing but a command moves it.
 *
 * <p>Casing: states and statuses are upper case as the enum prints them ({@code HALF_OPEN},
 * {@code OUT_OF_SERVICE}); actions are lower-case kebab case ({@code force-open}) and only those
 * spellings are accepted; JSON keys are camel case.
 *
 * <p>Expose it with {@code management.endpoints.web.exposure.include=health,fluxgate}; restrict it to
 * reads with {@code management.endpoint.fluxgate.access=read-only}.
 *
 * <p>Thread safety: safe for concurrent use; every answer is built from fresh snapshots.
 */
@Endpoint(id = "fluxgate")
public class FluxgateEndpoint {

    /** The actions a command accepts, in this spelling only. */
    public static final List<String> ACTIONS = List.of("reset", "disable", "force-open", "metrics-only");

    /** Said of figures the breaker does not measure. */
    static final String NOT_MEASURED = "not measured";

    private final CircuitBreakerRegistry registry;
    private final @Nullable LiveReconfiguration live;

    /**
     * Creates the endpoint.
     *
     * @param registry the breakers to show
     */
    public FluxgateEndpoint(CircuitBreakerRegistry registry) {
        this(registry, null);
    }

    /**
     * Creates the endpoint, with {@code POST /actuator/fluxgate} applying changed properties.
     *
     * @param registry the breakers to show
     * @param live applies changed {@code fluxgate.circuitbreaker.*} properties, or null for none
     */
    public FluxgateEndpoint(CircuitBreakerRegistry registry, @Nullable LiveReconfiguration live) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.live = live;
    }

    /**
     * Applies changed {@code fluxgate.circuitbreaker.*} properties to the running breakers, keeping
     * their state ({@link LiveReconfiguration}). (Over HTTP, {@link FluxgateEndpointWebExtension}
     * answers instead, a bad value with a 400 body naming the property.)
     *
     * @return {@code {"reconfigured": {name: {"changed": ..., "carriedOver": ..., "reset": ...}}}}
     * @throws InvalidEndpointRequestException if a new value is bad (nothing changed) or live
     *     reconfiguration is not available
     */
    @WriteOperation
    public Map<String, Object> reconfigure() {
        Map<String, Object> answer = reconfigure(live);
        if (LiveReconfiguration.isRefusal(answer)) {
            throw new InvalidEndpointRequestException(answer.toString(), String.valueOf(answer.get("message")));
        }
        return answer;
    }

    static Map<String, Object> reconfigure(@Nullable LiveReconfiguration live) {
        if (live == null) {
            return Map.of("message", "live reconfiguration is not available (the starter's breakers are not configured here)");
        }
        return live.applyAndDescribe();
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
        return lookup(registry, name).map(FluxgateEndpoint::describe).orElse(null);
    }

    /**
     * Moves a breaker by hand. (Over HTTP, {@link FluxgateEndpointWebExtension} answers instead, with
     * the same rules and a 400 body that lists the valid values.)
     *
     * @param name the breaker's name
     * @param action {@code reset}, {@code disable}, {@code force-open} or {@code metrics-only}
     * @return the breaker afterwards
     * @throws InvalidEndpointRequestException for an unknown breaker or a missing or unknown action,
     *     naming the valid values
     */
    @WriteOperation
    public Map<String, Object> command(@Selector String name, @Nullable String action) {
        Command c = command(registry, name, action);
        if (c.error() != null) {
            throw new InvalidEndpointRequestException(c.error().toString(), String.valueOf(c.error().get("message")));
        }
        return Objects.requireNonNull(c.breaker(), "a command without an error has the breaker");
    }

    /** The breaker called {@code name}; none for a blank name, which the registry would reject (a 404, not a 500). */
    private static Optional<CircuitBreaker> lookup(CircuitBreakerRegistry registry, String name) {
        return name.isBlank() ? Optional.empty() : registry.find(name);
    }

    /** Either the breaker after the command, or what was wrong with the request. */
    record Command(@Nullable Map<String, Object> breaker, @Nullable Map<String, Object> error) {
    }

    static Command command(CircuitBreakerRegistry registry, String name, @Nullable String action) {
        CircuitBreaker cb = lookup(registry, name).orElse(null);
        if (cb == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", "No circuit breaker named '" + name + "'");
            error.put("knownBreakers", registry.all().stream().map(CircuitBreaker::name).toList());
            return new Command(null, error);
        }
        Consumer<CircuitBreaker> move = action == null ? null : switch (action) {
            case "reset" -> CircuitBreaker::reset;
            case "disable" -> CircuitBreaker::disable;
            case "force-open" -> CircuitBreaker::forceOpen;
            case "metrics-only" -> CircuitBreaker::metricsOnly;
            default -> null;
        };
        if (move == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", action == null ? "Missing action: send {\"action\": \"reset\"} or ?action=reset"
                    : "Unknown action '" + action + "'");
            error.put("validActions", ACTIONS);
            return new Command(null, error);
        }
        move.accept(cb);
        return new Command(describe(cb), null);
    }

    static Map<String, Object> describe(CircuitBreaker cb) {
        State state = cb.state();
        Metrics m = cb.metrics();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", cb.name());
        d.put("state", state.name());
        Duration inState = m.timeInState();
        d.put("timeInState", inState.toString());
        d.put("timeInStateMillis", inState.toMillis());
        d.put("probesInUse", m.probesInUse());
        recovery(cb, state, d);
        d.put("window", window(cb, m));
        d.put("lifetime", lifetime(m));
        d.put("configuration", cb.configuration());
        return d;
    }

    /** The figures of the current window: since the last transition or reset. */
    private static Map<String, Object> window(CircuitBreaker cb, Metrics m) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("calls", m.calls());
        w.put("failures", m.failures());
        w.put("successes", m.successes());
        w.put("failureRate", finite(m.failureRate()));
        w.put("consecutiveFailures", m.consecutiveFailures());
        List<Duration> thresholds = cb.slowCallThresholds();
        if (thresholds.isEmpty()) {
            w.put("slowCalls", NOT_MEASURED);
            w.put("slowRate", NOT_MEASURED);
        } else {
            Map<String, Object> slowCalls = new LinkedHashMap<>();
            Map<String, Object> slowRate = new LinkedHashMap<>();
            for (Duration t : thresholds) {
                slowCalls.put(t.toString(), m.slowCalls(t));
                slowRate.put(t.toString(), finite(m.slowRate(t)));
            }
            w.put("slowCalls", slowCalls);
            w.put("slowRate", slowRate);
        }
        w.put("averageDuration", m.durationsMeasured()
                ? m.averageDuration().map(Duration::toString).orElse(null) : NOT_MEASURED);
        return w;
    }

    /** The counters since the breaker was built. */
    private static Map<String, Object> lifetime(Metrics m) {
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("successfulCalls", m.successfulCalls());
        l.put("failedCalls", m.failedCalls());
        l.put("ignoredCalls", m.ignoredCalls());
        l.put("rejectedCalls", m.rejectedCalls());
        l.put("staleCalls", m.staleCalls());
        l.put("transitions", m.transitions());
        return l;
    }

    /**
     * For an OPEN or FORCED_OPEN breaker, when it admits calls again: {@code retryAfter: "manual reset
     * only"} when only a command moves it, else its {@code cooldown} (the core has no public accessor
     * for the wait left; {@code timeInState} says how much has passed).
     */
    static void recovery(CircuitBreaker cb, State state, Map<String, Object> into) {
        if (state != State.OPEN && state != State.FORCED_OPEN) {
            return;
        }
        String cooldown = cb.configuration().get("cooldown");
        if (state == State.FORCED_OPEN || "Cooldown.manual()".equals(cooldown)) {
            into.put("retryAfter", "manual reset only");
        } else if (cooldown != null) {
            into.put("cooldown", cooldown);
        }
    }

    /** JSON has no NaN: an empty window's rate is null. */
    private static @Nullable Double finite(double value) {
        return Double.isNaN(value) ? null : value;
    }
}
