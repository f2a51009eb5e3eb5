package dev.fluxgate.micrometer;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Chaos;
import dev.fluxgate.Hedge;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryBudget;
import dev.fluxgate.ThreadPoolBulkhead;
import dev.fluxgate.Timeout;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;

/**
 * Meters for retries, bulkheads and rate limiters. They read the policies' own lifetime counters (lock-free sums),
 * so binding adds nothing to the call path; every meter holds its policy weakly.
 */
final class PolicyMeters implements MeterBinding {

    private final MeterRegistry registry;
    private final Tags tags;
    private final Queue<Meter> meters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    private PolicyMeters(MeterRegistry registry, String name, Tags userTags) {
        this.registry = registry;
        this.tags = Tags.of("name", name).and(userTags);
    }

    static MeterBinding bind(Retry retry, MeterRegistry registry, MeterNaming naming, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, retry.name(), userTags);
        m.removeEarlier(List.of(naming.retryCalls(), "fluxgate.retry.retries"));
        m.count(naming, naming.retryCalls(), "successful_without_retry", retry, Retry::successfulCallsWithoutRetry,
                MeterDescriptions.RETRY_CALLS);
        m.count(naming, naming.retryCalls(), "successful_with_retry", retry, Retry::successfulCallsWithRetry,
                MeterDescriptions.RETRY_CALLS);
        m.count(naming, naming.retryCalls(), "failed_without_retry", retry, Retry::failedCallsWithoutRetry,
                MeterDescriptions.RETRY_CALLS);
        m.count(naming, naming.retryCalls(), "failed_with_retry", retry, Retry::failedCallsWithRetry,
                MeterDescriptions.RETRY_CALLS);
        m.add(FunctionCounter.builder("fluxgate.retry.retries", retry, Retry::retries).tags(m.tags)
                .description(MeterDescriptions.RETRY_RETRIES).register(registry));
        if (retry.budget().isPresent()) {
            m.removeEarlier(List.of(RETRY_BUDGET_EXHAUSTED));
            m.add(FunctionCounter.builder(RETRY_BUDGET_EXHAUSTED, retry, Retry::budgetExhaustedCalls).tags(m.tags)
                    .description(MeterDescriptions.RETRY_BUDGET_EXHAUSTED).register(registry));
        }
        return m;
    }

    static final String RETRY_BUDGET_EXHAUSTED = "fluxgate.retry.budget.exhausted.calls";
    static final String BUDGET_RETRIES = "fluxgate.retry.budget.retries";
    static final String BUDGET_TOKENS = "fluxgate.retry.budget.tokens";

    static MeterBinding bind(RetryBudget budget, MeterRegistry registry, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, budget.name(), userTags);
        m.removeEarlier(List.of(BUDGET_RETRIES, BUDGET_TOKENS));
        m.add(FunctionCounter.builder(BUDGET_RETRIES, budget, RetryBudget::admittedRetries).tags(m.tags)
                .tag("kind", "admitted").description(MeterDescriptions.BUDGET_RETRIES).register(registry));
        m.add(FunctionCounter.builder(BUDGET_RETRIES, budget, RetryBudget::rejectedRetries).tags(m.tags)
                .tag("kind", "rejected").description(MeterDescriptions.BUDGET_RETRIES).register(registry));
        m.gauge(BUDGET_TOKENS, budget, RetryBudget::availableTokens, MeterDescriptions.BUDGET_TOKENS);
        return m;
    }

    static final String HEDGE_CALLS = "fluxgate.hedge.calls";
    static final String HEDGE_HEDGED = "fluxgate.hedge.hedged.attempts";
    static final String HEDGE_WINS = "fluxgate.hedge.wins";
    static final String HEDGE_CANCELLED = "fluxgate.hedge.cancelled.attempts";
    static final String HEDGE_DELAY = "fluxgate.hedge.delay";

    static MeterBinding bind(Hedge hedge, MeterRegistry registry, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, hedge.name(), userTags);
        m.removeEarlier(List.of(HEDGE_CALLS, HEDGE_HEDGED, HEDGE_WINS, HEDGE_CANCELLED, HEDGE_DELAY));
        m.add(FunctionCounter.builder(HEDGE_CALLS, hedge, Hedge::successfulCalls).tags(m.tags).tag("kind", "successful")
                .description(MeterDescriptions.HEDGE_CALLS).register(registry));
        m.add(FunctionCounter.builder(HEDGE_CALLS, hedge, Hedge::failedCalls).tags(m.tags).tag("kind", "failed")
                .description(MeterDescriptions.HEDGE_CALLS).register(registry));
        m.add(FunctionCounter.builder(HEDGE_HEDGED, hedge, Hedge::hedgedAttempts).tags(m.tags)
                .description(MeterDescriptions.HEDGE_HEDGED).register(registry));
        m.add(FunctionCounter.builder(HEDGE_WINS, hedge, Hedge::hedgeWins).tags(m.tags)
                .description(MeterDescriptions.HEDGE_WINS).register(registry));
        m.add(FunctionCounter.builder(HEDGE_CANCELLED, hedge, Hedge::cancelledAttempts).tags(m.tags)
                .description(MeterDescriptions.HEDGE_CANCELLED).register(registry));
        m.add(TimeGauge.builder(HEDGE_DELAY, hedge, TimeUnit.NANOSECONDS, h -> h.currentDelay().toNanos())
                .tags(m.tags).description(MeterDescriptions.HEDGE_DELAY).register(registry));
        return m;
    }

    static MeterBinding bind(Bulkhead bulkhead, MeterRegistry registry, MeterNaming naming, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, bulkhead.name(), userTags);
        m.removeEarlier(List.of(naming.bulkheadAvailable(), naming.bulkheadMax(), "fluxgate.bulkhead.calls"));
        m.gauge(naming.bulkheadAvailable(), bulkhead, Bulkhead::availablePermits, MeterDescriptions.BULKHEAD_AVAILABLE);
        m.gauge(naming.bulkheadMax(), bulkhead, Bulkhead::maxConcurrentCalls, MeterDescriptions.BULKHEAD_MAX);
        m.add(FunctionCounter.builder("fluxgate.bulkhead.calls", bulkhead, Bulkhead::permittedCalls).tags(m.tags)
                .tag("kind", "permitted").description(MeterDescriptions.BULKHEAD_CALLS).register(registry));
        m.add(FunctionCounter.builder("fluxgate.bulkhead.calls", bulkhead, Bulkhead::rejectedCalls).tags(m.tags)
                .tag("kind", "rejected").description(MeterDescriptions.BULKHEAD_CALLS).register(registry));
        return m;
    }

    static final String ADAPTIVE_LIMIT = "fluxgate.adaptive.bulkhead.limit";
    static final String ADAPTIVE_IN_FLIGHT = "fluxgate.adaptive.bulkhead.in.flight";
    static final String ADAPTIVE_CALLS = "fluxgate.adaptive.bulkhead.calls";
    static final String ADAPTIVE_RTT = "fluxgate.adaptive.bulkhead.rtt";

    static MeterBinding bind(AdaptiveBulkhead bulkhead, MeterRegistry registry, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, bulkhead.name(), userTags);
        m.removeEarlier(List.of(ADAPTIVE_LIMIT, ADAPTIVE_IN_FLIGHT, ADAPTIVE_CALLS, ADAPTIVE_RTT));
        m.gauge(ADAPTIVE_LIMIT, bulkhead, AdaptiveBulkhead::limit, MeterDescriptions.ADAPTIVE_LIMIT);
        m.gauge(ADAPTIVE_IN_FLIGHT, bulkhead, AdaptiveBulkhead::inFlight, MeterDescriptions.ADAPTIVE_IN_FLIGHT);
        m.adaptiveCount(bulkhead, "permitted", AdaptiveBulkhead::permittedCalls);
        m.adaptiveCount(bulkhead, "rejected", AdaptiveBulkhead::rejectedCalls);
        m.adaptiveCount(bulkhead, "dropped", AdaptiveBulkhead::droppedCalls);
        m.adaptiveCount(bulkhead, "ignored", AdaptiveBulkhead::ignoredCalls);
        m.add(TimeGauge.builder(ADAPTIVE_RTT, bulkhead, TimeUnit.NANOSECONDS, b -> b.lastRtt().toNanos())
                .tags(m.tags).description(MeterDescriptions.ADAPTIVE_RTT).register(registry));
        return m;
    }

    private void adaptiveCount(AdaptiveBulkhead bulkhead, String kind, ToDoubleFunction<AdaptiveBulkhead> f) {
        add(FunctionCounter.builder(ADAPTIVE_CALLS, bulkhead, f).tags(tags).tag("kind", kind)
                .description(MeterDescriptions.ADAPTIVE_CALLS).register(registry));
    }

    static MeterBinding bind(ThreadPoolBulkhead pool, MeterRegistry registry, MeterNaming naming, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, pool.name(), userTags);
        String max = naming.threadPool("max.thread.pool.size");
        String active = naming.threadPool("active.thread.count");
        String available = naming.threadPool("available.thread.count");
        String depth = naming.threadPool("queue.depth");
        String capacity = naming.threadPool("queue.capacity");
        String rejected = "fluxgate.bulkhead.thread.pool.rejected.calls";
        m.removeEarlier(List.of(max, active, available, depth, capacity, rejected));
        m.gauge(max, pool, ThreadPoolBulkhead::maxThreads, MeterDescriptions.POOL_MAX);
        m.gauge(active, pool, ThreadPoolBulkhead::activeThreads, MeterDescriptions.POOL_ACTIVE);
        m.gauge(available, pool, p -> p.maxThreads() - p.activeThreads(), MeterDescriptions.POOL_AVAILABLE);
        m.gauge(depth, pool, ThreadPoolBulkhead::queueDepth, MeterDescriptions.POOL_QUEUE_DEPTH);
        m.gauge(capacity, pool, ThreadPoolBulkhead::queueCapacity, MeterDescriptions.POOL_QUEUE_CAPACITY);
        m.add(FunctionCounter.builder(rejected, pool, ThreadPoolBulkhead::rejectedCalls).tags(m.tags)
                .description(MeterDescriptions.POOL_REJECTED).register(registry));
        return m;
    }

    static final String RATE_LIMITER_CALLS = "fluxgate.ratelimiter.calls";
    static final String RATE_LIMITER_WAIT = "fluxgate.ratelimiter.wait.time";
    static final String RATE_LIMITER_KEYS = "fluxgate.ratelimiter.keys";

    static MeterBinding bind(RateLimiter limiter, MeterRegistry registry, MeterNaming naming, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, limiter.name(), userTags);
        m.removeEarlier(List.of(naming.rateLimiterAvailable(), RATE_LIMITER_CALLS, RATE_LIMITER_WAIT));
        m.gauge(naming.rateLimiterAvailable(), limiter, RateLimiter::availablePermits,
                MeterDescriptions.RATE_LIMITER_AVAILABLE);
        m.limiterCounts(limiter, RateLimiter::permittedCalls, RateLimiter::rejectedCalls,
                r -> r.totalWaitTime().toNanos() / 1e9);
        return m;
    }

    static MeterBinding bind(RateLimiter.PerKey<?> limiter, MeterRegistry registry, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, limiter.name(), userTags);
        m.removeEarlier(List.of(RATE_LIMITER_KEYS, RATE_LIMITER_CALLS, RATE_LIMITER_WAIT));
        m.gauge(RATE_LIMITER_KEYS, limiter, RateLimiter.PerKey::size, MeterDescriptions.RATE_LIMITER_KEYS);
        m.limiterCounts(limiter, RateLimiter.PerKey::permittedCalls, RateLimiter.PerKey::rejectedCalls,
                r -> r.totalWaitTime().toNanos() / 1e9);
        return m;
    }

    static final String TIMEOUT_TIMEOUTS = "fluxgate.timeout.timeouts";
    static final String TIMEOUT_LIMIT = "fluxgate.timeout.limit";

    /** Resilience4j has no meters of this shape, so the names are Fluxgate's under every preset. */
    static MeterBinding bind(Timeout timeout, MeterRegistry registry, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, timeout.name(), userTags);
        m.removeEarlier(List.of(TIMEOUT_TIMEOUTS, TIMEOUT_LIMIT));
        m.add(FunctionCounter.builder(TIMEOUT_TIMEOUTS, timeout, Timeout::timeouts).tags(m.tags)
                .description(MeterDescriptions.TIMEOUT_TIMEOUTS).register(registry));
        m.add(TimeGauge.builder(TIMEOUT_LIMIT, timeout, TimeUnit.NANOSECONDS, t -> t.timeout().toNanos())
                .tags(m.tags).description(MeterDescriptions.TIMEOUT_LIMIT).register(registry));
        return m;
    }

    static final String CHAOS_INJECTED = "fluxgate.chaos.injected";
    static final String CHAOS_PASSED = "fluxgate.chaos.passed.through";
    static final String CHAOS_ENABLED = "fluxgate.chaos.enabled";

    /** Injected faults under their own name, never under a pattern's failure meters, so none is taken for a real one. */
    static MeterBinding bind(Chaos chaos, MeterRegistry registry, Tags userTags) {
        PolicyMeters m = new PolicyMeters(registry, chaos.name(), userTags);
        m.removeEarlier(List.of(CHAOS_INJECTED, CHAOS_PASSED, CHAOS_ENABLED));
        for (Chaos.Kind kind : Chaos.Kind.values()) {
            m.add(FunctionCounter.builder(CHAOS_INJECTED, chaos, c -> c.injected(kind)).tags(m.tags)
                    .tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT))
                    .description(MeterDescriptions.CHAOS_INJECTED).register(registry));
        }
        m.add(FunctionCounter.builder(CHAOS_PASSED, chaos, Chaos::passedThrough).tags(m.tags)
                .description(MeterDescriptions.CHAOS_PASSED).register(registry));
        m.gauge(CHAOS_ENABLED, chaos, c -> c.isEnabled() ? 1 : 0, MeterDescriptions.CHAOS_ENABLED);
        return m;
    }

    /** Calls by kind and the total wait: one family for single and per-key limiters alike. */
    private <T> void limiterCounts(T limiter, ToDoubleFunction<T> permitted, ToDoubleFunction<T> rejected,
            ToDoubleFunction<T> waitSeconds) {
        add(FunctionCounter.builder(RATE_LIMITER_CALLS, limiter, permitted).tags(tags).tag("kind", "permitted")
                .description(MeterDescriptions.RATE_LIMITER_CALLS).register(registry));
        add(FunctionCounter.builder(RATE_LIMITER_CALLS, limiter, rejected).tags(tags).tag("kind", "rejected")
                .description(MeterDescriptions.RATE_LIMITER_CALLS).register(registry));
        add(FunctionCounter.builder(RATE_LIMITER_WAIT, limiter, waitSeconds).tags(tags).baseUnit("seconds")
                .description(MeterDescriptions.RATE_LIMITER_WAIT).register(registry));
    }

    private void removeEarlier(List<String> names) {
        for (String name : names) {
            registry.find(name).tags(tags).meters().forEach(registry::remove);
        }
    }

    private <T> void count(MeterNaming naming, String name, String kind, T obj, ToDoubleFunction<T> f,
            String description) {
        add(naming.countsAsGauges()
                ? Gauge.builder(name, obj, f).tags(tags).tag("kind", kind).description(description).register(registry)
                : FunctionCounter.builder(name, obj, f).tags(tags).tag("kind", kind).description(description)
                        .register(registry));
    }

    private <T> void gauge(String name, T obj, ToDoubleFunction<T> f, String description) {
        add(Gauge.builder(name, obj, f).tags(tags).description(description).register(registry));
    }

    private void add(Meter meter) {
        meters.add(meter);
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (Meter m; (m = meters.poll()) != null; ) {
                removeIfStillRegistered(m);
            }
        }
    }

    /**
     * Micrometer removes by id: a later binding under the same name (which replaced these meters)
     * must keep its own.
     */
    private void removeIfStillRegistered(Meter m) {
        Meter.Id id = m.getId();
        for (Meter current : registry.find(id.getName()).tags(id.getTagsAsIterable()).meters()) {
            if (current == m) {
                registry.remove(m);
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "MeterBinding[" + tags + "]";
    }
}
