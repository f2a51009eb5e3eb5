package dev.fluxgate.spring.actuate;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code fluxgate} health contributor: every breaker's state and figures, and, by default,
 * <b>never</b> a reason to take the instance out of service.
 *
 * <p><b>Status.</b> UP, with the breakers listed, unless a breaker that opted in with
 * {@code fluxgate.circuitbreaker.instances.<name>.allow-health-indicator-to-fail: true} (or the same
 * under {@code configs.<config>.}) is OPEN or FORCED_OPEN: then OUT_OF_SERVICE (HTTP 503). Each
 * breaker's own {@code status} detail says what it does to this instance: {@code UP} (CLOSED,
 * METRICS_ONLY, DISABLED), {@code DEGRADED} (HALF_OPEN, or OPEN / FORCED_OPEN without the opt-in) or
 * {@code OUT_OF_SERVICE} (OPEN / FORCED_OPEN with the opt-in). The details also list the names of
 * the {@code open} (OPEN, FORCED_OPEN) and {@code degraded} breakers. Status words are upper case,
 * as Spring's statuses and the state names print.
 *
 * <p><b>Why breakers do not fail health by default.</b> An instance out of readiness gets no calls,
 * and an OPEN breaker waits for a call to probe its dependency: the instance could stay unready for
 * good. And every replica calls the same dependency, so every replica would leave readiness at once,
 * a total outage that takes down the endpoints that never use that dependency too. Opt a breaker in
 * only when the instance truly cannot serve without its dependency. (A breaker whose cooldown has
 * passed is reported by its {@code state()}: once the core moves such a breaker to HALF_OPEN when
 * asked, an opted-in breaker brings the instance back without waiting for a call.)
 *
 * <p><b>Where it shows.</b> Like every health contributor, it is part of the root
 * {@code /actuator/health}; Spring Boot has no setting that takes one contributor out of the root
 * while keeping it in a group. So an opted-in open breaker makes the root OUT_OF_SERVICE (503) as
 * well as every group that includes {@code fluxgate}. To keep the breakers out of health entirely,
 * set {@code management.health.fluxgate.enabled=false}. To add them to the readiness probe, include
 * the contributor in that group (it then shows in readiness <em>and</em> in the root):
 *
 * <pre>{@code
 * management.endpoint.health.group.readiness.include: readinessState,fluxgate
 * }</pre>
 *
 * <p>Never put it in the liveness group (or whatever URL a liveness probe polls): failing liveness
 * restarts the process, which loses the breaker's state, does nothing for the dependency and, since
 * every replica sees the same dependency, restarts the whole fleet at once (Resilience4j #607, #1642).
 * OUT_OF_SERVICE rather than DOWN: the instance itself is fine and steps aside on purpose.
 *
 * <p>A breaker with {@code health-indicator: false} is not listed at all.
 *
 * <p>Thread safety: safe for concurrent use; it reads the registry and each breaker's snapshot.
 */
public class FluxgateHealthIndicator implements HealthIndicator {

    private final CircuitBreakerRegistry registry;
    private final Predicate<String> reports;
    private final Predicate<String> allowedToFail;

    /**
     * Creates an indicator under which no breaker takes the instance out of service.
     *
     * @param registry the breakers to report on
     * @param reports which breakers (by name) are listed
     */
    public FluxgateHealthIndicator(CircuitBreakerRegistry registry, Predicate<String> reports) {
        this(registry, reports, name -> false);
    }

    /**
     * Creates the indicator.
     *
     * @param registry the breakers to report on
     * @param reports which breakers (by name) are listed
     * @param allowedToFail which breakers (by name) make the contributor OUT_OF_SERVICE while OPEN or
     *     FORCED_OPEN
     */
    public FluxgateHealthIndicator(CircuitBreakerRegistry registry, Predicate<String> reports,
            Predicate<String> allowedToFail) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.allowedToFail = Objects.requireNonNull(allowedToFail, "allowedToFail");
    }

    @Override
    public Health health() {
        Map<String, Object> breakers = new LinkedHashMap<>();
        List<String> open = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        boolean outOfService = false;
        for (CircuitBreaker cb : registry.all()) {
            if (!reports.test(cb.name())) {
                continue;
            }
            State state = cb.state();
            boolean mayFail = allowedToFail.test(cb.name());
            String status = status(state, mayFail);
            if (state == State.OPEN || state == State.FORCED_OPEN) {
                open.add(cb.name());
            }
            if (status.equals(DEGRADED)) {
                degraded.add(cb.name());
            }
            outOfService |= status.equals(Status.OUT_OF_SERVICE.getCode());
            breakers.put(cb.name(), details(cb, state, status, mayFail));
        }
        Health.Builder health = outOfService ? Health.status(Status.OUT_OF_SERVICE) : Health.up();
        if (!open.isEmpty()) {
            health.withDetail("open", open);
        }
        if (!degraded.isEmpty()) {
            health.withDetail("degraded", degraded);
        }
        return health.withDetail("circuitBreakers", breakers).build();
    }

    private static final String DEGRADED = "DEGRADED";

    private static String status(State state, boolean mayFail) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> mayFail ? Status.OUT_OF_SERVICE.getCode() : DEGRADED;
            case HALF_OPEN -> DEGRADED;
            case CLOSED, METRICS_ONLY, DISABLED -> Status.UP.getCode();
        };
    }

    private static Map<String, Object> details(CircuitBreaker cb, State state, String status, boolean mayFail) {
        Metrics m = cb.metrics();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", state.name());
        d.put("status", status);
        d.put("allowHealthIndicatorToFail", mayFail);
        d.put("calls", m.calls());
        d.put("failures", m.failures());
        double rate = m.failureRate();
        d.put("failureRate", Double.isNaN(rate) ? null : rate);
        d.put("rejectedCalls", m.rejectedCalls());
        d.put("timeInState", m.timeInState().toString());
        FluxgateEndpoint.recovery(cb, state, d);
        return d;
    }
}
