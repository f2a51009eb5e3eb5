package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthReportTest {

    private final TestTicker ticker = new TestTicker();

    private CircuitBreakerRegistry registry() {
        return CircuitBreakerRegistry.of(CircuitBreaker.builder("default").ticker(ticker)
                .tripper(Tripper.failureStreak(1)).permit(Permit.all()).cooldown(Cooldown.fixed(Duration.ofSeconds(10))));
    }

    private static void fail(CircuitBreaker cb) {
        try {
            cb.call(() -> {
                throw new IOException("down");
            });
        } catch (Exception expected) {
            // recorded
        }
    }

    @Test
    void mapsEachStateToItsStatus() {
        assertThat(HealthReport.Status.of(State.CLOSED)).isEqualTo(HealthReport.Status.UP);
        assertThat(HealthReport.Status.of(State.METRICS_ONLY)).isEqualTo(HealthReport.Status.UP);
        assertThat(HealthReport.Status.of(State.DISABLED)).isEqualTo(HealthReport.Status.UP);
        assertThat(HealthReport.Status.of(State.HALF_OPEN)).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(HealthReport.Status.of(State.OPEN)).isEqualTo(HealthReport.Status.DOWN);
        assertThat(HealthReport.Status.of(State.FORCED_OPEN)).isEqualTo(HealthReport.Status.DOWN);
    }

    @Test
    void overallStatusIsTheWorstComponent() throws Exception {
        CircuitBreakerRegistry registry = registry();
        CircuitBreaker db = registry.get("db");
        CircuitBreaker payments = registry.get("payments");
        db.call(() -> "ok");
        assertThat(HealthReport.of(registry).status()).isEqualTo(HealthReport.Status.UP);

        fail(payments);
        ticker.advance(Duration.ofMillis(1500));
        HealthReport report = HealthReport.of(registry);
        assertThat(report.status()).isEqualTo(HealthReport.Status.DOWN);
        HealthReport.BreakerHealth p = report.breakers().get(1);
        assertThat(p.name()).isEqualTo("payments");
        assertThat(p.state()).isEqualTo(State.OPEN);
        assertThat(p.timeInState()).isEqualTo(Duration.ofMillis(1500));
        assertThat(report.breakers().get(0).failureRate()).isZero();

        ticker.advance(Duration.ofSeconds(10));
        payments.call(() -> "probe"); // closes it again
        assertThat(HealthReport.of(registry).status()).isEqualTo(HealthReport.Status.UP);
    }

    @Test
    void aFullBulkheadDegrades() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("email", 1);
        bulkhead.acquirePermission();
        HealthReport report = HealthReport.of(registry(), List.of(bulkhead));
        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
        bulkhead.releasePermission();
        assertThat(HealthReport.of(registry(), List.of(bulkhead)).status()).isEqualTo(HealthReport.Status.UP);
    }

    @Test
    void rendersJson() {
        CircuitBreakerRegistry registry = registry();
        fail(registry.get("payments"));
        ticker.advance(Duration.ofMillis(250));
        String json = HealthReport.of(registry, List.of(Bulkhead.of("email", 3))).toJson();
        assertThat(json).isEqualTo("{\"status\":\"DOWN\",\"breakers\":[{\"name\":\"payments\",\"status\":\"DOWN\","
                + "\"state\":\"OPEN\",\"failureRate\":null,\"calls\":0,\"timeInStateMillis\":250,"
                + "\"timeInState\":\"PT0.25S\",\"averageDuration\":\"not measured\"}],"
                + "\"bulkheads\":[{\"name\":\"email\",\"status\":\"UP\","
                + "\"availablePermits\":3,\"maxConcurrentCalls\":3,\"rejectedCalls\":0}]}");
    }

    @Test
    void escapesNamesAsJsonRequires() {
        StringBuilder out = new StringBuilder();
        HealthReport.string(out, "a\"b\\c\nd\te\u0001f\u2028g/é");
        assertThat(out).hasToString("\"a\\\"b\\\\c\\nd\\te\\u0001f\\u2028g/é\"");
        CircuitBreakerRegistry registry = registry();
        registry.get("quote\"d");
        assertThat(HealthReport.of(registry).toJson()).contains("\"name\":\"quote\\\"d\"");
    }

    @Test
    void anEmptyReportIsUp() {
        HealthReport report = HealthReport.of(List.of(), List.of());
        assertThat(report.status()).isEqualTo(HealthReport.Status.UP);
        assertThat(report.toJson()).isEqualTo("{\"status\":\"UP\",\"breakers\":[],\"bulkheads\":[]}");
    }
}
