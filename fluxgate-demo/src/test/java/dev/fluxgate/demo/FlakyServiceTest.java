package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlakyServiceTest {

    private final Scenario scenario = Scenario.standard(Duration.ofSeconds(5), 40, 42);
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private FlakyService service;

    @BeforeAll
    void start() throws Exception {
        service = FlakyService.start(scenario);
    }

    @AfterAll
    void stop() {
        service.close();
    }

    private int status(java.net.URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private int first(Scenario.Fault fault, String phase) {
        for (int i = 0; i < scenario.calls(); i++) {
            if (scenario.fault(i) == fault && scenario.phaseOf(i).name().equals(phase)) {
                return i;
            }
        }
        throw new AssertionError("no " + fault + " call in " + phase);
    }

    @Test
    void answersEachCallAsTheScenarioPlannedAndCountsItInItsPhase() throws Exception {
        int outage = 1;
        long received = service.received(outage);
        long failed = service.failed(outage);

        assertThat(status(service.uri(first(Scenario.Fault.OK, "healthy")))).isEqualTo(200);
        assertThat(status(service.uri(first(Scenario.Fault.ERROR, "outage")))).isEqualTo(503);
        long before = System.nanoTime();
        assertThat(status(service.uri(first(Scenario.Fault.HANG, "outage")))).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(scenario.hang());

        assertThat(service.received(outage) - received).isEqualTo(2);
        assertThat(service.failed(outage) - failed).isEqualTo(2);
        assertThat(service.maxBusy()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRetryGetsTheFaultPlannedForItsAttempt() throws Exception {
        int call = first(Scenario.Fault.ERROR, "outage");
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (scenario.fault(call, attempt) != Scenario.Fault.HANG) {
                int expected = scenario.fault(call, attempt) == Scenario.Fault.OK ? 200 : 503;
                assertThat(status(service.uri(call, attempt))).isEqualTo(expected);
            }
        }
    }

    @Test
    void inTheTrafficSpikeItAnswers429WithRetryAfterOnceItsQuotaIsSpentAndCountsThem() throws Exception {
        int spike = scenario.indexOf(Scenario.TRAFFIC_SPIKE);
        int call = first(Scenario.Fault.OK, Scenario.TRAFFIC_SPIKE);
        int quota = scenario.phases().get(spike).quota();
        // Time stands still for this service's bucket: it holds half a second of the quota and never refills.
        try (FlakyService frozen = FlakyService.start(scenario, () -> 0L)) {
            for (int i = 0; i < quota / 2; i++) {
                assertThat(status(frozen.uri(call))).isEqualTo(200);
            }
            HttpResponse<Void> refused = client.send(HttpRequest.newBuilder(frozen.uri(call)).build(),
                    HttpResponse.BodyHandlers.discarding());
            assertThat(refused.statusCode()).isEqualTo(429);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(status(frozen.uri(call, 1))).as("a retry is a request like any other").isEqualTo(429);
            assertThat(frozen.throttled(spike)).isEqualTo(2);
            assertThat(frozen.received(spike)).isEqualTo(quota / 2 + 2);
            // Outside the spike there is no quota.
            assertThat(status(frozen.uri(first(Scenario.Fault.OK, "healthy")))).isEqualTo(200);
            assertThat(frozen.throttled(0)).isZero();
        }
    }

    @Test
    void unknownCallsAre404AndWarmUpIsNotCounted() throws Exception {
        long total = service.receivedTotal();
        assertThat(status(service.uri(scenario.calls()))).isEqualTo(404);
        assertThat(status(service.warmupUri())).isEqualTo(200);
        assertThat(service.receivedTotal()).isEqualTo(total);
    }
}
