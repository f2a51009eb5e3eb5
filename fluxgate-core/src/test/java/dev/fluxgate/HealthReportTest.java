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
                + "\"availablePermits\":3,\"maxConcurrentCalls\":3,\"rejectedCalls\":0}],\"rateLimiters\":[]}");
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
        assertThat(report.toJson()).isEqualTo("{\"status\":\"UP\",\"breakers\":[],\"bulkheads\":[],\"rateLimiters\":[]}");
    }

    @Test
    void aRateLimiterIsUpWhileItHoldsAPermitAndDegradedWhenItHasNone() {
        RateLimiter api = RateLimiter.builder("api").rate(2, Duration.ofSeconds(1)).ticker(ticker).build();
        RateLimiter db = RateLimiter.builder("db").rate(5, Duration.ofSeconds(1)).ticker(ticker).build();
        api.tryAcquire(2);
        api.tryAcquire();
        HealthReport report = HealthReport.of(List.of(), List.of(), List.of(db, api));
        assertThat(report.status()).isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(report.rateLimiters()).containsExactly(
                new HealthReport.RateLimiterHealth("api", HealthReport.Status.DEGRADED, 0, 2, 1, 1),
                new HealthReport.RateLimiterHealth("db", HealthReport.Status.UP, 5, 5, 0, 0));
        assertThat(report.toJson()).isEqualTo("{\"status\":\"DEGRADED\",\"breakers\":[],\"bulkheads\":[],"
                + "\"rateLimiters\":[{\"name\":\"api\",\"status\":\"DEGRADED\",\"availablePermits\":0,\"burst\":2,"
                + "\"permittedCalls\":1,\"rejectedCalls\":1},{\"name\":\"db\",\"status\":\"UP\",\"availablePermits\":5,"
                + "\"burst\":5,\"permittedCalls\":0,\"rejectedCalls\":0}]}");
        assertThat(report).hasToString("HealthReport(DEGRADED, 0 breakers, 0 bulkheads, 2 rate limiters)");
        ticker.advance(Duration.ofMillis(500));
        assertThat(HealthReport.of(List.of(), List.of(), List.of(api)).status()).isEqualTo(HealthReport.Status.UP);
    }
}
