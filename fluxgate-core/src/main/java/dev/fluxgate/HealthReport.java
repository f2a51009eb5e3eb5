package dev.fluxgate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The aggregate health of a service's breakers, bulkheads and rate limiters, for a <b>readiness</b> probe.
 *
 * <pre>{@code
 * HealthReport report = HealthReport.of(registry, List.of(paymentsBulkhead));
 * int httpStatus = report.status() == HealthReport.Status.DOWN ? 503 : 200;
 * String body = report.toJson();
 * }</pre>
 *
 * <p>Each breaker maps to a status by its state: {@link State#CLOSED}, {@link State#METRICS_ONLY} and
 * {@link State#DISABLED} are {@link Status#UP}; {@link State#HALF_OPEN} is {@link Status#DEGRADED}
 * (probing a recovering dependency); {@link State#OPEN} and {@link State#FORCED_OPEN} are
 * {@link Status#DOWN}. A bulkhead is UP while it has a free slot and DEGRADED when full; a rate limiter
 * likewise UP while it holds a permit and DEGRADED when it has none (callers wait or are refused). The
 * overall status is the worst of all (UP when there is nothing to report).
 *
 * <p><b>A passed cooldown is recovery, not an outage.</b> Building a report reads each breaker, and
 * reading an OPEN breaker whose cooldown has passed moves it to HALF_OPEN (see
 * {@link CircuitBreaker#state()}), so the report says DEGRADED, never DOWN, from the moment the
 * cooldown ends, even if no call has arrived since: an instance that a readiness probe took out of
 * the load balancer gets no calls, and would otherwise stay unready forever. Only
 * {@link State#FORCED_OPEN} and an OPEN breaker with {@link Cooldown#manual()} stay DOWN until a
 * manual command.
 *
 * <p><b>Readiness, never liveness.</b> An open breaker says that a <em>dependency</em> is failing,
 * not that this process is broken: the breaker is doing its job, failing fast and shedding load
 * until the dependency recovers. Wire the report to a readiness probe, which takes the instance out
 * of the load balancer while it cannot serve. Never wire it to a liveness probe: the orchestrator
 * would restart every instance whose breaker opened, all at once across the fleet (they all call
 * the same failing dependency), throwing away warm caches and connection pools, and the restarted
 * instances come back with closed breakers that hammer the dependency again, a restart storm that
 * turns a partial outage into a full one and delays the dependency's recovery.
 *
 * <p>A report is an immutable snapshot taken when it was built; build a new one per probe.
 */
public final class HealthReport {

    /** A health status, from best to worst. */
    public enum Status {
        /** Serving normally. */
        UP,
        /** Serving, but a dependency is recovering or a bulkhead is full. */
        DEGRADED,
        /** A dependency is cut off by an open breaker. */
        DOWN;

        /**
         * The status of a breaker in {@code state}.
         *
         * @param state a breaker's state
         * @return UP when CLOSED, DISABLED or METRICS_ONLY; DEGRADED when HALF_OPEN; DOWN when OPEN
         *     or FORCED_OPEN
         */
        public static Status of(State state) {
            return switch (Objects.requireNonNull(state, "state")) {
                case CLOSED, METRICS_ONLY, DISABLED -> UP;
                case HALF_OPEN -> DEGRADED;
                case OPEN, FORCED_OPEN -> DOWN;
            };
        }

        private Status worst(Status other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    /**
     * One breaker's health.
     *
     * @param name the breaker's name
     * @param status its status, from its state
     * @param state its state
     * @param failureRate the failure rate of its window ({@link Double#NaN} when the window is empty,
     *     as it is right after every transition)
     * @param calls the calls in its window
     * @param timeInState how long it has been in its state
     * @param durationsMeasured whether its window measures call durations ({@link Metrics#durationsMeasured()})
     * @param averageDuration the mean duration of the calls in its window; empty when not measured or
     *     when the window is empty ({@link Metrics#averageDuration()})
     */
    public record BreakerHealth(String name, Status status, State state, double failureRate, int calls,
            Duration timeInState, boolean durationsMeasured, Optional<Duration> averageDuration) {

        /**
         * Checks the components.
         *
         * @param name the breaker's name
         * @param status its status, from its state
         * @param state its state
         * @param failureRate the failure rate of its window, NaN when empty
         * @param calls the calls in its window
         * @param timeInState how long it has been in its state
         * @param durationsMeasured whether its window measures call durations
         * @param averageDuration the mean call duration; empty when not measured or the window is
         *     empty
         */
        public BreakerHealth {
            Objects.requireNonNull(averageDuration, "averageDuration");
        }
    }

    /**
     * One bulkhead's health.
     *
     * @param name the bulkhead's name
     * @param status UP while a slot is free, DEGRADED when full
     * @param availablePermits free slots
     * @param maxConcurrentCalls all slots
     * @param rejectedCalls rejections since the bulkhead was built
     */
    public record BulkheadHealth(String name, Status status, int availablePermits, int maxConcurrentCalls,
            long rejectedCalls) {
    }

    /**
     * One rate limiter's health.
     *
     * @param name the limiter's name
     * @param status UP while a permit is free, DEGRADED when none is
     * @param availablePermits permits free now (negative while callers wait for permits reserved ahead)
     * @param burst the most permits it holds
     * @param permittedCalls acquisitions granted since it was built
     * @param rejectedCalls acquisitions refused since it was built
     */
    public record RateLimiterHealth(String name, Status status, long availablePermits, int burst,
            long permittedCalls, long rejectedCalls) {
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Status status;
    private final List<BreakerHealth> breakers;
    private final List<BulkheadHealth> bulkheads;
    private final List<RateLimiterHealth> rateLimiters;

    private HealthReport(List<BreakerHealth> breakers, List<BulkheadHealth> bulkheads,
            List<RateLimiterHealth> rateLimiters) {
        this.breakers = List.copyOf(breakers);
        this.bulkheads = List.copyOf(bulkheads);
        this.rateLimiters = List.copyOf(rateLimiters);
        Status worst = Status.UP;
        for (BreakerHealth b : breakers) {
            worst = worst.worst(b.status());
        }
        for (BulkheadHealth b : bulkheads) {
            worst = worst.worst(b.status());
        }
        for (RateLimiterHealth r : rateLimiters) {
            worst = worst.worst(r.status());
        }
        this.status = worst;
    }

    /**
     * The health of every breaker in {@code registry}.
     *
     * @param registry the breakers to report on
     * @return a report taken now
     */
    public static HealthReport of(CircuitBreakerRegistry registry) {
        return of(Objects.requireNonNull(registry, "registry").all(), List.of());
    }

    /**
     * The health of every breaker in {@code registry} and of {@code bulkheads}.
     *
     * @param registry the breakers to report on
     * @param bulkheads the bulkheads to report on
     * @return a report taken now
     */
    public static HealthReport of(CircuitBreakerRegistry registry, Collection<Bulkhead> bulkheads) {
        return of(Objects.requireNonNull(registry, "registry").all(), bulkheads);
    }

    /**
     * The health of {@code breakers} and {@code bulkheads}, each sorted by name.
     *
     * @param breakers the breakers to report on
     * @param bulkheads the bulkheads to report on
     * @return a report taken now
     */
    public static HealthReport of(Collection<? extends CircuitBreaker> breakers, Collection<Bulkhead> bulkheads) {
        return of(breakers, bulkheads, List.of());
    }

    /**
     * The health of {@code breakers}, {@code bulkheads} and {@code rateLimiters}, each sorted by name.
     *
     * @param breakers the breakers
     * @param bulkheads the bulkheads
     * @param rateLimiters the rate limiters
     * @return the report
     * @throws NullPointerException if an argument is null
     */
    public static HealthReport of(Collection<? extends CircuitBreaker> breakers, Collection<Bulkhead> bulkheads,
            Collection<RateLimiter> rateLimiters) {
        Objects.requireNonNull(breakers, "breakers");
        Objects.requireNonNull(bulkheads, "bulkheads");
        Objects.requireNonNull(rateLimiters, "rateLimiters");
        List<BreakerHealth> b = new ArrayList<>(breakers.size());
        for (CircuitBreaker cb : breakers) {
            State state = cb.state(); // makes a due OPEN to HALF_OPEN move first, so the metrics below follow it
            Metrics m = cb.metrics();
            b.add(new BreakerHealth(cb.name(), Status.of(state), state, m.failureRate(), m.calls(), m.timeInState(),
                    m.durationsMeasured(), m.averageDuration()));
        }
        b.sort(Comparator.comparing(BreakerHealth::name));
        List<BulkheadHealth> h = new ArrayList<>(bulkheads.size());
        for (Bulkhead bulkhead : bulkheads) {
            int free = bulkhead.availablePermits();
            h.add(new BulkheadHealth(bulkhead.name(), free > 0 ? Status.UP : Status.DEGRADED, free,
                    bulkhead.maxConcurrentCalls(), bulkhead.rejectedCalls()));
        }
        h.sort(Comparator.comparing(BulkheadHealth::name));
        List<RateLimiterHealth> r = new ArrayList<>(rateLimiters.size());
        for (RateLimiter limiter : rateLimiters) {
            long free = limiter.availablePermits();
            r.add(new RateLimiterHealth(limiter.name(), free > 0 ? Status.UP : Status.DEGRADED, free,
                    limiter.limit().burst(), limiter.permittedCalls(), limiter.rejectedCalls()));
        }
        r.sort(Comparator.comparing(RateLimiterHealth::name));
        return new HealthReport(b, h, r);
    }

    /** {@return the worst status of all components; UP when there are none} */
    public Status status() {
        return status;
    }

    /** {@return the breakers, sorted by name} */
    public List<BreakerHealth> breakers() {
        return breakers;
    }

    /** {@return the bulkheads, sorted by name} */
    public List<BulkheadHealth> bulkheads() {
        return bulkheads;
    }

    /**
     * The rate limiters, sorted by name.
     *
     * @return the rate limiters' health
     */
    public List<RateLimiterHealth> rateLimiters() {
        return rateLimiters;
    }

    /**
     * The report as JSON, for example
     * {@code {"status":"DOWN","breakers":[{"name":"payments","status":"DOWN","state":"OPEN",
     * "failureRate":null,"calls":0,"timeInStateMillis":1500,"timeInState":"PT1.5S",
     * "averageDuration":"not measured"}],"bulkheads":[],"rateLimiters":[]}}.
     * Names are escaped as JSON requires; a NaN failure rate is {@code null}; {@code averageDuration}
     * is an ISO-8601 duration, {@code null} when the window is empty, and {@code "not measured"} when
     * the breaker's window does not measure durations (rather than a zero that reads as a measurement).
     *
     * @return the report as one line of JSON
     */
    public String toJson() {
        StringBuilder json = new StringBuilder(128 + 160 * (breakers.size() + bulkheads.size()));
        json.append("{\"status\":\"").append(status).append("\",\"breakers\":[");
        for (int i = 0; i < breakers.size(); i++) {
            BreakerHealth b = breakers.get(i);
            json.append(i == 0 ? "" : ",").append("{\"name\":");
            string(json, b.name());
            json.append(",\"status\":\"").append(b.status()).append("\",\"state\":\"").append(b.state())
                    .append("\",\"failureRate\":").append(Double.isFinite(b.failureRate()) ? String.valueOf(b.failureRate()) : "null")
                    .append(",\"calls\":").append(b.calls())
                    .append(",\"timeInStateMillis\":").append(b.timeInState().toMillis())
                    .append(",\"timeInState\":\"").append(b.timeInState())
                    .append("\",\"averageDuration\":").append(!b.durationsMeasured() ? "\"not measured\""
                            : b.averageDuration().map(d -> "\"" + d + "\"").orElse("null"))
                    .append('}');
        }
        json.append("],\"bulkheads\":[");
        for (int i = 0; i < bulkheads.size(); i++) {
            BulkheadHealth b = bulkheads.get(i);
            json.append(i == 0 ? "" : ",").append("{\"name\":");
            string(json, b.name());
            json.append(",\"status\":\"").append(b.status()).append("\",\"availablePermits\":").append(b.availablePermits())
                    .append(",\"maxConcurrentCalls\":").append(b.maxConcurrentCalls())
                    .append(",\"rejectedCalls\":").append(b.rejectedCalls()).append('}');
        }
        json.append("],\"rateLimiters\":[");
        for (int i = 0; i < rateLimiters.size(); i++) {
            RateLimiterHealth r = rateLimiters.get(i);
            json.append(i == 0 ? "" : ",").append("{\"name\":");
            string(json, r.name());
            json.append(",\"status\":\"").append(r.status()).append("\",\"availablePermits\":").append(r.availablePermits())
                    .append(",\"burst\":").append(r.burst())
                    .append(",\"permittedCalls\":").append(r.permittedCalls())
                    .append(",\"rejectedCalls\":").append(r.rejectedCalls()).append('}');
        }
        return json.append("]}").toString();
    }

    /** Appends {@code s} as a JSON string literal (RFC 8259: quote, backslash and control characters escaped). */
    static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    // Control characters must be escaped; U+2028/2029 too, so the JSON is also valid JavaScript.
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF])
                                .append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return "HealthReport(" + status + ", " + breakers.size() + " breakers, " + bulkheads.size() + " bulkheads, "
                + rateLimiters.size() + " rate limiters)";
    }
}
