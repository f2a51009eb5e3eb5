package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Hedge;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Permit;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryBudget;
import dev.fluxgate.State;
import dev.fluxgate.ThreadPoolBulkhead;
import dev.fluxgate.Tracker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import dev.fluxgate.test.ManualTicker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard under {@code docs/grafana} queries only meters that the binders publish: every
 * {@code fluxgate_*} name, label and literal label value its PromQL uses is checked against the scrape of a
 * real {@link PrometheusMeterRegistry} bound to every kind of policy, after calls went through each.
 */
class GrafanaDashboardTest {

    /** Labels Prometheus attaches to every series at scrape time; the registry's own text has none. */
    private static final Set<String> TARGET_LABELS = Set.of("job", "instance");

    /** {@code label_values(metric{...}, label)}; the metric is absent for a bare {@code {__name__=~...}}. */
    private static final Pattern LABEL_VALUES =
            Pattern.compile("label_values\\((fluxgate_[a-z0-9_]+)?\\s*\\{[^}]*\\},\\s*(\\w+)\\)");

    private static JsonNode dashboard;
    private static Scrape scrape;
    private static final List<AutoCloseable> CLEANUP = new ArrayList<>();

    @BeforeAll
    static void scrapeEveryBinder() throws Exception {
        dashboard = new ObjectMapper().readTree(Files.readString(dashboardFile()));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        driveEveryPolicy(prometheus, CircuitBreakerMeters.create());
        scrape = Scrape.parse(prometheus.scrape());
    }

