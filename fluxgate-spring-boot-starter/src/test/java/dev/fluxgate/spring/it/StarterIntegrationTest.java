package dev.fluxgate.spring.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.jayway.jsonpath.JsonPath;
import dev.fluxgate.BulkheadFullException;
import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import dev.fluxgate.TimeoutExceededException;
import dev.fluxgate.test.ManualTicker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * One application context for every end-to-end check: annotated services open their breakers, the
 * fallbacks answer, and the actuator shows and moves the breakers over real HTTP.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class StarterIntegrationTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Autowired
    CircuitBreakerRegistry registry;

    @Autowired
    ManualTicker ticker;

    @Autowired
    Faults faults;

    @Autowired
    InventoryService inventory;

    @Autowired
    QuoteService quotes;

    @Autowired
    RecommendationService recommendations;

    @Autowired
    PatternService patterns;

    @Autowired
    PatternService.Probe probe;

    @Autowired
    MeterRegistry meters;

    @BeforeEach
    void closeEverything() {
        registry.all().forEach(CircuitBreaker::reset);
        faults.clear();
    }

    // ---- annotation ----

    @Test
    void failuresOpenTheBreakerAndTheFallbackForTheExceptionTypeAnswers() throws IOException {
        faults.inventoryDown = true;
        assertThat(inventory.stock("apple")).isEqualTo("failed:apple:inventory down");
        assertThat(inventory.stock("apple")).isEqualTo("failed:apple:inventory down");
        assertThat(breaker("inventory").state()).isEqualTo(State.OPEN);

        int before = faults.inventoryCalls.get();
        long rejectedBefore = breaker("inventory").metrics().rejectedCalls();
        assertThat(inventory.stock("apple")).isEqualTo("cached:apple");
        assertThat(faults.inventoryCalls.get()).as("an open breaker does not call the method").isEqualTo(before);
        assertThat(breaker("inventory").metrics().rejectedCalls()).isEqualTo(rejectedBefore + 1);
    }

    @Test
    void anExceptionWithoutFallbackPropagatesAndOneTheTrackerIgnoresIsNotRecorded() {
        assertThatThrownBy(() -> inventory.reserve("pear")).isInstanceOf(IllegalStateException.class)
                .hasMessage("not recorded: pear");
        assertThat(breaker("inventory").metrics().calls()).isZero();
        assertThat(breaker("inventory").metrics().ignoredCalls()).isPositive();
    }

    @Test
    void aClassLevelAnnotationCoversEveryPublicMethod() {
        faults.recommendationsDown = true;
        assertThat(recommendations.forUser("ann")).isEmpty();
        assertThat(recommendations.forUser("ann")).isEmpty();
        assertThat(breaker("recommendations").state()).isEqualTo(State.OPEN);
    }

    @Test
    void completionStagesAreRecordedWhenTheyCompleteAndFallBackAsynchronously() {
        faults.quotesDown = true;
        assertThat(quotes.quote("FLX").toCompletableFuture().join()).isEqualTo("stale:FLX:IllegalStateException");
        assertThat(quotes.quote("FLX").toCompletableFuture().join()).isEqualTo("stale:FLX:IllegalStateException");
        assertThat(breaker("quotes").state()).isEqualTo(State.OPEN);
        assertThat(quotes.quote("FLX").toCompletableFuture().join())
                .isEqualTo("stale:FLX:CallNotPermittedException");
    }

    @Test
    void anAsyncMethodThatThrowsCountsAsAFailedCallAndFailsTheFuture() {
        assertThat(quotes.quoteThrowing("FLX")).failsWithin(Duration.ofSeconds(5))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                .withCauseInstanceOf(IllegalStateException.class);
        assertThat(breaker("quotes").metrics().failures()).isEqualTo(1);
    }

    @Test
    void monoAsksForAPermitPerSubscriptionAndFallsBack() {
        var price = quotes.price("FLX");
        int before = faults.subscriptions.get();
        assertThat(price.block()).isEqualTo(42);
        assertThat(price.block()).isEqualTo(42);
        assertThat(faults.subscriptions.get() - before).isEqualTo(2);
        assertThat(breaker("prices").metrics().calls()).isEqualTo(2);

        faults.quotesDown = true;
        assertThat(price.block()).isEqualTo(-1);
        assertThat(price.block()).isEqualTo(-1);
        assertThat(breaker("prices").state()).isEqualTo(State.OPEN);
        int whileOpen = faults.subscriptions.get();
        assertThat(price.block()).as("rejected, then the fallback").isEqualTo(-1);
        assertThat(faults.subscriptions.get()).isEqualTo(whileOpen);
    }

    @Test
    void fluxIsRecordedOnCompletionOrErrorAndRejectedWhenOpen() {
        assertThat(quotes.feed().collectList().block()).containsExactly(1, 2, 3);
        assertThat(quotes.feed().take(1).collectList().block()).as("cancelled before the end: permit given back")
                .containsExactly(1);
        assertThat(breaker("feed").metrics().successes()).isEqualTo(1);

        faults.quotesDown = true;
        // 1 success + 1 failure: 0.5 of minRequests(2) opens it.
        assertThatThrownBy(() -> quotes.feed().collectList().block()).hasMessageContaining("feed down");
        assertThat(breaker("feed").state()).isEqualTo(State.OPEN);
        assertThatThrownBy(() -> quotes.feed().blockLast()).isInstanceOf(CallNotPermittedException.class);
    }

    // ---- retry, bulkhead, timeout ----

    @Test
    void retryIsOutsideTheBreakerSoEveryAttemptIsRecordedThere() {
        probe.attempts.set(0);
        probe.failuresBeforeSuccess = 2;
        assertThat(patterns.flaky()).isEqualTo("ok after 3");
        Metrics m = breaker("flaky-breaker").metrics();
        assertThat(m.calls()).isEqualTo(3);
        assertThat(m.failures()).isEqualTo(2);

        probe.attempts.set(0);
        probe.failuresBeforeSuccess = 5;
        assertThat(patterns.flaky()).as("the fallback answers once the attempts are spent")
                .isEqualTo("gave up: attempt 3 failed");
        assertThat(probe.attempts.get()).isEqualTo(3);
    }

    @Test
    void aFallbackOnTheBreakerAnswersOnlyAfterTheRetriesAreSpent() {
        probe.attempts.set(0);
        probe.failuresBeforeSuccess = 5;
        assertThat(patterns.flakyWithBreakerFallback()).isEqualTo("breaker fallback after 3: attempt 3 failed");
        assertThat(probe.attempts.get()).as("retried max-attempts times").isEqualTo(3);
        assertThat(breaker("flaky-breaker").metrics().failures()).as("every attempt went through the breaker")
                .isEqualTo(3);

        probe.attempts.set(0);
        probe.failuresBeforeSuccess = 1;
        assertThat(patterns.flakyWithBreakerFallback()).as("a retry that succeeds needs no fallback")
                .isEqualTo("ok after 2");
    }

    @Test
    void aRejectionByTheBreakerGoesStraightToItsFallbackOutsideTheRetry() {
        probe.attempts.set(0);
        probe.failuresBeforeSuccess = 0;
        breaker("flaky-breaker").forceOpen();
        assertThat(patterns.flakyWithBreakerFallback()).isEqualTo("breaker fallback: rejected after 0 attempt(s)");
    }

    @Test
    void aMonoWithABreakerFallbackIsRetriedBeforeTheFallbackAnswers() {
        probe.attempts.set(0);
        probe.failuresBeforeSuccess = 5;
        assertThat(patterns.flakyMonoWithBreakerFallback().block())
                .isEqualTo("mono fallback after 3: attempt 3 failed");
        assertThat(probe.attempts.get()).isEqualTo(3);
    }

    @Test
    void aMonoIsRetriedBySubscribingAgain() {
        probe.attempts.set(0);
        probe.failuresBeforeSuccess = 1;
        assertThat(patterns.flakyMono().block()).isEqualTo("ok after 2");
    }

    @Test
    void aFullBulkheadRejectsAtOnce() throws Exception {
        probe.release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
            try {
                return patterns.narrow();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(probe.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(patterns::narrow).isInstanceOf(BulkheadFullException.class);
        probe.release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void aTimeoutInterruptsTheMethodAndFailsUnchecked() throws Exception {
        assertThatThrownBy(patterns::slow).isInstanceOf(TimeoutExceededException.class);
        assertThat(probe.interrupted.await(10, TimeUnit.SECONDS)).as("the worker was interrupted").isTrue();
    }

    @Test
    void breakersAndRetriesAreBoundToTheMeterRegistry() {
        assertThat(meters.find("fluxgate.circuitbreaker.state").tag("name", "inventory").gauges()).isNotEmpty();
        assertThat(meters.find("fluxgate.circuitbreaker.not.permitted.calls").tag("name", "inventory").meters())
                .isNotEmpty();
        assertThat(meters.find("fluxgate.retry.calls").tag("name", "flaky").meters()).isNotEmpty();
        assertThat(meters.find("fluxgate.bulkhead.available.concurrent.calls").tag("name", "narrow").gauges())
                .isNotEmpty();
    }

    // ---- actuator over HTTP ----

    @Test
    void anOptedInOpenBreakerTakesReadinessAndTheRootOutOfServiceButNotLiveness() throws Exception {
        openInventory(); // inventory has allow-health-indicator-to-fail: true

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(503);
        assertThat((String) JsonPath.read(readiness.body(), "$.status")).isEqualTo("OUT_OF_SERVICE");
        List<String> open = JsonPath.read(readiness.body(), "$.components.fluxgate.details.open");
        assertThat(open).containsExactly("inventory");
        assertThat((String) JsonPath.read(readiness.body(),
                "$.components.fluxgate.details.circuitBreakers.inventory.status")).isEqualTo("OUT_OF_SERVICE");
        assertThat((String) JsonPath.read(readiness.body(),
                "$.components.fluxgate.details.circuitBreakers.inventory.cooldown")).isEqualTo("Cooldown.fixed(10s)");

        HttpResponse<String> root = get("/actuator/health");
        assertThat(root.statusCode()).as("the contributor is part of the root health too").isEqualTo(503);
        assertThat((String) JsonPath.read(root.body(), "$.components.fluxgate.status")).isEqualTo("OUT_OF_SERVICE");

        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).isEqualTo(200);
        assertThat(liveness.body()).doesNotContain("fluxgate");
    }

    @Test
    void anOpenBreakerThatDidNotOptInIsListedButKeepsTheInstanceReady() throws Exception {
        faults.quotesDown = true;
        quotes.quote("FLX").toCompletableFuture().join();
        quotes.quote("FLX").toCompletableFuture().join();
        assertThat(breaker("quotes").state()).isEqualTo(State.OPEN);
        breaker("prices").forceOpen();

        for (String path : List.of("/actuator/health/readiness", "/actuator/health")) {
            HttpResponse<String> health = get(path);
            assertThat(health.statusCode()).as(path).isEqualTo(200);
            String fluxgate = "$.components.fluxgate";
            assertThat((String) JsonPath.read(health.body(), fluxgate + ".status")).isEqualTo("UP");
            List<String> open = JsonPath.read(health.body(), fluxgate + ".details.open");
            assertThat(open).containsExactly("prices", "quotes");
            Map<String, Object> q = JsonPath.read(health.body(), fluxgate + ".details.circuitBreakers.quotes");
            assertThat(q).containsEntry("state", "OPEN").containsEntry("status", "DEGRADED")
                    .containsEntry("allowHealthIndicatorToFail", false)
                    .containsEntry("cooldown", "Cooldown.fixed(30s)");
            assertThat(((Number) q.get("failures")).intValue()).as("the window is cleared by the trip").isZero();
            Map<String, Object> p = JsonPath.read(health.body(), fluxgate + ".details.circuitBreakers.prices");
            assertThat(p).containsEntry("state", "FORCED_OPEN").containsEntry("retryAfter", "manual reset only");
        }
    }

    @Test
    void postingResetClosesTheBreakerAndTheInstanceIsReadyAgain() throws Exception {
        openInventory();
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(503);

        HttpResponse<String> reset = post("/actuator/fluxgate/inventory", "{\"action\":\"reset\"}");
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(reset.body(), "$.state")).isEqualTo("CLOSED");
        assertThat(breaker("inventory").state()).isEqualTo(State.CLOSED);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
    }

    @Test
    void aHalfOpenBreakerKeepsTheInstanceReadyButReportsItDegraded() throws Exception {
        openInventory();
        ticker.advance(Duration.ofSeconds(10)); // the instance's cooldown
        assertThat(inventory.stock("apple")).isEqualTo("stock:apple"); // one probe of the two needed
        assertThat(breaker("inventory").state()).isEqualTo(State.HALF_OPEN);

        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(readiness.body(), "$.components.fluxgate.status")).isEqualTo("UP");
        List<String> degraded = JsonPath.read(readiness.body(), "$.components.fluxgate.details.degraded");
        assertThat(degraded).containsExactly("inventory");
        assertThat((String) JsonPath.read(readiness.body(),
                "$.components.fluxgate.details.circuitBreakers.inventory.status")).isEqualTo("DEGRADED");
    }

    @Test
    void aBreakerWithHealthIndicatorOffIsNotListed() throws Exception {
        breaker("recommendations").forceOpen();
        HttpResponse<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(readiness.body()).doesNotContain("recommendations");
    }

    @Test
    void theEndpointSeparatesWindowFiguresFromLifetimeCountersAndShowsTheConfiguration() throws Exception {
        openInventory();
        long rejectedBefore = breaker("inventory").metrics().rejectedCalls(); // lifetime: earlier tests count
        long failedBefore = breaker("inventory").metrics().failedCalls();
        inventory.stock("apple"); // rejected

        HttpResponse<String> all = get("/actuator/fluxgate");
        assertThat(all.statusCode()).isEqualTo(200);
        String body = all.body();
        String inv = "$.circuitBreakers.inventory";
        assertThat((String) JsonPath.read(body, inv + ".state")).isEqualTo("OPEN");
        // The trip cleared the window; the failures that tripped it are in the lifetime counters.
        Map<String, Object> window = JsonPath.read(body, inv + ".window");
        assertThat(window).containsEntry("calls", 0).containsEntry("failures", 0).containsEntry("failureRate", null)
                .containsEntry("slowCalls", "not measured").containsEntry("slowRate", "not measured")
                .containsEntry("averageDuration", "not measured");
        assertThat(breaker("inventory").isTimed())
                .as("timed for the Micrometer timers, yet its window keeps no durations").isTrue();
        Map<String, Object> lifetime = JsonPath.read(body, inv + ".lifetime");
        assertThat(lifetime).containsOnlyKeys("successfulCalls", "failedCalls", "ignoredCalls", "rejectedCalls",
                "staleCalls", "transitions");
        assertThat(((Number) lifetime.get("rejectedCalls")).longValue()).isEqualTo(rejectedBefore + 1);
        assertThat(((Number) lifetime.get("failedCalls")).longValue()).isEqualTo(failedBefore)
                .isGreaterThanOrEqualTo(2);
        assertThat(((Number) lifetime.get("transitions")).longValue()).isPositive();
        Map<String, Object> breaker = JsonPath.read(body, inv);
        assertThat(breaker).as("no mixed bag of figures").doesNotContainKey("metrics");
        assertThat((String) JsonPath.read(body, inv + ".timeInState")).startsWith("PT");
        assertThat((String) JsonPath.read(body, inv + ".cooldown")).isEqualTo("Cooldown.fixed(10s)");
        // Merged configuration: window from config "fast", cooldown from the instance, permit from "default".
        assertThat((String) JsonPath.read(body, inv + ".configuration.window")).isEqualTo("Window.count(4)");
        assertThat((String) JsonPath.read(body, inv + ".configuration.cooldown")).isEqualTo("Cooldown.fixed(10s)");
        assertThat((String) JsonPath.read(body, inv + ".configuration.permit")).isEqualTo("Permit.all()");
        assertThat((String) JsonPath.read(body, inv + ".configuration.closeAfterSuccesses")).isEqualTo("2");
        assertThat(body).contains("\"quotes\"", "\"prices\"", "\"feed\"", "\"recommendations\"");

        HttpResponse<String> one = get("/actuator/fluxgate/inventory");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(one.body(), "$.name")).isEqualTo("inventory");
    }

    @Test
    void aBreakerWhoseRulesUseDurationsShowsThemMeasured() throws Exception {
        CircuitBreaker timed = registry.get("timed-endpoint-check",
                b -> b.ticker(ticker).slowCallThreshold(Duration.ofSeconds(2)));
        timed.run(() -> ticker.advance(Duration.ofSeconds(3)));
        timed.run(() -> ticker.advance(Duration.ofSeconds(1)));

        String w = "$.window";
        String body = get("/actuator/fluxgate/timed-endpoint-check").body();
        assertThat((String) JsonPath.read(body, w + ".averageDuration")).isEqualTo("PT2S");
        assertThat((Integer) JsonPath.read(body, w + ".slowCalls.PT2S")).isEqualTo(1);
        assertThat((Double) JsonPath.read(body, w + ".slowRate.PT2S")).isEqualTo(0.5);
        registry.remove("timed-endpoint-check");
    }

    @Test
    void writeActionsMoveTheBreakerFromABodyOrAQueryParameter() throws Exception {
        assertThat((String) JsonPath.read(post("/actuator/fluxgate/quotes", "{\"action\":\"force-open\"}").body(),
                "$.state")).isEqualTo("FORCED_OPEN");
        assertThat(breaker("quotes").state()).isEqualTo(State.FORCED_OPEN);
        assertThat(get("/actuator/health/readiness").statusCode()).as("quotes did not opt in").isEqualTo(200);

        post("/actuator/fluxgate/quotes", "{\"action\":\"metrics-only\"}");
        assertThat(breaker("quotes").state()).isEqualTo(State.METRICS_ONLY);
        HttpResponse<String> byQuery = post("/actuator/fluxgate/quotes?action=disable", "");
        assertThat(byQuery.statusCode()).isEqualTo(200);
        assertThat((String) JsonPath.read(byQuery.body(), "$.state")).isEqualTo("DISABLED");
        assertThat(breaker("quotes").state()).isEqualTo(State.DISABLED);
        assertThat(post("/actuator/fluxgate/quotes?action=reset", "{}").statusCode()).isEqualTo(200);
        assertThat(breaker("quotes").state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aBadActionOrAnUnknownBreakerAnswers400ListingTheValidValues() throws Exception {
        for (String bad : List.of("{\"action\":\"explode\"}", "{\"action\":\"FORCE_OPEN\"}", "{}")) {
            HttpResponse<String> response = post("/actuator/fluxgate/quotes", bad);
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            List<String> valid = JsonPath.read(response.body(), "$.validActions");
            assertThat(valid).as(bad).containsExactly("reset", "disable", "force-open", "metrics-only");
        }
        assertThat((String) JsonPath.read(post("/actuator/fluxgate/quotes", "{\"action\":\"explode\"}").body(),
                "$.message")).isEqualTo("Unknown action 'explode'");
        assertThat(breaker("quotes").state()).isEqualTo(State.CLOSED);

        HttpResponse<String> unknown = post("/actuator/fluxgate/nobody", "{\"action\":\"reset\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(unknown.body(), "$.message")).isEqualTo("No circuit breaker named 'nobody'");
        List<String> known = JsonPath.read(unknown.body(), "$.knownBreakers");
        assertThat(known).contains("inventory", "quotes", "prices", "feed", "recommendations", "flaky-breaker");
        assertThat(registry.find("nobody")).as("a command never creates a breaker").isEmpty();
        assertThat(get("/actuator/fluxgate/nobody").statusCode()).isEqualTo(404);
    }

    private void openInventory() throws IOException {
        faults.inventoryDown = true;
        inventory.stock("x");
        inventory.stock("x");
        faults.inventoryDown = false;
        assertThat(breaker("inventory").state()).isEqualTo(State.OPEN);
    }

    private CircuitBreaker breaker(String name) {
        return registry.find(name).orElseThrow();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
