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
 *   <tr><td>fluxgate.retry.calls</td><td>resilience4j.retry.calls</td>
 *       <td>function counter (a gauge under RESILIENCE4J, as there), tag {@code kind}:
 *       successful_without_retry, successful_with_retry, failed_without_retry, failed_with_retry</td></tr>
 *   <tr><td>fluxgate.bulkhead.available.concurrent.calls</td>
 *       <td>resilience4j.bulkhead.available.concurrent.calls</td><td>gauge</td></tr>
 *   <tr><td>fluxgate.bulkhead.max.allowed.concurrent.calls</td>
 *       <td>resilience4j.bulkhead.max.allowed.concurrent.calls</td><td>gauge</td></tr>
 *   <tr><td>fluxgate.bulkhead.{max.thread.pool.size, active.thread.count, available.thread.count,
 *       queue.depth, queue.capacity}</td><td>resilience4j.bulkhead.(the same)</td>
 *       <td>gauges of a thread-pool bulkhead</td></tr>
 *   <tr><td>fluxgate.ratelimiter.available.permissions</td><td>resilience4j.ratelimiter.available.permissions</td>
 *       <td>gauge (negative while callers wait for permits reserved ahead)</td></tr>
 * </table>
 *
 * <p>Under both presets, {@code fluxgate.retry.retries} (attempts after the first),
 * {@code fluxgate.bulkhead.calls} ({@code kind} = permitted, rejected) and
 * {@code fluxgate.bulkhead.thread.pool.rejected.calls}, {@code fluxgate.ratelimiter.calls} ({@code kind} =
 * permitted, rejected), {@code fluxgate.ratelimiter.wait.time} (seconds callers were told to wait for
 * permits) and {@code fluxgate.ratelimiter.keys} (keys a per-key limiter tracks) count what Resilience4j
 * does not publish, and so do the meters of the patterns Resilience4j does not have:
 * {@code fluxgate.retry.budget.*} (a retry budget), {@code fluxgate.retry.budget.exhausted.calls} (a retry
 * with a budget), {@code fluxgate.hedge.*} and {@code fluxgate.chaos.*} (faults injected on purpose).
 * So do {@code fluxgate.timeout.timeouts} (calls that timed out) and {@code fluxgate.timeout.limit} (the
 * time allowed): Resilience4j's {@code resilience4j.timelimiter.calls} also counts successful and failed
 * calls, which a timeout does not, so no name of it is borrowed.
 */
public enum MeterNaming {
    /** {@code fluxgate.circuitbreaker.*}, rates as ratios from 0 to 1. */
    FLUXGATE("fluxgate", 1.0),
    /** {@code resilience4j.circuitbreaker.*}, rates as percentages from 0 to 100, like Resilience4j. */
    RESILIENCE4J("resilience4j", 100.0);

    private final String root;
    private final String prefix;
    private final double rateScale;

    MeterNaming(String root, double rateScale) {
        this.root = root;
        this.prefix = root + ".circuitbreaker";
        this.rateScale = rateScale;
    }

    String retryCalls() {
        return root + ".retry.calls";
    }

    String bulkheadAvailable() {
        return root + ".bulkhead.available.concurrent.calls";
    }

    String bulkheadMax() {
        return root + ".bulkhead.max.allowed.concurrent.calls";
    }

    String rateLimiterAvailable() {
        return root + ".ratelimiter.available.permissions";
    }

    /** Thread-pool bulkhead meters: {@code suffix} is e.g. {@code queue.depth}. */
    String threadPool(String suffix) {
        return root + ".bulkhead." + suffix;
    }

    /** Resilience4j publishes some counts as gauges; keep its meter types too. */
    boolean countsAsGauges() {
        return this == RESILIENCE4J;
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
