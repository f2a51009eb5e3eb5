package dev.fluxgate.demo;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Durations;
import dev.fluxgate.State;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/**
 * The tuning mode: replays recorded calls against a breaker configuration on a virtual clock and
 * reports when it would have opened and closed, which calls it would have refused, and what that
 * would have spared or cost, with the same charts as the demo.
 *
 * <p>Each call is admitted or refused at its timestamp and its outcome recorded when it would have
 * completed (timestamp + duration), so overlapping calls interleave as they did. A refused call
 * never ran: its recorded outcome is what it would have spared (a failure) or cost (a success).
 *
 * <p>Not thread-safe: one replay runs on one thread.
 */
public final class TraceReplay {

    /**
     * One recorded call.
     *
     * @param at when it started, ns after the first call of the trace
     * @param outcome how it ended
     * @param duration how long it took, ns
     */
    public record TracedCall(long at, RunRecorder.Outcome outcome, long duration) {
    }

    /**
     * A parsed trace.
     *
     * @param start the instant of the first call (the epoch when timestamps were plain numbers)
     * @param calls the calls, by start time
     */
    public record Trace(Instant start, List<TracedCall> calls) {
    }

    /**
     * What the replay found.
     *
     * @param summary the comparison of the breaker against the trace as recorded
     * @param transitions the breaker's moves, in order
     * @param report the HTML report, or null when none was written
     */
    public record Result(Summary summary, List<RunRecorder.StateChange> transitions, @Nullable Path report) {
    }

    /** A failure as recorded in the trace; a shared instance without a stack trace. */
    private static final class TracedFailure extends Exception {

        private static final long serialVersionUID = 1L;

        TracedFailure() {
            super("failed in the trace", null, false, false);
        }
    }

    @SuppressWarnings("StaticAssignmentOfThrowable") // shared and stackless on purpose, like a rejection
    private static final TracedFailure FAILURE = new TracedFailure();

    private TraceReplay() {
    }

