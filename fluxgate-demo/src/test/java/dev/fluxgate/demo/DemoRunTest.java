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
        "chart-inflight", "chart-capacity"};

    /** True once render() has drawn all six charts: Chart.js marks each canvas it sized with display: block. */
    private static final String CHARTS_DRAWN = "document.body.dataset.charts === '6' && "
            + "['" + String.join("', '", CHARTS) + "'].every(id => document.getElementById(id)?.style.display === 'block')";

    /** What the page shows, for the message of a wait that ran out. */
    private static final String PAGE_STATE = "JSON.stringify({ready: document.readyState, charts: document.body?.dataset.charts,"
            + " events: document.body?.dataset.events, live: document.getElementById('live')?.textContent})";

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
        // A generous deadline for a 10 s run: a loaded machine slows the warm-up and the last calls.
        result = run.finished().get(5, TimeUnit.MINUTES);
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
    void theServiceAnsweredTheProtectedClientFewer429sThanTheUnprotectedOne() {
        Summary.Figures f = result.summary().figures();
        // The unprotected client sends three times the rate against 1.5 times it: the service's bucket
        // (half a second of quota) runs dry unless its 120 spike calls spread over 1.5 s instead of 1 s.
        // The protected one keeps to the quota on its side.
        assertThat(f.throttledUnprotected()).isPositive();
        assertThat(f.throttledProtected()).isLessThan(f.throttledUnprotected());
    }

    @Test
    void theHedgedClientsP99InTheSlowTailIsBelowTheUnhedgedOne() {
        Summary.Figures f = result.summary().figures();
        // Every 10th call of the slow tail takes 1 s at the service: the unprotected p99 is at least that,
        // by construction; a hedged second attempt (never slow) answers it long before.
        assertThat(f.slowTailP99Unprotected()).isGreaterThanOrEqualTo(Scenario.SLOW_MILLIS);
        assertThat(f.slowTailP99Protected()).isLessThan(f.slowTailP99Unprotected());
    }

    @Test
    void theRetriesStayedWithinTheRetryBudgetsBound() {
        Summary.Figures f = result.summary().figures();
        assertThat(f.outageRetries()).isLessThanOrEqualTo(f.retriesAdmitted());
        // The budget's contract: at most maxTokens + ratio x first attempts + floor x seconds.
        assertThat(f.retriesAdmitted()).isLessThanOrEqualTo(f.retryBudgetBound());
        // ... a real bound: below one retry per call (it would take minutes of floor to reach that).
        assertThat(f.retryBudgetBound()).isLessThan(result.summary().rows().stream()
                .filter(r -> r.measure().equals("calls sent by the callers")).map(r -> Long.parseLong(r.withBreaker()))
                .findFirst().orElseThrow());
    }

    @Test
    void inTheCapacityDropTheAdaptiveLimitFellBelowTheFixedSizeWhileTheFixedBulkheadOverloadedTheService() {
        CapacityDrop.Result r = result.capacity();
        // Both clients offered the same calls at the same moments; both got some served.
        assertThat(r.adaptive().sent()).isEqualTo(r.fixed().sent()).isPositive();
        assertThat(r.adaptive().served()).isPositive();
        assertThat(r.fixed().served()).isPositive();
        // The fixed bulkhead, sized for the old capacity, let the service hold more than its new capacity.
        assertThat(r.fixedSize()).isEqualTo(CapacityDrop.OLD_CAPACITY);
        assertThat(r.fixed().peakInFlight()).isGreaterThan(CapacityDrop.NEW_CAPACITY);
        // The adaptive limit, started at the fixed size and capped by it, went down with the capacity.
        assertThat(r.limitAtEnd()).isLessThan(r.fixedSize());
    }

    @Test
    void theConsoleShowsTheTimelineTransitionsSummaryAndReportPath() {
        String out = console.toString(StandardCharsets.UTF_8);
        long lines = out.lines().filter(l -> l.matches("\\[\\s*\\d+%]\\s+\\d+s .*")).count();
        assertThat(lines).isEqualTo(10);
        assertThat(out).contains("CLOSED -> OPEN", "why: ", "| measured", "Report: " + result.report());
        assertThat(out).contains("capacity drop", "| in the capacity drop | adaptive bulkhead | fixed bulkhead (32) |",
                "| service's peak in flight in the last half (capacity 8) | ");
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
        assertThat(html).contains("requests it answered 429 (over its quota of 60/s)",
                "caller latency p99, calls sent in the slow tail (hedged / not)", "hedged attempts sent / won",
                "retries sent in the outage, within a retry budget",
                "retries in the outage without a budget (sent + held back)",
                "\"name\":\"slow tail\"", "\"name\":\"traffic spike\"", "\"name\":\"capacity drop\"",
                "\"capacity\":{", "\"fixedSize\":32", "limit at the end of the phase", "id=\"capacity-table\"");
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
                "fluxgate_demo_calls_total{outcome=\"rejected\",run=\"protected\"}",
                "fluxgate_ratelimiter_", "fluxgate_hedge_", "fluxgate_retry_budget_",
                "name=\"quotes\""); // the capacity drop's adaptive bulkhead
        String health = get(client, result.dashboard().resolve("/health"));
        assertThat(health).startsWith("{\"status\":").contains("\"name\":\"inventory\"", "\"bulkheads\"");
    }

    @Test
    void theReportRendersItsChartsInHeadlessChromium() throws Exception {
        Chromium.require();
        try (Chromium browser = Chromium.start(dir.resolve("profile-report"), 1280, 1600)) {
            browser.open(result.report().toUri().toString());
            browser.await("six charts drawn", CHARTS_DRAWN, PAGE_STATE);
            assertChartsDrawn(browser.dom());
        }
    }

    @Test
    void theLiveDashboardRendersItsChartsInHeadlessChromium() throws Exception {
        Chromium.require();
        try (Chromium browser = Chromium.start(dir.resolve("profile-live"), 1280, 1600)) {
            browser.open(result.dashboard().toString());
            // The stream sends the data at once on connecting; the page counts each event it has
            // handled (redrawn for) in data-events. Wait for that, not for a time.
            browser.await("the stream's data received and six charts drawn",
                    "Number(document.body.dataset.events || 0) >= 1 && " + CHARTS_DRAWN, PAGE_STATE);
            String dom = browser.dom();
            assertChartsDrawn(dom);
            assertThat(dom).contains("id=\"live\"", "run finished");

            Path png = dir.resolve("dashboard.png");
            browser.screenshot(png);
            assertThat(Files.size(png)).isGreaterThan(30_000);
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(1280);
            assertThat(image.getHeight()).isEqualTo(1600);
            assertThat(distinctColours(image)).as("a drawn page, not a blank one").isGreaterThan(50);
        }
    }

    private static void assertChartsDrawn(String dom) {
        for (String chart : CHARTS) {
            // Chart.js sizes every canvas it draws on: display: block in its style is the mark. Not
            // necessarily first: a redraw (every live event) leaves box-sizing from the chart before.
            Matcher m = Pattern.compile("<canvas id=\"" + chart + "\"[^>]*style=\"[^\"]*display: block").matcher(dom);
            assertThat(m.find()).as(chart + " drawn by Chart.js").isTrue();
        }
        assertThat(dom).contains("data-charts=\"6\"");
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
