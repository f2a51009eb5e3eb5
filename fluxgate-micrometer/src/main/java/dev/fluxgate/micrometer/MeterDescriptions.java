package dev.fluxgate.micrometer;

/**
 * One description per meter name. Prometheus shows a family (all the tag values of one name) with a
 * single {@code # HELP} line, taken from whichever meter of the name registered first; so a
 * description must describe the whole family, never one tag value or one breaker's settings.
 */
final class MeterDescriptions {
    private MeterDescriptions() {
    }

    static final String STATE = "Circuit breaker state: 1 for the state named by the state tag, 0 for the others";
    static final String CALLS = "Calls through the circuit breaker and their durations, by outcome"
            + " (kind: successful, failed, ignored = an exception the tracker does not count)";
    static final String NOT_PERMITTED = "Calls the circuit breaker rejected without running them";
    static final String TRANSITIONS = "Circuit breaker state transitions, by from and to state";
    static final String STATE_TIME = "Time the circuit breaker has spent in its current state";
    static final String PROBES = "Half-open probes of the circuit breaker in flight";
    static final String BUFFERED = "Calls in the circuit breaker's window, by outcome (kind: successful, failed)";

    static final String RETRY_CALLS = "Calls through the retry, by outcome (kind: successful_without_retry,"
            + " successful_with_retry, failed_without_retry, failed_with_retry)";
    static final String RETRY_RETRIES = "Attempts the retry made after the first attempt of a call";

    static final String RETRY_BUDGET_EXHAUSTED = "Calls the retry ended because its retry budget denied a retry";
    static final String BUDGET_RETRIES = "Retries the retry budget allowed or denied, over every retry that shares it"
            + " (kind: admitted, rejected)";
    static final String BUDGET_TOKENS = "Tokens in the retry budget now (a retry takes one; at most the budget's max tokens)";

    static final String HEDGE_CALLS = "Calls through the hedge, by outcome (kind: successful, failed = every"
            + " attempt started failed)";
    static final String HEDGE_HEDGED = "Attempts the hedge started after its delay, beyond the first attempt of a call";
    static final String HEDGE_WINS = "Calls won by an attempt the hedge started after its delay rather than by the first";
    static final String HEDGE_CANCELLED = "Attempts the hedge cancelled because another attempt won or the caller gave up";
    static final String HEDGE_DELAY = "The delay after which the hedge starts another attempt (fixed, or the"
            + " percentile of recent latencies)";

    static final String BULKHEAD_AVAILABLE = "Free slots of the bulkhead";
    static final String BULKHEAD_MAX = "The most calls the bulkhead runs at once";
    static final String BULKHEAD_CALLS = "Calls the bulkhead admitted or rejected (kind: permitted, rejected)";

    static final String ADAPTIVE_LIMIT = "The limit the adaptive bulkhead has learned: the most calls it admits at once now";
    static final String ADAPTIVE_IN_FLIGHT = "Calls the adaptive bulkhead admitted that have not finished";
    static final String ADAPTIVE_CALLS = "Calls through the adaptive bulkhead, by outcome (kind: permitted, rejected,"
            + " dropped = a sign of overload that lowered the limit, ignored = a failure that moved nothing)";
    static final String ADAPTIVE_RTT = "Round-trip time of the adaptive bulkhead's last sampled call (0 before any)";

    static final String POOL_MAX = "The most tasks the thread-pool bulkhead runs at once";
    static final String POOL_ACTIVE = "Tasks the thread-pool bulkhead is running now";
    static final String POOL_AVAILABLE = "Threads of the thread-pool bulkhead free for more tasks";
    static final String POOL_QUEUE_DEPTH = "Tasks waiting in the thread-pool bulkhead's queue now";
    static final String POOL_QUEUE_CAPACITY = "The most tasks the thread-pool bulkhead's queue holds";
    static final String POOL_REJECTED = "Tasks the thread-pool bulkhead rejected because its threads and queue were full";

    static final String RATE_LIMITER_AVAILABLE = "Permits the rate limiter holds now (negative while callers wait"
            + " for permits reserved ahead of the rate)";
    static final String RATE_LIMITER_CALLS = "Acquisitions of permits the rate limiter granted or refused"
            + " (kind: permitted, rejected)";
    static final String RATE_LIMITER_WAIT = "Time callers of the rate limiter were told to wait for their permits, in total";
    static final String RATE_LIMITER_KEYS = "Keys the per-key rate limiter tracks now";

    static final String TIMEOUT_TIMEOUTS = "Calls the timeout ended because their time ran out (shared by the"
            + " timeout's with... copies)";
    static final String TIMEOUT_LIMIT = "The time the timeout allows each call";

    static final String CHAOS_INJECTED = "Faults the fault injector injected on purpose, by kind (exception, latency,"
            + " result); a pattern's failure meters count injected exceptions too, as the downstream's";
    static final String CHAOS_PASSED = "Calls the fault injector let through untouched while it was enabled";
    static final String CHAOS_ENABLED = "Whether the fault injector injects now: 1 while enabled, 0 while disabled";

    /** The failure rate's description: a ratio or, under Resilience4j's names, a percentage. */
    static String failureRate(MeterNaming naming) {
        return "Failure rate of the circuit breaker's window, " + scale(naming) + " (NaN when the window is empty)";
    }

    /** The slow-call rate's description; the threshold differs per breaker, so it is not in the text. */
    static String slowCallRate(MeterNaming naming) {
        return "Share of the circuit breaker's window that took at least its slow-call threshold, " + scale(naming)
                + " (NaN when the window is empty)";
    }

    private static String scale(MeterNaming naming) {
        return naming.rateScale() == 1.0 ? "a ratio from 0 to 1" : "a percentage from 0 to 100";
    }
}
