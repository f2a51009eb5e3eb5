package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class CapacityServiceTest {

    @Test
    void answersAfterAtLeastItsBaseLatencyAndCountsWhatItServedAndHeld() throws Exception {
        try (CapacityService service = CapacityService.start(50, 4)) {
            HttpClient client = HttpClient.newHttpClient();
            long begin = System.nanoTime();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(service.uri()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            // A lower bound only: a sleep is never shorter, however loaded the machine.
            assertThat((System.nanoTime() - begin) / 1_000_000).isGreaterThanOrEqualTo(50);
            assertThat(service.served()).isEqualTo(1);
            assertThat(service.peakInFlight()).isEqualTo(1);
            assertThat(service.inFlight()).isZero();
            service.resetPeak();
            assertThat(service.peakInFlight()).isZero();
            service.capacity(1);
            assertThat(service.capacity()).isEqualTo(1);
        }
    }

    @Test
    void aCapacityOrBaseLatencyBelowOneIsRejectedByName() throws Exception {
        assertThatIllegalArgumentException().isThrownBy(() -> CapacityService.start(0, 4))
                .withMessageContaining("baseMillis");
        assertThatIllegalArgumentException().isThrownBy(() -> CapacityService.start(10, 0))
                .withMessageContaining("capacity");
        try (CapacityService service = CapacityService.start(10, 4)) {
            assertThatIllegalArgumentException().isThrownBy(() -> service.capacity(0))
                    .withMessageContaining("capacity must be >= 1");
        }
    }
}