    static Path dashboardFile() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs/grafana/fluxgate-dashboard.json");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("docs/grafana/fluxgate-dashboard.json not found above " + Path.of("").toAbsolutePath());
    }

    // ---- the dashboard against the scrape

    @Test
    void everyMetricLabelAndLabelValueTheDashboardQueriesIsScraped() {
        List<String> problems = new ArrayList<>();
        for (JsonNode panel : queryPanels()) {
            for (JsonNode target : panel.path("targets")) {
                String where = "panel '" + panel.path("title").asText() + "' " + target.path("refId").asText();
                PromQl.problems(target.path("expr").asText(), target.path("legendFormat").asText(""), scrape)
                        .forEach(p -> problems.add(where + ": " + p));
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                String definition = variable.path("definition").asText();
                String where = "variable " + variable.path("name").asText() + ": ";
                PromQl.problems(definition, "", scrape).forEach(p -> problems.add(where + p));
                Matcher values = LABEL_VALUES.matcher(definition);
                if (values.matches() && values.group(1) != null && !scrape.labels(values.group(1)).contains(values.group(2))) {
                    problems.add(where + "label " + values.group(2) + " of " + values.group(1) + " is not in the scrape");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyQueryNamesAFluxgateMeterAndEveryVariableItUsesIsDefined() {
        Set<String> defined = new TreeSet<>();
        dashboard.path("templating").path("list").forEach(v -> defined.add(v.path("name").asText()));
        Pattern variable = Pattern.compile("\\$(?!__)(\\w+)|\\$\\{(\\w+)\\}");
        for (JsonNode panel : queryPanels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                assertThat(PromQl.metricNames(expr)).as("metrics of %s", expr).isNotEmpty();
                Matcher m = variable.matcher(expr);
                while (m.find()) {
                    assertThat(defined).as("variables used by %s", expr).contains(m.group(1) != null ? m.group(1) : m.group(2));
                }
            }
        }
    }

    @Test
    void everyFluxgateMeterInTheScrapeIsShownSomewhere() {
        Set<String> used = new TreeSet<>();
        for (JsonNode panel : queryPanels()) {
            panel.path("targets").forEach(t -> used.addAll(PromQl.metricNames(t.path("expr").asText())));
        }
        Set<String> unshown = new TreeSet<>(scrape.names());
        unshown.removeAll(used);
        assertThat(unshown).as("meters no panel shows").isEmpty();
    }

    @Test
    void theDashboardIsValidJsonWithADatasourceVariableAndEveryPanelHasADatasourceAndATarget() {
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        JsonNode datasource = null;
        for (JsonNode v : dashboard.path("templating").path("list")) {
            if (v.path("name").asText().equals("datasource")) {
                datasource = v;
            }
        }
        assertThat(datasource).as("a ${datasource} variable").isNotNull();
        assertThat(datasource.path("type").asText()).isEqualTo("datasource");
        assertThat(datasource.path("query").asText()).isEqualTo("prometheus");

        List<JsonNode> panels = queryPanels();
        assertThat(panels).hasSizeGreaterThan(10);
        Set<Integer> ids = new LinkedHashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("unique panel id %s", panel.path("id")).isTrue();
            assertThat(panel.path("gridPos").path("w").asInt()).as("width of %s", panel.path("title")).isBetween(1, 24);
        }
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(title).isNotBlank();
            assertThat(panel.path("datasource").path("uid").asText()).as("datasource of %s", title)
                    .isEqualTo("${datasource}");
            assertThat(panel.path("targets").size()).as("targets of %s", title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as("expr of %s", title).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
            }
        }
    }

    @Test
    void theReadmesPercentileQueryWorksOnceTheCallTimersHistogramIsOn() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // What management.metrics.distribution.percentiles-histogram.fluxgate.circuitbreaker.calls=true does.
        prometheus.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                return id.getName().equals("fluxgate.circuitbreaker.calls")
                        ? DistributionStatisticConfig.builder().percentilesHistogram(true).build().merge(config)
                        : config;
            }
        });
        CircuitBreaker cb = CircuitBreaker.builder("payments").build();
        CircuitBreakerMeters.create().bind(cb, prometheus);
        cb.call(() -> "ok");
        String p99 = "histogram_quantile(0.99, sum by (name, le) "
                + "(rate(fluxgate_circuitbreaker_calls_seconds_bucket[$__rate_interval])))";
        assertThat(PromQl.problems(p99, "{{name}}", Scrape.parse(prometheus.scrape()))).isEmpty();
        assertThat(PromQl.problems(p99, "{{name}}", scrape)).as("off by default").isNotEmpty();
    }

    /** Every panel but the row headers, which hold no queries. */
    private static List<JsonNode> queryPanels() {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            if (!panel.path("type").asText().equals("row")) {
                panels.add(panel);
            }
        }
        return panels;
    }

    // ---- the extractor itself: it must be able to fail

    private static final Scrape SMALL = Scrape.parse("""
            # HELP fluxgate_circuitbreaker_calls_seconds calls
            # TYPE fluxgate_circuitbreaker_calls_seconds summary
            fluxgate_circuitbreaker_calls_seconds_count{kind="successful",name="payments"} 2
            fluxgate_circuitbreaker_calls_seconds_count{kind="failed",name="payments"} 1
            fluxgate_circuitbreaker_state{name="payments",state="closed"} 1.0
            """);

    @Test
    void aCorrectQueryHasNoProblems() {
        assertThat(PromQl.problems("sum by (name, kind) (rate(fluxgate_circuitbreaker_calls_seconds_count"
                + "{job=~\"$job\", name=~\"$breaker\", kind=\"failed\"}[$__rate_interval]))", "{{name}} {{kind}}", SMALL))
                .isEmpty();
    }

    @Test
    void aMisspelledMetricNameIsReported() {
        assertThat(PromQl.problems("rate(fluxgate_circuitbreaker_call_seconds_count[5m])", "", SMALL))
                .containsExactly("metric fluxgate_circuitbreaker_call_seconds_count is not in the scrape");
    }

    @Test
    void aLabelTheMetricDoesNotHaveIsReportedInMatchersGroupingsAndLegends() {
        assertThat(PromQl.problems("fluxgate_circuitbreaker_state{nam=~\"$breaker\"}", "", SMALL))
                .containsExactly("label nam of fluxgate_circuitbreaker_state is not in the scrape");
        assertThat(PromQl.problems("sum by (name, kind) (fluxgate_circuitbreaker_state)", "", SMALL))
                .containsExactly("label kind of fluxgate_circuitbreaker_state (in by) is not in the scrape");
        assertThat(PromQl.problems("fluxgate_circuitbreaker_state", "{{name}} {{kind}}", SMALL))
                .containsExactly("legend label kind is on none of [fluxgate_circuitbreaker_state]");
    }

    @Test
    void aLiteralLabelValueNoSampleHasIsReported() {
        assertThat(PromQl.problems("fluxgate_circuitbreaker_calls_seconds_count{kind=\"success\"}", "", SMALL))
                .containsExactly("fluxgate_circuitbreaker_calls_seconds_count{kind=\"success\"} matches no sample");
    }

    @Test
    void aGroupingMustComeBeforeItsBodySoItsLabelsCanBeChecked() {
        assertThat(PromQl.problems("sum(fluxgate_circuitbreaker_state) by (name)", "", SMALL))
                .containsExactly("by (name) has no body after it: write 'sum by (...) (...)'");
    }

    @Test
    void theScrapeParserReadsNamesLabelsAndValues() {
        assertThat(SMALL.names()).containsExactlyInAnyOrder("fluxgate_circuitbreaker_calls_seconds_count",
                "fluxgate_circuitbreaker_state");
        assertThat(SMALL.labels("fluxgate_circuitbreaker_calls_seconds_count")).containsExactlyInAnyOrder("kind", "name");
        assertThat(SMALL.hasValue("fluxgate_circuitbreaker_calls_seconds_count", "kind", "failed")).isTrue();
        assertThat(SMALL.hasValue("fluxgate_circuitbreaker_calls_seconds_count", "kind", "ignored")).isFalse();
    }

    // ---- the scrape

    /** Binds one of each policy and drives successes, failures and rejections through it. */
    private static void driveEveryPolicy(PrometheusMeterRegistry prometheus, CircuitBreakerMeters meters)
            throws Exception {
        ManualTicker ticker = new ManualTicker();
        // A breaker on a count window and one on a time window, both tracking slow calls.
        for (Map.Entry<String, Window> named : Map.of("payments", Window.count(10),
                "search", Window.time(Duration.ofSeconds(60))).entrySet()) {
            CircuitBreaker cb = CircuitBreaker.builder(named.getKey())
                    .window(named.getValue())
                    .tracker(Tracker.typeOf(IOException.class))
                    .tripper(Tripper.minRequests(4).and(Tripper.failureRate(0.5)))
                    .slowCallThreshold(Duration.ofSeconds(1))
                    .cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                    .permit(Permit.all()) // every probe admitted, so it closes without waiting out a ramp
                    .ticker(ticker)
                    .build();
            meters.bind(cb, prometheus);
            cb.call(() -> "ok");
            cb.call(() -> ticker.advance(Duration.ofSeconds(2))); // slow
            assertThatThrownBy(() -> cb.run(() -> {
                throw new IllegalStateException("ignored by the tracker");
            })).isInstanceOf(IllegalStateException.class);
            for (int i = 0; i < 2; i++) {
                assertThatThrownBy(() -> cb.call(() -> {
                    throw new IOException("down");
                })).isInstanceOf(IOException.class);
            }
            assertThat(cb.state()).isEqualTo(State.OPEN);
            assertThatThrownBy(() -> cb.call(() -> "refused")).isInstanceOf(CallNotPermittedException.class);
            ticker.advance(Duration.ofSeconds(10));
            for (int i = 0; i < 20 && cb.state() != State.CLOSED; i++) {
                cb.call(() -> "probe");
            }
            assertThat(cb.state()).isEqualTo(State.CLOSED);
        }

        RetryBudget budget = RetryBudget.builder("inventory-budget").ratio(0.1).minRetriesPerSecond(0.001)
                .maxTokens(2).ticker(() -> 0L).build();
        Retry retry = Retry.builder("inventory").maxAttempts(3).sleeper(nanos -> { }).budget(budget).build();
        meters.bind(budget, prometheus);
        meters.bind(retry, prometheus);
        AtomicInteger attempts = new AtomicInteger();
        retry.call(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return "second succeeds";
        });
        retry.call(() -> "first time");
        for (int i = 0; i < 2; i++) { // the second ends on an empty budget
            assertThatThrownBy(() -> retry.run(() -> {
                throw new IllegalStateException("down");
            })).isInstanceOf(IllegalStateException.class);
        }
        assertThat(retry.budgetExhaustedCalls()).isPositive();

        Bulkhead bulkhead = Bulkhead.of("db", 1);
        meters.bind(bulkhead, prometheus);
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        assertThat(bulkhead.tryAcquirePermission()).isFalse();
        bulkhead.releasePermission();
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);

        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("mail", 1, 1);
        CLEANUP.add(pool);
        meters.bind(pool, prometheus);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> running = pool.submit(() -> {
            started.countDown();
            return release.await(30, TimeUnit.SECONDS);
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> queued = pool.submit(() -> "queued");
        assertThat(pool.submit(() -> "rejected")).isCompletedExceptionally();
        release.countDown();
        assertThat(running.get(30, TimeUnit.SECONDS)).isTrue();
        assertThat(queued.get(30, TimeUnit.SECONDS)).isEqualTo("queued");

        RateLimiter limiter = RateLimiter.builder("api").rate(10, Duration.ofSeconds(1)).burst(2).ticker(ticker)
                .maxWait(Duration.ofMillis(500)).sleeper(nanos -> ticker.advance(Duration.ofNanos(nanos))).build();
        meters.bind(limiter, prometheus);
        limiter.acquire(2);
        limiter.acquire(); // waits 100 ms
        assertThat(limiter.tryAcquire()).isFalse();
        RateLimiter.PerKey<String> perTenant = RateLimiter.perKey(RateLimiter.builder("tenants")
                .rate(1, Duration.ofSeconds(1)).ticker(ticker)).build();
        meters.bind(perTenant, prometheus);
        assertThat(perTenant.tryAcquire("a")).isTrue();
        assertThat(perTenant.tryAcquire("a")).isFalse();

        // The first attempt never completes; the hedged second one wins. Asynchronous, so the first attempt
        // is surely the one started on this thread (with synchronous workers a loaded machine could start
        // the hedged attempt's task first, and the primary would then win).
        Hedge hedge = Hedge.builder("recommendations").delay(Duration.ofMillis(1)).build();
        meters.bind(hedge, prometheus);
        AtomicInteger hedgeAttempts = new AtomicInteger();
        CompletableFuture<String> never = new CompletableFuture<>();
        assertThat(hedge.callAsync(() -> hedgeAttempts.incrementAndGet() == 1 ? never
                : CompletableFuture.completedFuture("hedge")).get(30, TimeUnit.SECONDS)).isEqualTo("hedge");
        assertThatThrownBy(() -> hedge.call(() -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(hedge.hedgeWins()).isEqualTo(1);
    }

    @AfterAll
    static void closePools() throws Exception {
        for (AutoCloseable c : CLEANUP) {
            c.close();
        }
    }

    /** The sample lines of a Prometheus text scrape: for each name, the label sets of its samples. */
    record Scrape(Map<String, List<Map<String, String>>> samples) {
        private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+\\S+.*");
        private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

        static Scrape parse(String text) {
            Map<String, List<Map<String, String>>> samples = new HashMap<>();
            for (String line : text.lines().toList()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    throw new AssertionError("unreadable scrape line: " + line);
                }
                Map<String, String> labels = new HashMap<>();
                if (m.group(2) != null) {
                    Matcher l = LABEL.matcher(m.group(2));
                    while (l.find()) {
                        labels.put(l.group(1), l.group(2));
                    }
                }
                samples.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(labels);
            }
            return new Scrape(samples);
        }

        Set<String> names() {
            return samples.keySet();
        }

        boolean has(String name) {
            return samples.containsKey(name);
        }

        Set<String> labels(String name) {
            Set<String> labels = new TreeSet<>();
            samples.getOrDefault(name, List.of()).forEach(s -> labels.addAll(s.keySet()));
            return labels;
        }

        boolean hasValue(String name, String label, String value) {
            return samples.getOrDefault(name, List.of()).stream().anyMatch(s -> value.equals(s.get(label)));
        }
    }

    /** Just enough PromQL reading to find the meter names, labels and literal label values a query uses. */
    static final class PromQl {
        private static final Pattern METRIC = Pattern.compile("\\bfluxgate_[a-z0-9_]+");
        private static final Pattern SELECTOR = Pattern.compile("(fluxgate_[a-z0-9_]+)\\s*\\{([^}]*)\\}");
        private static final Pattern MATCHER =
                Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
        private static final Pattern GROUPING = Pattern.compile("\\b(by|without)\\s*\\(([^)]*)\\)");
        private static final Pattern LEGEND = Pattern.compile("\\{\\{\\s*(\\w+)\\s*\\}\\}");

        private PromQl() {
        }

        static Set<String> metricNames(String expr) {
            Set<String> names = new LinkedHashSet<>();
            Matcher m = METRIC.matcher(expr);
            while (m.find()) {
                names.add(m.group());
            }
            return names;
        }

        /** What in {@code expr} (and its legend) the scrape does not have; empty when all is there. */
        static List<String> problems(String expr, String legend, Scrape scrape) {
            List<String> problems = new ArrayList<>();
            Set<String> names = metricNames(expr);
            for (String name : names) {
                if (!scrape.has(name)) {
                    problems.add("metric " + name + " is not in the scrape");
                }
            }
            Matcher s = SELECTOR.matcher(expr);
            while (s.find()) {
                String name = s.group(1);
                if (!scrape.has(name)) {
                    continue; // reported above
                }
                Matcher m = MATCHER.matcher(s.group(2));
                while (m.find()) {
                    String label = m.group(1);
                    if (TARGET_LABELS.contains(label)) {
                        continue;
                    }
                    if (!scrape.labels(name).contains(label)) {
                        problems.add("label " + label + " of " + name + " is not in the scrape");
                    } else if (m.group(2).equals("=") && !m.group(3).contains("$")
                            && !scrape.hasValue(name, label, m.group(3))) {
                        problems.add(name + "{" + label + "=\"" + m.group(3) + "\"} matches no sample");
                    }
                }
            }
            Matcher g = GROUPING.matcher(expr);
            while (g.find()) {
                String body = bodyAfter(expr, g.end());
                if (body == null) {
                    problems.add(g.group(1) + " (" + g.group(2).trim() + ") has no body after it: write 'sum "
                            + g.group(1) + " (...) (...)'");
                    continue;
                }
                for (String label : g.group(2).split(",", -1)) {
                    label = label.trim();
                    if (label.isEmpty() || TARGET_LABELS.contains(label)) {
                        continue;
                    }
                    for (String name : metricNames(body)) {
                        if (scrape.has(name) && !scrape.labels(name).contains(label)) {
                            problems.add("label " + label + " of " + name + " (in " + g.group(1) + ") is not in the scrape");
                        }
                    }
                }
            }
            Matcher l = LEGEND.matcher(legend);
            while (l.find()) {
                String label = l.group(1);
                if (!TARGET_LABELS.contains(label)
                        && names.stream().noneMatch(n -> scrape.labels(n).contains(label))) {
                    problems.add("legend label " + label + " is on none of " + names);
                }
            }
            return problems;
        }

        /** The parenthesized expression right after {@code from} (an aggregation's body), or null. */
        private static String bodyAfter(String expr, int from) {
            int i = from;
            while (i < expr.length() && Character.isWhitespace(expr.charAt(i))) {
                i++;
            }
            if (i >= expr.length() || expr.charAt(i) != '(') {
                return null;
            }
            int depth = 0;
            for (int j = i; j < expr.length(); j++) {
                char c = expr.charAt(j);
                if (c == '(') {
                    depth++;
                } else if (c == ')' && --depth == 0) {
                    return expr.substring(i + 1, j);
                }
            }
            return null;
        }
    }
}