    /**
     * Reads a trace: {@code timestamp,outcome,duration} lines; a header and {@code #} comments are skipped.
     *
     * @param file the trace file
     * @return the trace's calls, in order
     * @throws IOException if the file cannot be read
     * @throws Cli.UsageException naming the line, when a line cannot be read
     */
    public static Trace read(Path file) throws IOException, Cli.UsageException {
        List<Instant> times = new ArrayList<>();
        List<RunRecorder.Outcome> outcomes = new ArrayList<>();
        List<Long> durations = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.split("\\s*[,;\\t]\\s*", -1);
                if (number == 1 && fields.length > 0 && fields[0].toLowerCase(Locale.ROOT).matches("[a-z_ ]+")) {
                    continue; // header
                }
                if (fields.length < 3) {
                    throw new Cli.UsageException(file + ":" + number + ": expected timestamp,outcome,duration, was '"
                            + line + "'");
                }
                times.add(timestamp(file, number, fields[0]));
                outcomes.add(outcome(file, number, fields[1]));
                durations.add(duration(file, number, fields[2]));
            }
        }
        if (times.isEmpty()) {
            throw new Cli.UsageException(file + ": no calls in the trace");
        }
        Instant start = times.stream().min(Comparator.naturalOrder()).orElseThrow();
        List<TracedCall> calls = new ArrayList<>(times.size());
        for (int i = 0; i < times.size(); i++) {
            Duration offset = Duration.between(start, times.get(i));
            calls.add(new TracedCall(offset.toNanos(), outcomes.get(i), durations.get(i)));
        }
        calls.sort(Comparator.comparingLong(TracedCall::at));
        return new Trace(start, List.copyOf(calls));
    }

    private static Instant timestamp(Path file, int line, String text) throws Cli.UsageException {
        try {
            if (text.matches("\\d+(\\.\\d+)?")) {
                double millis = Double.parseDouble(text);
                return Instant.EPOCH.plusNanos(Math.round(millis * 1e6));
            }
            return Instant.parse(text);
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new Cli.UsageException(file + ":" + line + ": timestamp must be an ISO-8601 instant"
                    + " (2024-05-01T12:00:00.250Z) or milliseconds, was '" + text + "'");
        }
    }

    private static RunRecorder.Outcome outcome(Path file, int line, String text) throws Cli.UsageException {
        String s = text.toLowerCase(Locale.ROOT);
        if (s.matches("\\d{3}")) {
            return Integer.parseInt(s) >= 500 ? RunRecorder.Outcome.FAILURE : RunRecorder.Outcome.SUCCESS;
        }
        return switch (s) {
            case "ok", "success", "succeeded", "true", "pass" -> RunRecorder.Outcome.SUCCESS;
            case "timeout", "timed_out", "timedout" -> RunRecorder.Outcome.TIMEOUT;
            case "error", "failure", "failed", "fail", "false", "exception" -> RunRecorder.Outcome.FAILURE;
            default -> throw new Cli.UsageException(file + ":" + line
                    + ": outcome must be ok/success/2xx-4xx or failure/error/timeout/5xx, was '" + text + "'");
        };
    }

    private static long duration(Path file, int line, String text) throws Cli.UsageException {
        try {
            // A bare number is milliseconds, as the demo's own trace.csv writes it.
            Duration d = Durations.parse(text.matches("\\d+(\\.\\d+)?") ? text + "ms" : text);
            if (!d.isNegative()) {
                return d.toNanos();
            }
        } catch (IllegalArgumentException | ArithmeticException e) {
            // reported below
        }
        throw new Cli.UsageException(file + ":" + line + ": duration must be milliseconds or a duration (250, 250ms,"
                + " 1.5s), was '" + text + "'");
    }

    /**
     * Replays {@code trace} against {@code settings}.
     *
     * @param trace the calls
     * @param settings the breaker to try
     * @param seed seed of the breaker's jitter
     * @param timeline where transitions are printed as they would have happened
     * @param reportFile where the HTML report goes, or null for none
     * @return what the replay measured
     * @throws IOException if the report cannot be written
     */
    public static Result replay(Trace trace, BreakerSettings settings, long seed, Timeline timeline,
            @Nullable Path reportFile)
            throws IOException {
        long span = trace.calls().get(trace.calls().size() - 1).at()
                + trace.calls().stream().mapToLong(TracedCall::duration).max().orElse(0);
        long bucket = bucketFor(span);
        RunRecorder replayed = new RunRecorder("with this breaker", bucket, true);
        RunRecorder recorded = new RunRecorder("as recorded", bucket, false);
        long[] now = {0};
        InstantSource clock = () -> trace.start().plusNanos(now[0]);
        CircuitBreaker breaker = settings.builder("trace")
                .ticker(() -> now[0])
                .clock(clock)
                .random(new Random(seed))
                .listener(t -> {
                    replayed.transition(now[0], t.from(), t.to(), t.reason());
                    timeline.transition(now[0] / 1e9, t.from(), t.to(), t.reason() + "  [at " + t.at() + "]");
                })
                .build();

        // Completions of admitted calls, by end time: {end, permit, outcome ordinal, start, duration}.
        PriorityQueue<long[]> running = new PriorityQueue<>(Comparator.comparingLong(e -> e[0]));
        long sampleStep = Math.max(1, bucket / 4);
        long[] refused = new long[2]; // successes lost, failures spared
        // The trace as recorded, completed in time order too, so that its calls in flight are right.
        PriorityQueue<long[]> recordedRunning = new PriorityQueue<>(Comparator.comparingLong(e -> e[0]));
        long nextSample = 0;
        for (TracedCall call : trace.calls()) {
            while (!running.isEmpty() && running.peek()[0] <= call.at()) {
                complete(breaker, running.poll(), now, replayed);
            }
            for (; nextSample <= call.at(); nextSample += sampleStep) {
                replayed.sample(nextSample, breaker.metrics().failureRate());
            }
            while (!recordedRunning.isEmpty() && recordedRunning.peek()[0] <= call.at()) {
                long[] done = recordedRunning.poll();
                recorded.completed(done[1], done[0], RunRecorder.Outcome.values()[(int) done[2]]);
            }
            now[0] = call.at();
            recorded.started(call.at());
            recordedRunning.add(new long[] {call.at() + call.duration(), call.at(), call.outcome().ordinal()});
            replayed.started(call.at());
            long permit = breaker.tryAcquirePermission();
            if (permit == CircuitBreaker.NO_PERMISSION) {
                replayed.completed(call.at(), call.at(), RunRecorder.Outcome.REJECTED);
                refused[call.outcome() == RunRecorder.Outcome.SUCCESS ? 0 : 1]++;
            } else {
                running.add(new long[] {call.at() + call.duration(), permit, call.outcome().ordinal(), call.at(),
                        call.duration()});
            }
        }
        while (!running.isEmpty()) {
            complete(breaker, running.poll(), now, replayed);
        }
        while (!recordedRunning.isEmpty()) {
            long[] done = recordedRunning.poll();
            recorded.completed(done[1], done[0], RunRecorder.Outcome.values()[(int) done[2]]);
        }
        replayed.sample(now[0], breaker.metrics().failureRate());

        Summary summary = summarize(trace, replayed, span, refused[0], refused[1]);
        Path written = null;
        if (reportFile != null) {
            String subtitle = String.format(Locale.ROOT, "%d recorded calls from %s over %s, replayed on a virtual"
                    + " clock against the breaker below: when it would have opened and closed, and which calls it"
                    + " would have refused.", trace.calls().size(), trace.start(), Durations.format(Duration.ofNanos(span)));
            written = Report.write(reportFile, Report.data("Fluxgate trace replay", subtitle, List.of(), Math.ceil(span / 1e9),
                    settings.failureRate(), List.of(replayed, recorded), summary, settings.describe(), List.of(
                            "A refused call never ran: its recorded outcome is what refusing it spared (a failure) or"
                                    + " cost (a success).",
                            "Calls are admitted at their timestamp and recorded when they would have completed.",
                            "Time buckets are " + Durations.format(Duration.ofNanos(bucket)) + " wide.")))
                    .toAbsolutePath();
        }
        return new Result(summary, replayed.changes(), written);
    }

    private static void complete(CircuitBreaker breaker, long[] event, long[] now, RunRecorder replayed) {
        now[0] = event[0];
        RunRecorder.Outcome outcome = RunRecorder.Outcome.values()[(int) event[2]];
        if (outcome == RunRecorder.Outcome.SUCCESS) {
            breaker.recordSuccess(event[1], event[4]);
        } else {
            breaker.recordError(event[1], event[4], FAILURE);
        }
        replayed.completed(event[3], event[0], outcome);
    }

    /** A bucket width that gives at most about 200 buckets: 1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 min... */
    static long bucketFor(long spanNanos) {
        long[] seconds = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400};
        for (long s : seconds) {
            if (spanNanos / (s * 1_000_000_000L) <= 200) {
                return s * 1_000_000_000L;
            }
        }
        return spanNanos / 200 + 1;
    }

    private static Summary summarize(Trace trace, RunRecorder replayed, long span, long lost, long spared) {
        List<TracedCall> all = trace.calls();
        long failures = all.stream().filter(c -> c.outcome() != RunRecorder.Outcome.SUCCESS).count();
        List<RunRecorder.Call> calls = replayed.calls();
        long admitted = calls.stream().filter(c -> c.outcome() != RunRecorder.Outcome.REJECTED).count();
        long admittedFailures = calls.stream().filter(RunRecorder.Call::failed).count();
        List<RunRecorder.StateChange> changes = replayed.changes();
        long opens = changes.stream().filter(c -> c.to() == State.OPEN).count();
        long openNanos = 0;
        long longest = 0;
        long openedAt = -1;
        for (RunRecorder.StateChange c : changes) {
            if (c.to() != State.CLOSED && openedAt < 0 && c.from() == State.CLOSED) {
                openedAt = c.at();
            }
            if (c.to() == State.CLOSED && openedAt >= 0) {
                openNanos += c.at() - openedAt;
                longest = Math.max(longest, c.at() - openedAt);
                openedAt = -1;
            }
        }
        if (openedAt >= 0) {
            openNanos += span - openedAt;
            longest = Math.max(longest, span - openedAt);
        }
        String firstOpen = changes.stream().filter(c -> c.to() == State.OPEN).findFirst()
                .map(c -> trace.start().plusNanos(c.at()).toString()).orElse("never");
        String lastClose = changes.stream().filter(c -> c.to() == State.CLOSED).reduce((x, y) -> y)
                .map(c -> trace.start().plusNanos(c.at()).toString()).orElse("never");
        List<Summary.Row> rows = List.of(
                new Summary.Row("calls that reached the service", String.valueOf(admitted), String.valueOf(all.size())),
                new Summary.Row("failed calls that reached the service", String.valueOf(admittedFailures),
                        String.valueOf(failures)),
                new Summary.Row("failure rate of calls that ran",
                        Format.percent(admitted == 0 ? Double.NaN : (double) admittedFailures / admitted),
                        Format.percent((double) failures / all.size())),
                new Summary.Row("refused: failures spared", String.valueOf(spared), "-"),
                new Summary.Row("refused: successes lost", String.valueOf(lost), "-"),
                new Summary.Row("times it opened (from CLOSED or HALF_OPEN)", String.valueOf(opens), "-"),
                new Summary.Row("time not CLOSED", Format.seconds(openNanos / 1e9) + " ("
                        + Format.percent(span == 0 ? 0 : (double) openNanos / span) + ")", "-"),
                new Summary.Row("longest time not CLOSED", Format.seconds(longest / 1e9), "-"),
                new Summary.Row("first opened at", firstOpen, "-"),
                new Summary.Row("last closed at", lastClose, "-"));
        java.util.Set<State> reached = java.util.EnumSet.of(State.CLOSED);
        changes.forEach(c -> reached.add(c.to()));
        return new Summary(List.of("measured", "with this breaker", "as recorded"), rows, admittedFailures, failures, reached);
    }
}
