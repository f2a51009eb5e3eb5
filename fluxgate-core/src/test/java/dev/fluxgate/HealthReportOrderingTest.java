package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reports and registries list their components by name whatever order they come in (a readiness
 * page and its JSON read the same on every probe), and the report's JSON details.
 */
class HealthReportOrderingTest {

    /** Names whose hash order (a ConcurrentHashMap's iteration order) is not their sorted order. */
    private static final List<String> NAMES = List.of("search", "payments", "inventory", "auth", "email", "zebra",
            "catalog");
    private static final List<String> SORTED = NAMES.stream().sorted().toList();

    @Test
    void aRegistryListsItsBreakersByName() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        NAMES.forEach(registry::get);
        assertThat(registry.all()).extracting(CircuitBreaker::name).containsExactlyElementsOf(SORTED);
    }

    @Test
    void aReportListsBreakersAndBulkheadsByNameWhateverOrderTheyCameIn() {
        List<CircuitBreaker> breakers = NAMES.stream().map(CircuitBreaker::ofDefaults).toList();
        List<Bulkhead> bulkheads = NAMES.stream().map(n -> Bulkhead.of(n, 2)).toList();

        HealthReport report = HealthReport.of(breakers, bulkheads);

        assertThat(report.breakers()).extracting(HealthReport.BreakerHealth::name).containsExactlyElementsOf(SORTED);
        assertThat(report.bulkheads()).extracting(HealthReport.BulkheadHealth::name).containsExactlyElementsOf(SORTED);
        assertThat(report).hasToString("HealthReport(UP, 7 breakers, 7 bulkheads, 0 rate limiters)");
    }

    @Test
    void aReportOfARegistryAndBulkheadsKeepsTheBulkheads() throws Exception {
        Bulkhead full = Bulkhead.of("pool", 1);
        full.acquirePermission();
        HealthReport report = HealthReport.of(CircuitBreakerRegistry.ofDefaults(), List.of(full));
        assertThat(report.bulkheads()).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("pool");
            assertThat(b.status()).isEqualTo(HealthReport.Status.DEGRADED);
            assertThat(b.availablePermits()).isZero();
            assertThat(b.maxConcurrentCalls()).isEqualTo(1);
        });
        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
    }

    @Test
    void namesWithSpacesAndPrintableCharactersAreNotEscaped() {
        StringBuilder out = new StringBuilder();
        HealthReport.string(out, "order service ~!");
        assertThat(out).hasToString("\"order service ~!\"");
        StringBuilder control = new StringBuilder();
        HealthReport.string(control, "\u001f\u007f");
        assertThat(control).hasToString("\"\\u001f\u007f\"");
    }

    @Test
    void aMeasuredBreakerReportsItsAverageDurationAndAnEmptyWindowNone() throws Exception {
        TestTicker ticker = new TestTicker();
        CircuitBreaker cb = CircuitBreaker.builder("timed").ticker(ticker).slowCallThreshold(Duration.ofSeconds(1))
                .tripper(Tripper.failureStreak(5)).build();
        String empty = HealthReport.of(List.of(cb), List.of()).toJson();
        assertThat(empty).contains("\"failureRate\":null").contains("\"averageDuration\":null");

        cb.call(() -> {
            ticker.advance(Duration.ofMillis(250));
            return "ok";
        });
        try {
            cb.call(() -> {
                ticker.advance(Duration.ofMillis(750));
                throw new IOException("down");
            });
        } catch (IOException expected) {
            // recorded as a failure
        }

        String json = HealthReport.of(List.of(cb), List.of()).toJson();
        assertThat(json).contains("\"failureRate\":0.5,\"calls\":2").contains("\"averageDuration\":\"PT0.5S\"");
    }
}
