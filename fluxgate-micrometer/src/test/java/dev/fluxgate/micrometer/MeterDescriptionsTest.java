package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Retry;
import dev.fluxgate.ThreadPoolBulkhead;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import dev.fluxgate.test.ManualTicker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Prometheus shows one {@code # HELP} line per meter family (all tag values of one name): each
 * description must describe the family, the same for every tag value and every breaker.
 */
class MeterDescriptionsTest {

    /** Two breakers with different slow-call thresholds, a retry, a bulkhead and a thread pool. */
    private static void bindEverything(MeterRegistry registry, MeterNaming naming, ThreadPoolBulkhead pool) {
        CircuitBreakerMeters meters = CircuitBreakerMeters.create().withNaming(naming);
        ManualTicker ticker = new ManualTicker();
        CircuitBreaker payments = CircuitBreaker.builder("payments").window(Window.count(10))
                .tripper(Tripper.minRequests(5).and(Tripper.slowRate(0.5, Duration.ofSeconds(1))))
                .ticker(ticker).build();
        CircuitBreaker search = CircuitBreaker.builder("search").window(Window.count(10))
                .tripper(Tripper.minRequests(5).and(Tripper.slowRate(0.5, Duration.ofSeconds(2))))
                .ticker(ticker).build();
        meters.bind(payments, registry);
        meters.bind(search, registry);
        payments.forceOpen(); // a manual transition registers one more counter of the family
        meters.bind(Retry.builder("payments").maxAttempts(2).sleeper(nanos -> { }).build(), registry);
        dev.fluxgate.RetryBudget budget = dev.fluxgate.RetryBudget.builder("payments-budget").build();
        meters.bind(budget, registry);
        meters.bind(Retry.builder("refunds").sleeper(nanos -> { }).budget(budget).build(), registry);
        meters.bind(dev.fluxgate.Hedge.builder("search").build(), registry);
        meters.bind(Bulkhead.of("payments", 2), registry);
        meters.bind(pool, registry);
        meters.bind(RateLimiter.of("payments", 10, Duration.ofSeconds(1)), registry);
        meters.bind(RateLimiter.perKey(RateLimiter.builder("tenants")).build(), registry);
        meters.bind(dev.fluxgate.Chaos.builder("payments").exception(0.1).build(), registry);
        meters.bind(dev.fluxgate.Timeout.builder("payments").build(), registry);
        meters.bind(dev.fluxgate.Timeout.builder("search").timeout(Duration.ofMillis(200)).build(), registry);
    }

    private static Map<String, Set<String>> descriptionsByName(MeterRegistry registry) {
        return registry.getMeters().stream().map(Meter::getId).collect(Collectors.groupingBy(Meter.Id::getName,
                TreeMap::new, Collectors.mapping(id -> String.valueOf(id.getDescription()),
                        Collectors.toCollection(TreeSet::new))));
    }

    @ParameterizedTest
    @EnumSource(MeterNaming.class)
    void everyMeterNameHasOneDescriptionAcrossItsTagsAndBreakers(MeterNaming naming) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("mail", 1, 1)) {
            bindEverything(prometheus, naming, pool);
            Map<String, Set<String>> descriptions = descriptionsByName(prometheus);
            assertThat(descriptions).containsKeys(naming.calls(), naming.state(), naming.retryCalls(),
                    naming.slowCallRate(), BreakerMeters.TRANSITIONS, "fluxgate.bulkhead.calls",
                    "fluxgate.retry.budget.retries", "fluxgate.retry.budget.exhausted.calls", "fluxgate.hedge.calls",
                    naming.rateLimiterAvailable(), "fluxgate.ratelimiter.calls", "fluxgate.ratelimiter.wait.time",
                    "fluxgate.ratelimiter.keys", "fluxgate.timeout.timeouts", "fluxgate.timeout.limit");
            descriptions.forEach((name, texts) -> assertThat(texts).as(name).hasSize(1)
                    .allSatisfy(text -> assertThat(text).isNotBlank().isNotEqualTo("null")));
        }
    }

    @ParameterizedTest
    @EnumSource(MeterNaming.class)
    void eachPrometheusHelpLineDescribesItsWholeFamily(MeterNaming naming) {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("mail", 1, 1)) {
            bindEverything(prometheus, naming, pool);
            Map<String, String> help = new TreeMap<>();
            Arrays.stream(prometheus.scrape().split("\n")).filter(l -> l.startsWith("# HELP ")).forEach(l -> {
                String[] parts = l.substring("# HELP ".length()).split(" ", 2);
                help.put(parts[0], parts.length > 1 ? parts[1] : "");
            });
            String root = naming == MeterNaming.FLUXGATE ? "fluxgate" : "resilience4j";

            // The two families the issue names: they used to carry one tag value's description.
            assertThat(help.get(root + "_circuitbreaker_calls_seconds")).isEqualTo(MeterDescriptions.CALLS)
                    .contains("successful", "failed", "ignored");
            String retryCalls = naming.countsAsGauges() ? root + "_retry_calls" : root + "_retry_calls_total";
            assertThat(help.get(retryCalls)).isEqualTo(MeterDescriptions.RETRY_CALLS)
                    .contains("successful_without_retry", "successful_with_retry", "failed_without_retry",
                            "failed_with_retry");
            // Under both breakers' thresholds: no one breaker's threshold in the family's text.
            assertThat(help.get(root + "_circuitbreaker_slow_call_rate"))
                    .isEqualTo(MeterDescriptions.slowCallRate(naming)).doesNotContain("PT1S", "PT2S");
            assertThat(help.get(root + "_circuitbreaker_failure_rate"))
                    .contains(naming == MeterNaming.FLUXGATE ? "ratio" : "percentage");

            // Every family of ours has a HELP line, and it is the single description of its meter name.
            Map<String, Set<String>> descriptions = descriptionsByName(prometheus);
            for (Map.Entry<String, Set<String>> e : descriptions.entrySet()) {
                String family = e.getKey().replace('.', '_');
                assertThat(help).as("HELP of %s", e.getKey())
                        .hasEntrySatisfying(help.keySet().stream().filter(f -> f.startsWith(family)).findFirst()
                                .orElseThrow(() -> new AssertionError("no HELP for " + family + " in " + help)),
                                text -> assertThat(text).isEqualTo(e.getValue().iterator().next()));
            }
        }
    }
}
