package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.State;
import dev.fluxgate.Window;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReplayTest {

    private static final long S = 1_000_000_000L;

    @TempDir
    Path dir;

    /** 10 calls a second for 90 s: healthy, then 30 s of failures, then healthy again. */
    private Path outageTrace() throws Exception {
        StringBuilder sb = new StringBuilder("timestamp,outcome,duration_ms\n# a comment\n");
        Instant start = Instant.parse("2024-05-01T12:00:00Z");
        for (int i = 0; i < 900; i++) {
            boolean failing = i >= 300 && i < 600;
            sb.append(start.plusMillis(i * 100L)).append(',').append(failing ? "error" : "ok").append(',')
                    .append(failing ? "250" : "20ms").append('\n');
        }
        return Files.writeString(dir.resolve("trace.csv"), sb);
    }

    private static BreakerSettings settings() {
        return new BreakerSettings(Window.count(20), 10, 0.5, Duration.ofSeconds(5), 3);
    }

    private static Timeline quiet(ByteArrayOutputStream out) {
        return new Timeline(new PrintStream(out, true, StandardCharsets.UTF_8), false, true);
    }

    @Test
    void opensDuringTheFailuresAndClosesAfterThem() throws Exception {
        TraceReplay.Trace trace = TraceReplay.read(outageTrace());
        assertThat(trace.calls()).hasSize(900);
        assertThat(trace.start()).isEqualTo(Instant.parse("2024-05-01T12:00:00Z"));

        ByteArrayOutputStream console = new ByteArrayOutputStream();
        TraceReplay.Result result = TraceReplay.replay(trace, settings(), 1, quiet(console), dir.resolve("r.html"));

        List<RunRecorder.StateChange> changes = result.transitions();
        RunRecorder.StateChange firstOpen = changes.get(0);
        assertThat(firstOpen.to()).isEqualTo(State.OPEN);
        // Failures start at 30 s and are recorded when they complete, 250 ms later; 10 of 20 trip it.
        assertThat(firstOpen.at()).isBetween(30 * S, 32 * S);
        assertThat(changes).extracting(RunRecorder.StateChange::to).contains(State.HALF_OPEN);
        RunRecorder.StateChange lastClose = changes.get(changes.size() - 1);
        assertThat(lastClose.to()).isEqualTo(State.CLOSED);
        // Healthy again at 60 s; at most one cooldown (5 s + 20% jitter) and a probe later it closes.
        assertThat(lastClose.at()).isBetween(60 * S, 67 * S);
        assertThat(result.summary().statesReached()).contains(State.CLOSED, State.OPEN, State.HALF_OPEN);
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("CLOSED -> OPEN").contains("2024-05-01T12:00:3");
    }

    @Test
    void countsTheFailuresItWouldHaveSparedAndTheSuccessesItWouldHaveLost() throws Exception {
        TraceReplay.Result result = TraceReplay.replay(TraceReplay.read(outageTrace()), settings(), 1,
                quiet(new ByteArrayOutputStream()), null);
        Summary s = result.summary();
        assertThat(s.wastedUnprotected()).isEqualTo(300); // every recorded failure reached the service
        assertThat(s.wastedProtected()).isLessThan(80); // the breaker let only the first ones and probes through
        assertThat(row(s, "refused: failures spared")).isEqualTo(String.valueOf(300 - s.wastedProtected()));
        assertThat(Integer.parseInt(row(s, "refused: successes lost"))).isLessThan(70);
        assertThat(result.report()).isNull();
    }

    @Test
    void theSameSeedReplaysTheSameTransitions() throws Exception {
        TraceReplay.Trace trace = TraceReplay.read(outageTrace());
        List<RunRecorder.StateChange> a = TraceReplay.replay(trace, settings(), 9, quiet(new ByteArrayOutputStream()),
                null).transitions();
        List<RunRecorder.StateChange> b = TraceReplay.replay(trace, settings(), 9, quiet(new ByteArrayOutputStream()),
                null).transitions();
        assertThat(b).isEqualTo(a);
    }

    @Test
    void writesAReportWithTheSameCharts() throws Exception {
        TraceReplay.Result result = TraceReplay.replay(TraceReplay.read(outageTrace()), settings(), 1,
                quiet(new ByteArrayOutputStream()), dir.resolve("out/trace-report.html"));
        String html = Files.readString(result.report());
        assertThat(html).contains("id=\"chart-states\"", "id=\"chart-failure\"", "id=\"chart-throughput\"",
                "id=\"chart-latency\"", "id=\"chart-inflight\"", "Fluxgate trace replay", "refused: failures spared");
    }

    @Test
    void readsMillisecondTimestampsHttpStatusesAndUnits() throws Exception {
        Path file = Files.writeString(dir.resolve("t.csv"), "1000,200,12.5\n1500;503;1.5s\n\n2000,timeout,300ms\n2500,ok,PT0.02S\n");
        TraceReplay.Trace trace = TraceReplay.read(file);
        assertThat(trace.calls()).containsExactly(
                new TraceReplay.TracedCall(0, RunRecorder.Outcome.SUCCESS, 12_500_000),
                new TraceReplay.TracedCall(500_000_000, RunRecorder.Outcome.FAILURE, 1_500_000_000),
                new TraceReplay.TracedCall(1_000_000_000, RunRecorder.Outcome.TIMEOUT, 300_000_000),
                new TraceReplay.TracedCall(1_500_000_000, RunRecorder.Outcome.SUCCESS, 20_000_000));
    }

    @Test
    void aBadLineIsReportedWithItsNumber() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.csv"), "timestamp,outcome,duration\n1000,ok,5\n1001,maybe,5\n");
        assertThatThrownBy(() -> TraceReplay.read(file)).isInstanceOf(Cli.UsageException.class)
                .hasMessageContaining("bad.csv:3").hasMessageContaining("'maybe'");
        Path slow = Files.writeString(dir.resolve("slow.csv"), "1000,ok,5\n1001,ok,ages\n");
        assertThatThrownBy(() -> TraceReplay.read(slow)).isInstanceOf(Cli.UsageException.class)
                .hasMessageContaining("slow.csv:2").hasMessageContaining("'ages'");
        Path empty = Files.writeString(dir.resolve("empty.csv"), "timestamp,outcome,duration\n");
        assertThatThrownBy(() -> TraceReplay.read(empty)).isInstanceOf(Cli.UsageException.class)
                .hasMessageContaining("no calls");
    }

    @Test
    void readsTheTraceTheDemoWrites() throws Exception {
        RunRecorder run = new RunRecorder("without", S, false);
        run.started(0);
        run.started(100_000_000);
        run.completed(100_000_000, 2_100_000_000L, RunRecorder.Outcome.FAILURE);
        run.completed(0, 20_000_000, RunRecorder.Outcome.SUCCESS);
        Path file = DemoRun.writeTrace(dir.resolve("demo.csv"), run, Instant.parse("2024-05-01T12:00:00Z"));
        assertThat(TraceReplay.read(file).calls()).containsExactly(
                new TraceReplay.TracedCall(0, RunRecorder.Outcome.SUCCESS, 20_000_000),
                new TraceReplay.TracedCall(100_000_000, RunRecorder.Outcome.FAILURE, 2_000_000_000));
    }

    @Test
    void bucketsStayAroundTwoHundredWhateverTheSpan() {
        assertThat(TraceReplay.bucketFor(60 * S)).isEqualTo(S);
        assertThat(TraceReplay.bucketFor(600 * S)).isEqualTo(5 * S);
        assertThat(TraceReplay.bucketFor(24 * 3600 * S)).isEqualTo(600 * S);
    }

    private static String row(Summary s, String measure) {
        return s.rows().stream().filter(r -> r.measure().equals(measure)).findFirst().orElseThrow().withBreaker();
    }
}
