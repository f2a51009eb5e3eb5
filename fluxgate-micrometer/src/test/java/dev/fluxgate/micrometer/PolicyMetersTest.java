package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Chaos;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Hedge;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryBudget;
import dev.fluxgate.ThreadPoolBulkhead;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicyMetersTest {

    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private String sample(String nameAndLabels) {
        return Arrays.stream(prometheus.scrape().split("\n"))
                .filter(l -> l.startsWith(nameAndLabels + " "))
                .findFirst()
                .map(l -> l.substring(nameAndLabels.length() + 1))
                .orElseThrow(() -> new AssertionError("no sample " + nameAndLabels + " in\n" + prometheus.scrape()));
    }

    private static Retry retry() {
        return Retry.builder("inventory").maxAttempts(3).sleeper(nanos -> { }).build();
    }

    private static void exercise(Retry retry) {
        retry.run(() -> { });
        AtomicInteger attempts = new AtomicInteger();
        retry.run(() -> {
            if (attempts.incrementAndGet() < 2) {
                throw new IllegalStateException("once");
            }
        });
        assertThatThrownBy(() -> retry.run(() -> {
            throw new IllegalStateException("always");
        })).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void retryCallsAndRetriesAreCounted() {
        Retry retry = retry();
        MeterBinding binding = CircuitBreakerMeters.create().bind(retry, prometheus);
        assertThat(sample("fluxgate_retry_calls_total{kind=\"successful_without_retry\",name=\"inventory\"}")).isEqualTo("0.0");
        exercise(retry);

        assertThat(sample("fluxgate_retry_calls_total{kind=\"successful_without_retry\",name=\"inventory\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_retry_calls_total{kind=\"successful_with_retry\",name=\"inventory\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_retry_calls_total{kind=\"failed_with_retry\",name=\"inventory\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_retry_calls_total{kind=\"failed_without_retry\",name=\"inventory\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_retry_retries_total{name=\"inventory\"}")).isEqualTo("3.0");

        binding.close();
        assertThat(prometheus.getMeters()).isEmpty();
    }

    @Test
    void aRetryBudgetAndTheCallsItEndedAreCounted() {
        RetryBudget budget = RetryBudget.builder("inventory-budget").ratio(0.1).minRetriesPerSecond(0.001)
                .maxTokens(2).ticker(() -> 0L).build();
        Retry retry = Retry.builder("inventory").maxAttempts(3).sleeper(nanos -> { }).budget(budget).build();
        CircuitBreakerMeters meters = CircuitBreakerMeters.create();
        MeterBinding budgetMeters = meters.bind(budget, prometheus);
        MeterBinding retryMeters = meters.bind(retry, prometheus);
        assertThat(sample("fluxgate_retry_budget_tokens{name=\"inventory-budget\"}")).isEqualTo("2.0");

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> retry.run(() -> {
                throw new IllegalStateException("down");
            })).isInstanceOf(IllegalStateException.class);
        }

        // Call 1: two retries take both tokens. Call 2: its first attempt's 0.1 buys nothing.
        assertThat(sample("fluxgate_retry_budget_retries_total{kind=\"admitted\",name=\"inventory-budget\"}"))
                .isEqualTo("2.0");
        assertThat(sample("fluxgate_retry_budget_retries_total{kind=\"rejected\",name=\"inventory-budget\"}"))
                .isEqualTo("1.0");
        assertThat(Double.parseDouble(sample("fluxgate_retry_budget_tokens{name=\"inventory-budget\"}")))
                .isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(sample("fluxgate_retry_budget_exhausted_calls_total{name=\"inventory\"}")).isEqualTo("1.0");

        budgetMeters.close();
        retryMeters.close();
        assertThat(prometheus.getMeters()).isEmpty();
    }

    @Test
    void aRetryWithoutABudgetHasNoBudgetMeter() {
        CircuitBreakerMeters.create().bind(retry(), prometheus);
        assertThat(prometheus.find("fluxgate.retry.budget.exhausted.calls").meters()).isEmpty();
    }

    @Test
    void hedgeCallsAttemptsAndDelayAreScraped() throws Exception {
        Hedge hedge = Hedge.builder("search").delay(java.time.Duration.ofMillis(250)).build();
        MeterBinding binding = CircuitBreakerMeters.create().bind(hedge, prometheus);
        assertThat(hedge.call(() -> "fast")).isEqualTo("fast");
        assertThatThrownBy(() -> hedge.call(() -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);

        assertThat(sample("fluxgate_hedge_calls_total{kind=\"successful\",name=\"search\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_hedge_calls_total{kind=\"failed\",name=\"search\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_hedge_hedged_attempts_total{name=\"search\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_hedge_wins_total{name=\"search\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_hedge_cancelled_attempts_total{name=\"search\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_hedge_delay_seconds{name=\"search\"}")).isEqualTo("0.25");

        binding.close();
        assertThat(prometheus.getMeters()).isEmpty();
    }

    @Test
    void aRegistryOfHedgesIsFollowed() {
        Registry<Hedge, Hedge.Builder> hedges = Registry.ofHedges();
        CircuitBreakerMeters.create().bindHedges(hedges, prometheus);
        hedges.get("search");
        assertThat(sample("fluxgate_hedge_delay_seconds{name=\"search\"}")).isEqualTo("0.1");
        hedges.remove("search");
        assertThat(prometheus.find("fluxgate.hedge.delay").meters()).isEmpty();
    }

    @Test
    void closingAReplacedBindingKeepsTheNewMeters() {
        MeterBinding old = CircuitBreakerMeters.create().bind(Bulkhead.of("db", 1), prometheus);
        CircuitBreakerMeters.create().bind(Bulkhead.of("db", 3), prometheus);
        old.close();
        assertThat(sample("fluxgate_bulkhead_max_allowed_concurrent_calls{name=\"db\"}")).isEqualTo("3.0");
    }

    @Test
    void resilience4jPresetPublishesRetryCallsAsGauges() {
        Retry retry = retry();
        CircuitBreakerMeters.create().withNaming(MeterNaming.RESILIENCE4J).bind(retry, prometheus);
        exercise(retry);
        assertThat(sample("resilience4j_retry_calls{kind=\"successful_with_retry\",name=\"inventory\"}")).isEqualTo("1.0");
        assertThat(sample("resilience4j_retry_calls{kind=\"failed_with_retry\",name=\"inventory\"}")).isEqualTo("1.0");
    }

    @Test
    void bulkheadSlotsAndRejectionsAreScraped() {
        Bulkhead bulkhead = Bulkhead.of("db", 2);
        CircuitBreakerMeters.create().withTags("app", "shop").bind(bulkhead, prometheus);
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThat(bulkhead.tryAcquirePermission()).isFalse();

        assertThat(sample("fluxgate_bulkhead_available_concurrent_calls{app=\"shop\",name=\"db\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_bulkhead_max_allowed_concurrent_calls{app=\"shop\",name=\"db\"}")).isEqualTo("2.0");
        assertThat(sample("fluxgate_bulkhead_calls_total{app=\"shop\",kind=\"permitted\",name=\"db\"}")).isEqualTo("2.0");
        assertThat(sample("fluxgate_bulkhead_calls_total{app=\"shop\",kind=\"rejected\",name=\"db\"}")).isEqualTo("1.0");
        bulkhead.releasePermission();
        assertThat(sample("fluxgate_bulkhead_available_concurrent_calls{app=\"shop\",name=\"db\"}")).isEqualTo("1.0");
    }

    @Test
    void threadPoolBulkheadThreadsAndQueueAreScraped() throws Exception {
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("mail", 1, 1)) {
            CircuitBreakerMeters.create().withNaming(MeterNaming.RESILIENCE4J).bind(pool, prometheus);
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> running = pool.submit(() -> {
                started.countDown();
                return release.await(10, TimeUnit.SECONDS);
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<String> queued = pool.submit(() -> "queued");
            CompletableFuture<String> rejected = pool.submit(() -> "rejected");
            assertThat(rejected).isCompletedExceptionally();

            assertThat(sample("resilience4j_bulkhead_max_thread_pool_size{name=\"mail\"}")).isEqualTo("1.0");
            assertThat(sample("resilience4j_bulkhead_active_thread_count{name=\"mail\"}")).isEqualTo("1.0");
            assertThat(sample("resilience4j_bulkhead_available_thread_count{name=\"mail\"}")).isEqualTo("0.0");
            assertThat(sample("resilience4j_bulkhead_queue_depth{name=\"mail\"}")).isEqualTo("1.0");
            assertThat(sample("resilience4j_bulkhead_queue_capacity{name=\"mail\"}")).isEqualTo("1.0");
            assertThat(sample("fluxgate_bulkhead_thread_pool_rejected_calls_total{name=\"mail\"}")).isEqualTo("1.0");

            release.countDown();
            assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(true);
            assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("queued");
        }
    }

    @Test
    void rateLimiterPermitsCallsAndWaitsAreScraped() throws Exception {
        ManualTicker ticker = new ManualTicker();
        RateLimiter limiter = RateLimiter.builder("api").rate(10, Duration.ofSeconds(1)).burst(2).ticker(ticker)
                .maxWait(Duration.ofMillis(500)).sleeper(nanos -> ticker.advance(Duration.ofNanos(nanos))).build();
        MeterBinding binding = CircuitBreakerMeters.create().withTags("app", "shop").bind(limiter, prometheus);
        assertThat(sample("fluxgate_ratelimiter_available_permissions{app=\"shop\",name=\"api\"}")).isEqualTo("2.0");
        limiter.acquire(2);
        limiter.acquire(); // waits 100 ms
        assertThat(limiter.tryAcquire()).isFalse();

        assertThat(sample("fluxgate_ratelimiter_available_permissions{app=\"shop\",name=\"api\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_ratelimiter_calls_total{app=\"shop\",kind=\"permitted\",name=\"api\"}")).isEqualTo("2.0");
        assertThat(sample("fluxgate_ratelimiter_calls_total{app=\"shop\",kind=\"rejected\",name=\"api\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_ratelimiter_wait_time_seconds_total{app=\"shop\",name=\"api\"}")).isEqualTo("0.1");
        binding.close();
        assertThat(prometheus.getMeters()).isEmpty();
    }

    @Test
    void resilience4jPresetNamesTheAvailablePermitsAsResilience4jDoes() {
        RateLimiter limiter = RateLimiter.of("api", 5, Duration.ofSeconds(1));
        CircuitBreakerMeters.create().withNaming(MeterNaming.RESILIENCE4J).bind(limiter, prometheus);
        assertThat(sample("resilience4j_ratelimiter_available_permissions{name=\"api\"}")).isEqualTo("5.0");
    }

    @Test
    void aPerKeyLimiterHasOneSetOfMetersForAllItsKeys() {
        RateLimiter.PerKey<String> perTenant = RateLimiter.perKey(RateLimiter.builder("tenants")
                .rate(1, Duration.ofSeconds(1))).build();
        CircuitBreakerMeters.create().bind(perTenant, prometheus);
        perTenant.tryAcquire("a");
        perTenant.tryAcquire("a");
        perTenant.tryAcquire("b");
        assertThat(sample("fluxgate_ratelimiter_keys{name=\"tenants\"}")).isEqualTo("2.0");
        assertThat(sample("fluxgate_ratelimiter_calls_total{kind=\"permitted\",name=\"tenants\"}")).isEqualTo("2.0");
        assertThat(sample("fluxgate_ratelimiter_calls_total{kind=\"rejected\",name=\"tenants\"}")).isEqualTo("1.0");
        assertThat(prometheus.scrape()).as("no meter per key").doesNotContain("\"a\"", "\"b\"");
    }

    @Test
    void aRegistryOfRateLimitersIsFollowedAndARemovedLimiterLosesItsMeters() {
        Registry<RateLimiter, RateLimiter.Builder> limiters = Registry.ofRateLimiters();
        limiters.get("early");
        MeterBinding binding = CircuitBreakerMeters.create().bindRateLimiters(limiters, prometheus);
        limiters.get("late").tryAcquire();
        assertThat(sample("fluxgate_ratelimiter_calls_total{kind=\"permitted\",name=\"late\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_ratelimiter_available_permissions{name=\"early\"}")).isEqualTo("100.0");
        limiters.remove("late");
        assertThat(prometheus.scrape()).doesNotContain("name=\"late\"");
        binding.close();
        assertThat(prometheus.getMeters()).isEmpty();
    }

    @Test
    void injectedFaultsAreCountedByKindUnderTheirOwnNameBesideTheBreakersFailures() throws Exception {
        Chaos chaos = Chaos.builder("payments").exception(0.5).result(0.25, "fake").seed(11).enabled(true).build();
        CircuitBreaker breaker = CircuitBreaker.builder("payments").tripper(Tripper.failureStreak(1_000)).build();
        CircuitBreakerMeters meters = CircuitBreakerMeters.create();
        MeterBinding chaosBinding = meters.bind(chaos, prometheus);
        meters.bind(breaker, prometheus);
        assertThat(sample("fluxgate_chaos_enabled{name=\"payments\"}")).isEqualTo("1.0");
        int thrown = 0;
        for (int i = 0; i < 100; i++) {
            try {
                breaker.call(() -> chaos.call(() -> "real"));
            } catch (dev.fluxgate.ChaosException e) {
                thrown++;
            }
        }
        assertThat(thrown).isBetween(30, 70);
        assertThat(sample("fluxgate_chaos_injected_total{kind=\"exception\",name=\"payments\"}")).isEqualTo(thrown + ".0");
        assertThat(sample("fluxgate_chaos_injected_total{kind=\"result\",name=\"payments\"}"))
                .isEqualTo(chaos.injected(Chaos.Kind.RESULT) + ".0");
        assertThat(sample("fluxgate_chaos_injected_total{kind=\"latency\",name=\"payments\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_chaos_passed_through_total{name=\"payments\"}"))
                .isEqualTo(chaos.passedThrough() + ".0");
        assertThat(sample("fluxgate_circuitbreaker_calls_seconds_count{kind=\"failed\",name=\"payments\"}"))
                .as("the breaker counts injected failures as failures; the injected count tells how many were on purpose")
                .isEqualTo(String.valueOf(thrown));
        chaos.disable();
        assertThat(sample("fluxgate_chaos_enabled{name=\"payments\"}")).isEqualTo("0.0");
        chaosBinding.close();
        assertThat(prometheus.scrape()).doesNotContain("fluxgate_chaos");
    }

    @Test
    void aRegistryOfChaosIsFollowedAndARemovedOneLosesItsMeters() {
        Registry<Chaos, Chaos.Builder> all = Registry.ofChaos(Chaos.builder("d").exception(1.0).enabled(true));
        MeterBinding binding = CircuitBreakerMeters.create().bindChaos(all, prometheus);
        assertThatThrownBy(() -> all.get("late").call(() -> "x")).isInstanceOf(dev.fluxgate.ChaosException.class);
        assertThat(sample("fluxgate_chaos_injected_total{kind=\"exception\",name=\"late\"}")).isEqualTo("1.0");
        all.remove("late");
        assertThat(prometheus.scrape()).doesNotContain("name=\"late\"");
        binding.close();
        assertThat(prometheus.getMeters()).isEmpty();
    }

    @Test
    void adaptiveBulkheadLimitInFlightCallsAndRttAreScraped() {
        ManualTicker ticker = new ManualTicker();
        AdaptiveBulkhead bulkhead = AdaptiveBulkhead.builder("search").algorithm(AdaptiveBulkhead.Algorithm.AIMD)
                .limits(1, 2, 10).ticker(ticker).build();
        MeterBinding binding = CircuitBreakerMeters.create().withTags("app", "shop").bind(bulkhead, prometheus);
        AdaptiveBulkhead.Lease lease = bulkhead.acquire();
        AdaptiveBulkhead.Lease dropped = bulkhead.acquire();
        assertThat(bulkhead.tryAcquire()).isNull();
        assertThat(sample("fluxgate_adaptive_bulkhead_in_flight{app=\"shop\",name=\"search\"}")).isEqualTo("2.0");
        ticker.advance(Duration.ofMillis(250));
        dropped.onDropped(); // 2 * 0.9: the limit falls to 1
        lease.release(); // no sample

        assertThat(sample("fluxgate_adaptive_bulkhead_limit{app=\"shop\",name=\"search\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_adaptive_bulkhead_in_flight{app=\"shop\",name=\"search\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_adaptive_bulkhead_calls_total{app=\"shop\",kind=\"permitted\",name=\"search\"}"))
                .isEqualTo("2.0");
        assertThat(sample("fluxgate_adaptive_bulkhead_calls_total{app=\"shop\",kind=\"rejected\",name=\"search\"}"))
                .isEqualTo("1.0");
        assertThat(sample("fluxgate_adaptive_bulkhead_calls_total{app=\"shop\",kind=\"dropped\",name=\"search\"}"))
                .isEqualTo("1.0");
        assertThat(sample("fluxgate_adaptive_bulkhead_rtt_seconds{app=\"shop\",name=\"search\"}")).isEqualTo("0.25");
        binding.close();
        assertThat(prometheus.scrape()).doesNotContain("fluxgate_adaptive_bulkhead");
    }
}
