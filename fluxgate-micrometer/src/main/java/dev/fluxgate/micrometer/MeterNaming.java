package dev.fluxgate.micrometer;

/**
 * How meters are named and tagged.
 *
 * <p>{@link #FLUXGATE} is the default. {@link #RESILIENCE4J} emits the meter names, tags and units
 * of Resilience4j's {@code TaggedCircuitBreakerMetrics}, so that a team moving over keeps its
 * dashboards and alerts. Meters that Resilience4j has no equivalent for (transitions, time in state,
 * half-open probes) keep their {@code fluxgate.circuitbreaker.*} names under both presets.
 *
 * <table>
 *   <caption>Meters by preset</caption>
 *   <tr><th>{@code FLUXGATE}</th><th>{@code RESILIENCE4J}</th><th>type, tags</th></tr>
 *   <tr><td>fluxgate.circuitbreaker.state</td><td>resilience4j.circuitbreaker.state</td>
 *       <td>gauge 1/0, one per state, tag {@code state} (closed, open, half_open, ...)</td></tr>
 *   <tr><td>fluxgate.circuitbreaker.calls</td><td>resilience4j.circuitbreaker.calls</td>
 *       <td>timer, tag {@code kind}: successful, failed, ignored</td></tr>
 *   <tr><td>fluxgate.circuitbreaker.not.permitted.calls</td>
 *       <td>resilience4j.circuitbreaker.not.permitted.calls</td>
 *       <td>counter; tag {@code state} (open, half_open, forced_open) under FLUXGATE,
 *       {@code kind=not_permitted} under RESILIENCE4J</td></tr>
 *   <tr><td>fluxgate.circuitbreaker.failure.rate</td><td>resilience4j.circuitbreaker.failure.rate</td>
 *       <td>gauge; a ratio 0..1 under FLUXGATE, a percentage 0..100 under RESILIENCE4J; NaN when the
 *       window is empty (Resilience4j itself reports -1)</td></tr>
 *   <tr><td>fluxgate.circuitbreaker.slow.call.rate</td><td>resilience4j.circuitbreaker.slow.call.rate</td>
 *       <td>gauge, as the failure rate; only for a breaker that tracks a {@code slowCallThreshold}</td></tr>
 *   <tr><td>fluxgate.circuitbreaker.buffered.calls</td><td>resilience4j.circuitbreaker.buffered.calls</td>
 *       <td>gauge, tag {@code kind}: successful, failed</td></tr>
 * </table>
 */
public enum MeterNaming {
    /** {@code fluxgate.circuitbreaker.*}, rates as ratios from 0 to 1. */
    FLUXGATE("fluxgate.circuitbreaker", 1.0),
    /** {@code resilience4j.circuitbreaker.*}, rates as percentages from 0 to 100, like Resilience4j. */
    RESILIENCE4J("resilience4j.circuitbreaker", 100.0);

    private final String prefix;
    private final double rateScale;

    MeterNaming(String prefix, double rateScale) {
        this.prefix = prefix;
        this.rateScale = rateScale;
    }

    String state() {
        return prefix + ".state";
    }

    String calls() {
        return prefix + ".calls";
    }

    String notPermittedCalls() {
        return prefix + ".not.permitted.calls";
    }

    String failureRate() {
        return prefix + ".failure.rate";
    }

    String slowCallRate() {
        return prefix + ".slow.call.rate";
    }

    String bufferedCalls() {
        return prefix + ".buffered.calls";
    }

    double rateScale() {
        return rateScale;
    }
}
