package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardTest {

    private final HttpClient client = HttpClient.newHttpClient();

    private static Map<String, Object> data() {
        RunRecorder run = new RunRecorder("with Fluxgate", 1_000_000_000L, true);
        return Report.data("t", "s", List.of(), 10, 0.5, List.of(run), null, Map.of("window", "w"), List.of());
    }

    private HttpResponse<String> get(Dashboard dashboard, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(dashboard.uri().resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesTheLivePageMetricsHealthAndDataJson() throws Exception {
        try (Dashboard dashboard = Dashboard.start(0, DashboardTest::data, () -> "up 1", () -> "{\"status\":\"UP\"}")) {
            HttpResponse<String> page = get(dashboard, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("const LIVE = true;", "new EventSource('events')", "Chart.js v" + Report.CHART_JS_VERSION)
                    .doesNotContain("/*DATA*/");
            assertThat(get(dashboard, "/metrics").body()).isEqualTo("up 1");
            assertThat(get(dashboard, "/health").body()).isEqualTo("{\"status\":\"UP\"}");
            assertThat(get(dashboard, "/data.json").body()).startsWith("{\"title\":\"t\"");
            assertThat(get(dashboard, "/report").statusCode()).isEqualTo(404);
            assertThat(get(dashboard, "/nothing").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void servesTheReportOnceWritten(@TempDir Path dir) throws Exception {
        try (Dashboard dashboard = Dashboard.start(0, DashboardTest::data, () -> "", () -> "{}")) {
            Path report = Report.write(dir.resolve("report.html"), data());
            dashboard.reportWritten(report);
            HttpResponse<String> served = get(dashboard, "/report");
            assertThat(served.statusCode()).isEqualTo(200);
            assertThat(served.body()).isEqualTo(Files.readString(report)).contains("const LIVE = false;");
        }
    }

    @Test
    void streamsTheDataAtOnceAndEveryPublishedStateChange() throws Exception {
        try (Dashboard dashboard = Dashboard.start(0, DashboardTest::data, () -> "", () -> "{}")) {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            client.sendAsync(HttpRequest.newBuilder(dashboard.uri().resolve("/events")).timeout(Duration.ofMinutes(2))
                    .build(), HttpResponse.BodyHandlers.ofLines())
                    .thenAccept(response -> response.body().forEach(lines::add));

            assertThat(next(lines, "event: ")).isEqualTo("event: data");
            assertThat(next(lines, "data: ")).startsWith("data: {\"title\":\"t\"");

            dashboard.publish("transition", "{\"from\":\"CLOSED\",\"to\":\"OPEN\"}");
            assertThat(next(lines, "event: ")).isEqualTo("event: transition");
            assertThat(next(lines, "data: ")).isEqualTo("data: {\"from\":\"CLOSED\",\"to\":\"OPEN\"}");
        }
    }

    /** The next line starting with {@code prefix}, waiting for it up to a deadline no loaded machine needs. */
    private static String next(BlockingQueue<String> lines, String prefix) throws InterruptedException {
        while (true) {
            String line = lines.poll(120, TimeUnit.SECONDS);
            assertThat(line).as("a line starting with " + prefix).isNotNull();
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }
}
