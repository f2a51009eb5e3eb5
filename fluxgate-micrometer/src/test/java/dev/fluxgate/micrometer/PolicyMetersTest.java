package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.Retry;
import dev.fluxgate.ThreadPoolBulkhead;
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
}
