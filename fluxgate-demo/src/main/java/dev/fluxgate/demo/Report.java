package dev.fluxgate.demo;

import dev.fluxgate.State;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * The HTML report: one self-contained page (Chart.js from its WebJar and the run's data inlined, no
 * network needed to view it) with a summary table and five charts: breaker state and scenario phase
 * over time, failure rate against the threshold, throughput and rejections, latency, and calls in
 * flight. The live dashboard is the same page, fed by server-sent events.
 *
 * <p>Stateless; every method is safe to call from any thread.
 */
public final class Report {

    /**
     * The version of the Chart.js WebJar on the class path, as its own {@code pom.properties} says:
     * {@code chartjs.version} in this module's pom chooses it, and no second constant repeats it.
     */
    static final String CHART_JS_VERSION = webJarVersion("org.webjars.npm", "chart.js");

    static final String CHART_JS = "META-INF/resources/webjars/chart.js/" + CHART_JS_VERSION + "/dist/chart.umd.js";

    private static final String TEMPLATE = "dev/fluxgate/demo/report.html";

    private Report() {
    }

    /**
     * The data the page draws.
     *
     * @param title the page's title
     * @param subtitle what was run, in a sentence or two
     * @param phases the scenario's phases (empty for a trace)
     * @param end the end of the time axis, in seconds
     * @param threshold the breaker's failure-rate threshold
     * @param runs the runs to draw: the first one through the breaker
     * @param summary the summary table, or null while the run goes on
     * @param config the breaker's configuration in words
     * @param notes lines of honest small print
     * @return the data as nested maps and lists, ready for JSON
     */
    public static Map<String, Object> data(String title, String subtitle, List<Scenario.Phase> phases, double end,
            double threshold, List<RunRecorder> runs, @Nullable Summary summary,
            Map<String, String> config, List<String> notes) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("title", title);
        data.put("subtitle", subtitle);
        data.put("end", end);
        data.put("threshold", threshold);
        List<Object> ps = new ArrayList<>();
        for (Scenario.Phase p : phases) {
            ps.add(Map.of("name", p.name(), "healthy", p.healthy(),
                    "start", p.start().toMillis() / 1e3, "end", p.end().toMillis() / 1e3));
        }
        data.put("phases", ps);
        List<Object> rs = new ArrayList<>();
        for (RunRecorder run : runs) {
            rs.add(run(run, end));
        }
        data.put("runs", rs);
        List<Object> rows = new ArrayList<>();
        if (summary != null) {
            for (Summary.Row row : summary.rows()) {
                rows.add(List.of(row.measure(), row.withBreaker(), row.without()));
            }
        }
        data.put("columns", summary == null ? List.of() : summary.columns());
        data.put("summary", rows);
        data.put("config", config);
        data.put("notes", notes);
        return data;
    }

    private static Map<String, Object> run(RunRecorder run, double end) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", run.name());
        m.put("breaker", run.hasBreaker());
        double width = run.bucketNanos() / 1e9;
        m.put("bucket", width);
        List<Object> buckets = new ArrayList<>();
        for (RunRecorder.Bucket b : run.buckets()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("t", (b.index() + 0.5) * width);
            x.put("started", b.started());
            x.put("ok", b.succeeded());
            x.put("failed", b.failed());
            x.put("timedOut", b.timedOut());
            x.put("rejected", b.rejected());
            x.put("failureRate", b.failureRate());
            x.put("p50", b.p50Millis());
            x.put("p99", b.p99Millis());
            x.put("inFlight", b.maxInFlight());
            buckets.add(x);
        }
        m.put("buckets", buckets);
        List<Object> bands = new ArrayList<>();
        List<Object> transitions = new ArrayList<>();
        if (run.hasBreaker()) {
            State state = State.CLOSED;
            double since = 0;
            for (RunRecorder.StateChange c : run.changes()) {
                double at = c.at() / 1e9;
                bands.add(Map.of("state", state.name(), "start", since, "end", at));
                transitions.add(Map.of("t", at, "from", c.from().name(), "to", c.to().name(),
                        "meaning", Timeline.meaning(c.from(), c.to()), "reason", c.reason()));
                state = c.to();
                since = at;
            }
            // While a run goes on, its last band ends now (the last bucket so far), not at the end of the axis.
            double now = run.bucketCount() * width;
            bands.add(Map.of("state", state.name(), "start", since, "end", Math.max(since, Math.min(end, now))));
        }
        m.put("bands", bands);
        m.put("transitions", transitions);
        m.put("samples", run.samples());
        return m;
    }

    /**
     * The page for {@code data}; {@code live} makes it subscribe to {@code /events}.
     *
     * @param data the report data, from {@link #data}
     * @param live whether the page follows the running demo
     * @return the HTML page, self-contained
     */
    public static String html(Map<String, Object> data, boolean live) {
        return template()
                .replace("/*CHART_JS*/", chartJs())
                .replace("/*LIVE*/false", String.valueOf(live))
                .replace("/*DATA*/null", Json.write(data));
    }

    /**
     * Writes the page for {@code data} to {@code file}, creating its directory; returns the file.
     *
     * @param file where the page goes
     * @param data the report data, from {@link #data}
     * @return {@code file}
     * @throws IOException if the file cannot be written
     */
    public static Path write(Path file, Map<String, Object> data) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html(data, false), StandardCharsets.UTF_8);
        return file;
    }

    static String chartJs() {
        // Inlined, not linked: the report must open from a file, offline. "</script" cannot occur
        // in the minified bundle, but guard anyway: it would end the script element early.
        return resource(CHART_JS).replace("</script", "<\\/script");
    }

    /** The version in the {@code pom.properties} that Maven packs into every jar, the WebJar's included. */
    static String webJarVersion(String groupId, String artifactId) {
        String name = "META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        Properties properties = new Properties();
        try (InputStream in = Report.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + ": is " + groupId + ":" + artifactId
                        + " on the class path?");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = properties.getProperty("version");
        if (version == null || version.isBlank()) {
            throw new IllegalStateException(name + " names no version");
        }
        return version.strip();
    }

    private static String template() {
        return resource(TEMPLATE);
    }

    private static String resource(String name) {
        try (InputStream in = Report.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
