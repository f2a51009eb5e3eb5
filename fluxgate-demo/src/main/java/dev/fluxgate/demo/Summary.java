package dev.fluxgate.demo;

import dev.fluxgate.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The comparison of the protected and the unprotected run, from what was measured: each row is a
 * figure of both runs, computed the same way for both.
 *
 * @param columns the headings: the measure, the run with the breaker, the run without
 * @param rows the table: measure, protected, unprotected
 * @param wastedProtected requests the protected run sent that the failing service answered with an
 *     error or a hang
 * @param wastedUnprotected the same for the unprotected run
 * @param statesReached the breaker states the protected run went through
 * @param figures the figures of the rate limiter, the hedge and the retry budget (zero for a trace)
 */
public record Summary(List<String> columns, List<Row> rows, long wastedProtected, long wastedUnprotected,
        Set<State> statesReached, Figures figures) {

    /**
     * A summary without the pipeline's figures (the trace replay has no limiter, hedge or budget).
     *
     * @param columns the headings
     * @param rows the table
     * @param wastedProtected requests the protected run wasted
     * @param wastedUnprotected requests the unprotected run wasted
     * @param statesReached the breaker states reached
     */
    public Summary(List<String> columns, List<Row> rows, long wastedProtected, long wastedUnprotected,
            Set<State> statesReached) {
        this(columns, rows, wastedProtected, wastedUnprotected, statesReached, Figures.NONE);
    }

    /**
     * What the rate limiter, the hedge and the retry budget did, as measured.
     *
     * @param throttledProtected requests the service answered 429 (over its quota), protected run
     * @param throttledUnprotected the same, unprotected run
     * @param slowTailP99Protected caller latency p99 in ms of the calls sent in the slow tail, hedged
     * @param slowTailP99Unprotected the same, unhedged
     * @param outageRetries retries the protected run sent during the outage
     * @param outageRetriesHeldBack retries its budget held back during the outage
     * @param retriesAdmitted retries the budget admitted over the whole run
     * @param retryBudgetBound the most the budget could have admitted over the run, by its contract
     */
    public record Figures(long throttledProtected, long throttledUnprotected, double slowTailP99Protected,
            double slowTailP99Unprotected, long outageRetries, long outageRetriesHeldBack, long retriesAdmitted,
            long retryBudgetBound) {

        static final Figures NONE = new Figures(0, 0, Double.NaN, Double.NaN, 0, 0, 0, 0);
    }

    /**
     * What the protected client's policies counted, for the summary.
     *
     * @param retries retries sent over the whole run
     * @param outageRetries retries sent during the outage
     * @param outageRetriesHeldBack retries the budget held back during the outage
     * @param retriesAdmitted retries the budget admitted over the whole run
     * @param retryBudgetBound the budget's bound over the run
     * @param hedges hedged attempts started
     * @param hedgeWins calls a hedged attempt won
     * @param rateLimited calls the rate limiter refused
     * @param quota the quota the limiter keeps, per second
     */
    record Pipeline(long retries, long outageRetries, long outageRetriesHeldBack, long retriesAdmitted,
            long retryBudgetBound, long hedges, long hedgeWins, long rateLimited, int quota) {
    }

    /**
     * One row of the table.
     *
     * @param measure what is measured
     * @param withBreaker the protected run's figure
     * @param without the unprotected run's figure
     */
    public record Row(String measure, String withBreaker, String without) {
    }

    /** Compares the runs of {@code scenario}: the recorders and the services they called. */
    static Summary of(Scenario scenario, RunRecorder prot, FlakyService protService,
            RunRecorder unprot, FlakyService unprotService, Pipeline pipeline) {
        List<RunRecorder.Call> p = prot.calls();
        List<RunRecorder.Call> u = unprot.calls();
        int outage = scenario.indexOf(Scenario.OUTAGE);
        Scenario.Phase outagePhase = scenario.phases().get(outage);
        Scenario.Phase healed = scenario.phase(Scenario.HEALTHY_AGAIN);
        Scenario.Phase slowTail = scenario.phase(Scenario.SLOW_TAIL);
        int spike = scenario.indexOf(Scenario.TRAFFIC_SPIKE);
        List<Row> rows = new ArrayList<>();
        rows.add(row("calls sent by the callers", p.size(), u.size()));
        rows.add(new Row("retries sent", String.valueOf(pipeline.retries()), "-"));
        rows.add(row("requests that reached the service", protService.receivedTotal(), unprotService.receivedTotal()));
        rows.add(row("requests sent to it during the outage", protService.received(outage), unprotService.received(outage)));
        rows.add(new Row("retries sent in the outage, within a retry budget",
                String.valueOf(pipeline.outageRetries()), "-"));
        rows.add(new Row("retries in the outage without a budget (sent + held back)",
                String.valueOf(pipeline.outageRetries() + pipeline.outageRetriesHeldBack()), "-"));
        rows.add(row("wasted: requests it failed or hung on", protService.failedTotal(), unprotService.failedTotal()));
        rows.add(row("requests it answered 429 (over its quota of " + pipeline.quota() + "/s)",
                protService.throttled(spike), unprotService.throttled(spike)));
        rows.add(row("callers got a success", count(p, RunRecorder.Outcome.SUCCESS), count(u, RunRecorder.Outcome.SUCCESS)));
        rows.add(row("callers got an error or a timeout", failed(p), failed(u)));
        rows.add(new Row("callers got a fast rejection (breaker, bulkhead, rate limiter)",
                String.valueOf(count(p, RunRecorder.Outcome.REJECTED)), "-"));
        rows.add(new Row("of them, calls the rate limiter kept under the quota",
                String.valueOf(pipeline.rateLimited()), "-"));
        rows.add(new Row("caller latency p50 / p99, whole run",
                Format.millis(percentile(p, 0.5, null)) + " / " + Format.millis(percentile(p, 0.99, null)),
                Format.millis(percentile(u, 0.5, null)) + " / " + Format.millis(percentile(u, 0.99, null))));
        rows.add(new Row("caller latency p99, calls sent in the outage",
                Format.millis(percentile(p, 0.99, outagePhase)), Format.millis(percentile(u, 0.99, outagePhase))));
        double slowP = percentile(p, 0.99, slowTail);
        double slowU = percentile(u, 0.99, slowTail);
        rows.add(new Row("caller latency p99, calls sent in the slow tail (hedged / not)",
                Format.millis(slowP), Format.millis(slowU)));
        rows.add(new Row("hedged attempts sent / won", pipeline.hedges() + " / " + pipeline.hedgeWins(), "-"));
        rows.add(new Row("caller time spent waiting on failed calls",
                Format.seconds(waitedOnFailures(p)), Format.seconds(waitedOnFailures(u))));
        rows.add(row("most calls in flight at once", prot.maxInFlight(), unprot.maxInFlight()));
        rows.add(row("most requests the service held at once", protService.maxBusy(), unprotService.maxBusy()));
        Scenario.Phase partial = scenario.phase(Scenario.PARTIAL_RECOVERY);
        rows.add(new Row("callers' success rate in the partial recovery",
                Format.percent(successRate(p, partial)), Format.percent(successRate(u, partial))));
        rows.add(new Row("outage detected (breaker opened) after", detection(prot, outagePhase), "never"));
        rows.add(new Row("breaker closed again after the outage ended", closedAgain(prot, outagePhase), "-"));
        rows.add(new Row("back to >= 95% success after the service healed",
                recovery(p, healed.start()), recovery(u, healed.start())));
        Set<State> reached = EnumSet.of(State.CLOSED);
        prot.changes().forEach(c -> reached.add(c.to()));
        Figures figures = new Figures(protService.throttled(spike), unprotService.throttled(spike), slowP, slowU,
                pipeline.outageRetries(), pipeline.outageRetriesHeldBack(), pipeline.retriesAdmitted(),
                pipeline.retryBudgetBound());
        return new Summary(List.of("measured", "with Fluxgate", "without"), List.copyOf(rows), protService.failedTotal(),
                unprotService.failedTotal(), reached, figures);
    }

    private static Row row(String measure, long withBreaker, long without) {
        return new Row(measure, String.valueOf(withBreaker), String.valueOf(without));
    }

    private static long count(List<RunRecorder.Call> calls, RunRecorder.Outcome outcome) {
        return calls.stream().filter(c -> c.outcome() == outcome).count();
    }

    private static long failed(List<RunRecorder.Call> calls) {
        return calls.stream().filter(RunRecorder.Call::failed).count();
    }

    private static double waitedOnFailures(List<RunRecorder.Call> calls) {
        return calls.stream().filter(RunRecorder.Call::failed).mapToLong(RunRecorder.Call::latency).sum() / 1e9;
    }

    /** The latency percentile in ms of the calls started in {@code phase} (all calls when null). */
    static double percentile(List<RunRecorder.Call> calls, double p, Scenario.@Nullable Phase phase) {
        long[] latencies = calls.stream()
                .filter(c -> phase == null || phase.contains(Duration.ofNanos(c.start())))
                .mapToLong(RunRecorder.Call::latency).toArray();
        Arrays.sort(latencies);
        return RunRecorder.percentileMillis(latencies, p);
    }

    /** Successes over calls started in {@code phase}; rejections count as unsuccessful. */
    static double successRate(List<RunRecorder.Call> calls, Scenario.Phase phase) {
        long n = calls.stream().filter(c -> phase.contains(Duration.ofNanos(c.start()))).count();
        long ok = calls.stream().filter(c -> phase.contains(Duration.ofNanos(c.start()))
                && c.outcome() == RunRecorder.Outcome.SUCCESS).count();
        return n == 0 ? Double.NaN : (double) ok / n;
    }

    private static String detection(RunRecorder run, Scenario.Phase outage) {
        long start = outage.start().toNanos();
        return run.changes().stream()
                .filter(c -> c.to() == State.OPEN && c.at() >= start)
                .findFirst()
                .map(c -> Format.seconds((c.at() - start) / 1e9))
                .orElse("never");
    }

    private static String closedAgain(RunRecorder run, Scenario.Phase outage) {
        long end = outage.end().toNanos();
        return run.changes().stream()
                .filter(c -> c.to() == State.CLOSED && c.at() >= outage.start().toNanos())
                .findFirst()
                .map(c -> c.at() >= end ? "after " + Format.seconds((c.at() - end) / 1e9)
                        : Format.seconds((end - c.at()) / 1e9) + " before (a gap in the outage)")
                .orElse("not within the run");
    }

    /**
     * How long after {@code healed} the callers first saw a one-second span (sliding by 100 ms) in
     * which at least 95% of their calls succeeded; rejections count as unsuccessful.
     */
    static String recovery(List<RunRecorder.Call> calls, Duration healed) {
        long from = healed.toNanos();
        long end = calls.stream().mapToLong(RunRecorder.Call::end).max().orElse(0);
        long second = 1_000_000_000L;
        for (long t = from; t + second <= end + second; t += 100_000_000L) {
            long lo = t;
            long hi = t + second;
            long n = calls.stream().filter(c -> c.end() >= lo && c.end() < hi).count();
            long ok = calls.stream().filter(c -> c.end() >= lo && c.end() < hi
                    && c.outcome() == RunRecorder.Outcome.SUCCESS).count();
            if (n > 0 && ok >= 0.95 * n) {
                return Format.seconds((hi - from) / 1e9);
            }
        }
        return "not within the run";
    }

    /**
     * The table as Markdown, which also reads well on a console.
     *
     * @return the table as Markdown
     */
    public String toMarkdown() {
        int w0 = columns.get(0).length();
        int w1 = columns.get(1).length();
        int w2 = columns.get(2).length();
        for (Row r : rows) {
            w0 = Math.max(w0, r.measure().length());
            w1 = Math.max(w1, r.withBreaker().length());
            w2 = Math.max(w2, r.without().length());
        }
        String format = "| %-" + w0 + "s | %" + w1 + "s | %" + w2 + "s |%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, format, columns.get(0), columns.get(1), columns.get(2)));
        sb.append("| ").append("-".repeat(w0)).append(" | ").append("-".repeat(w1 - 1)).append(": | ")
                .append("-".repeat(w2 - 1)).append(": |").append(System.lineSeparator());
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, format, r.measure(), r.withBreaker(), r.without()));
        }
        return sb.toString();
    }
}
