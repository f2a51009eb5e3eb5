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
 * The {@code fluxgate} health contributor, meant for the <b>readiness</b> group: OUT_OF_SERVICE while
 * any reporting breaker is OPEN or FORCED_OPEN, UP with {@code degraded} breakers listed while any is
 * HALF_OPEN, UP otherwise. Details show each breaker's state and figures.
 *
 * <pre>{@code
 * management.endpoint.health.group.readiness.include: readinessState,fluxgate
 * }</pre>
 *
 * <p><b>Why readiness and never liveness.</b> An open breaker says a dependency is failing, not that
 * this process is broken. Liveness failing makes the platform restart the process: the restart
 * loses the breaker's state and warm caches, does nothing for the dependency, and, since every
 * replica sees the same dependency, restarts the whole fleet at once, turning a partial outage into
 * a full one (Resilience4j #607, #1642). Readiness failing only takes the instance out of the load
 * balancer until the breaker closes again, which is what an open breaker means. Keep this
 * contributor out of the liveness group (and out of whatever URL a liveness probe polls).
 *
 * <p><b>Why OUT_OF_SERVICE rather than DOWN.</b> Both map to HTTP 503, but OUT_OF_SERVICE says the
 * instance itself is fine and has stepped aside on purpose, which is what an open breaker does; DOWN
 * reads as a broken component and alerts as one.
 *
 * <p>A breaker guarding a dependency the application can serve without (it has a fallback) should
 * not make the instance unready: set {@code fluxgate.circuitbreaker.instances.<name>.health-indicator: false}.
 *
 * <p>Thread safety: safe for concurrent use; it reads the registry and each breaker's snapshot.
 */
public class FluxgateHealthIndicator implements HealthIndicator {

    private final CircuitBreakerRegistry registry;
    private final Predicate<String> reports;

    /**
     * Creates the indicator.
     *
     * @param registry the breakers to report on
     * @param reports which breakers (by name) take part
     */
    public FluxgateHealthIndicator(CircuitBreakerRegistry registry, Predicate<String> reports) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.reports = Objects.requireNonNull(reports, "reports");
    }

    @Override
    public Health health() {
        Map<String, Object> breakers = new LinkedHashMap<>();
        List<String> open = new ArrayList<>();
        List<String> degraded = new ArrayList<>();
        for (CircuitBreaker cb : registry.all()) {
            if (!reports.test(cb.name())) {
                continue;
            }
            State state = cb.state();
            if (state == State.OPEN || state == State.FORCED_OPEN) {
                open.add(cb.name());
            } else if (state == State.HALF_OPEN) {
                degraded.add(cb.name());
            }
            breakers.put(cb.name(), details(cb, state));
        }
        Health.Builder health = open.isEmpty() ? Health.up() : Health.status(Status.OUT_OF_SERVICE);
        if (!open.isEmpty()) {
            health.withDetail("open", open);
        }
        if (!degraded.isEmpty()) {
            health.withDetail("degraded", degraded);
        }
        return health.withDetail("circuitBreakers", breakers).build();
    }

    private static Map<String, Object> details(CircuitBreaker cb, State state) {
        Metrics m = cb.metrics();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("state", state.name());
        d.put("status", switch (state) {
            case OPEN, FORCED_OPEN -> "OUT_OF_SERVICE";
            case HALF_OPEN -> "degraded";
            default -> "UP";
        });
        d.put("calls", m.calls());
        d.put("failures", m.failures());
        double rate = m.failureRate();
        d.put("failureRate", Double.isNaN(rate) ? null : rate);
        d.put("rejected", m.rejectedCalls());
        return d;
    }
}
