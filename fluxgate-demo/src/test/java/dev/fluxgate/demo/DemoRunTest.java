package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.State;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One short real run (10 s of scenario, both clients at once, about 12 s in all) with the dashboard
 * kept up, shared by the tests below.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoRunTest {

    private static final String[] CHARTS = {"chart-states", "chart-failure", "chart-throughput", "chart-latency",
        "chart-inflight"};

    @TempDir
    static Path dir;

    private DemoRun run;
    private Thread thread;
    private DemoRun.Result result;
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();

    @BeforeAll
    void runTheDemoFor10Seconds() throws Exception {
        Cli.Options options = Cli.parse("--duration", "10s", "--serve", "--out", dir.resolve("out").toString());
        run = new DemoRun(options, new PrintStream(console, true, StandardCharsets.UTF_8), false);
        thread = new Thread(() -> {
            try {
                run.run();
            } catch (Exception e) {
                // run() also fails finished(), where the test sees it
            }
        }, "demo");
        thread.start();
        result = run.finished().get(90, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (run != null) {
            run.stopServing();
            thread.join(10_000);
        }
    }

    @Test
    void theBreakerWentThroughEveryState() {
        assertThat(result.summary().statesReached()).contains(State.CLOSED, State.OPEN, State.HALF_OPEN);
    }

    @Test
    void theProtectedRunWastedFewerCallsOnTheFailingService() {
        assertThat(result.summary().wastedProtected()).isLessThan(result.summary().wastedUnprotected());
    }

    @Test
    void theConsoleShowsTheTimelineTransitionsSummaryAndReportPath() {
        String out = console.toString(StandardCharsets.UTF_8);
        long lines = out.lines().filter(l -> l.matches("\\[\\s*\\d+%]\\s+\\d+s .*")).count();
        assertThat(lines).isEqualTo(10);
        assertThat(out).contains("CLOSED -> OPEN", "why: ", "| measured", "Report: " + result.report());
    }

    @Test
    void theReportIsSelfContainedAndHoldsTheCharts() throws Exception {
        assertThat(result.report()).exists();
        String html = Files.readString(result.report());
        for (String chart : CHARTS) {
            assertThat(html).contains("<canvas id=\"" + chart + "\"");
        }
        assertThat(html).contains("Chart.js v" + Report.CHART_JS_VERSION); // inlined from the WebJar
        assertThat(html).doesNotContain("<script src", "<link ");
        assertThat(html).contains("wasted: requests it failed or hung on", "\"transitions\":[{");
        assertThat(result.trace()).exists();
    }

    @Test
    void metricsAndHealthAreServed() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        String metrics = get(client, result.dashboard().resolve("/metrics"));
        assertThat(metrics).contains(
                "fluxgate_circuitbreaker_state{name=\"inventory\",state=\"closed\"}", // fluxgate-micrometer
                "fluxgate_circuitbreaker_transitions_total{from=\"closed\",name=\"inventory\",to=\"open\"}",
                "fluxgate_retry_retries_total{name=\"inventory\"}",
                "fluxgate_bulkhead_calls_total{kind=\"rejected\",name=\"inventory\"}",
                "fluxgate_demo_calls_total{outcome=\"rejected\",run=\"protected\"}");
        String health = get(client, result.dashboard().resolve("/health"));
        assertThat(health).startsWith("{\"status\":").contains("\"name\":\"inventory\"", "\"bulkheads\"");
    }

    @Test
    void theReportRendersItsChartsInHeadlessChromium() throws Exception {
        Chromium.require();
        String dom = Chromium.dumpDom(result.report().toUri().toString(), dir.resolve("profile-report"));
        assertChartsDrawn(dom);
    }

    @Test
    void theLiveDashboardRendersItsChartsInHeadlessChromium() throws Exception {
        Chromium.require();
        String url = result.dashboard().toString();
        // The live page redraws its charts on every server-sent event; a dump taken mid-redraw can
        // catch a canvas between destroy and draw, so look up to three times before failing.
        String dom = "";
        for (int attempt = 1; attempt <= 3; attempt++) {
            dom = Chromium.dumpDom(url, dir.resolve("profile-dom-" + attempt));
            if (chartsDrawn(dom)) {
                break;
            }
        }
        assertChartsDrawn(dom);
        assertThat(dom).contains("id=\"live\"");

        Path png = dir.resolve("dashboard.png");
        Chromium.screenshot(url, png, 1280, 1600, dir.resolve("profile-shot"));
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(30_000);
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(image.getHeight()).isEqualTo(1600);
        assertThat(distinctColours(image)).as("a drawn page, not a blank one").isGreaterThan(50);
    }

    private static boolean chartsDrawn(String dom) {
        for (String chart : CHARTS) {
            if (!Pattern.compile("<canvas id=\"" + chart + "\"[^>]*style=\"display: block").matcher(dom).find()) {
                return false;
            }
        }
        return dom.contains("data-charts=\"5\"");
    }

    private static void assertChartsDrawn(String dom) {
        for (String chart : CHARTS) {
            // Chart.js sizes every canvas it draws on: the style attribute is its mark.
            Matcher m = Pattern.compile("<canvas id=\"" + chart + "\"[^>]*style=\"display: block").matcher(dom);
            assertThat(m.find()).as(chart + " drawn by Chart.js").isTrue();
        }
        assertThat(dom).contains("data-charts=\"5\"");
    }

    private static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }

    private static String get(HttpClient client, URI uri) throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
