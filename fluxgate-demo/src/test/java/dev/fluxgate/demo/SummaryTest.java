package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SummaryTest {

    private static final long MS = 1_000_000L;

    private static RunRecorder.Call call(long startMs, long endMs, RunRecorder.Outcome outcome) {
        return new RunRecorder.Call(startMs * MS, endMs * MS, outcome);
    }

    @Test
    void recoveryIsTheEndOfTheFirstSecondWithAtLeast95PercentSuccessAfterTheServiceHealed() {
        List<RunRecorder.Call> calls = new ArrayList<>();
        // Healed at 10 s; failures keep completing until 11.5 s, then only successes.
        for (int t = 9_000; t < 14_000; t += 50) {
            calls.add(call(t, t + 20, t < 11_500 ? RunRecorder.Outcome.FAILURE : RunRecorder.Outcome.SUCCESS));
        }
        assertThat(Summary.recovery(calls, Duration.ofSeconds(10))).isEqualTo("2.5 s");
        assertThat(Summary.recovery(List.of(call(10_000, 10_010, RunRecorder.Outcome.REJECTED)),
                Duration.ofSeconds(10))).isEqualTo("not within the run");
    }

    @Test
    void successRateCountsTheCallsStartedInThePhaseWithRejectionsAsUnsuccessful() {
        Scenario.Phase phase = new Scenario.Phase("p", false, Duration.ofSeconds(1), Duration.ofSeconds(2), 0, 0, 1, 1);
        List<RunRecorder.Call> calls = List.of(
                call(500, 600, RunRecorder.Outcome.FAILURE),       // before the phase
                call(1_000, 1_100, RunRecorder.Outcome.SUCCESS),
                call(1_500, 1_500, RunRecorder.Outcome.REJECTED),
                call(1_900, 2_900, RunRecorder.Outcome.SUCCESS),   // started in it, ended after
                call(1_950, 2_250, RunRecorder.Outcome.TIMEOUT));
        assertThat(Summary.successRate(calls, phase)).isEqualTo(0.5);
        assertThat(Summary.percentile(calls, 0.99, phase)).isEqualTo(1000.0);
    }

    @Test
    void theMarkdownTableAlignsItsColumns() {
        Summary s = new Summary(List.of("measured", "with", "without"),
                List.of(new Summary.Row("calls", "10", "2000")), 0, 0, java.util.Set.of());
        assertThat(s.toMarkdown().lines()).containsExactly(
                "| measured | with | without |",
                "| -------- | ---: | ------: |",
                "| calls    |   10 |    2000 |");
    }
}
