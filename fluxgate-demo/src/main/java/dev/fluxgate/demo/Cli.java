package dev.fluxgate.demo;

import dev.fluxgate.Durations;
import dev.fluxgate.Window;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The command line: {@link #parse(String...)} turns arguments into {@link Options} or throws a
 * {@link UsageException} whose message says what was wrong (the demo then exits with code 2).
 */
public final class Cli {

    /** The text {@code --help} prints. */
    public static final String USAGE = """
            Usage: java -jar fluxgate-demo.jar [options]

            Starts a flaky HTTP service on a loopback port and sends it the same load twice at once:
            through Fluxgate (retry, circuit breaker, bulkhead, timeout) and without. The service goes
            healthy, down (calls fail or hang), half-recovered, healthy again. Prints a live timeline
            and a summary, and writes a self-contained HTML report.

              --duration D      length of the run: 60s, 90, 2m, 1m30s (default 60s, from 5s to 30m);
                                the phases scale with it
              --seed N          seed of the fault plan and the breaker's jitter (default 42);
                                the same seed plans the same faults
              --rate N          calls per second each client sends (default 40; 3x in the traffic spike)
              --out DIR         where report.html and trace.csv go (default target/fluxgate-demo)
              --serve           keep the live dashboard, /metrics and /health up after the run
                                (Ctrl-C stops)
              --port N          port of the dashboard (default: a free one)
              --quiet           no per-second timeline: transitions and the summary only
              --chaos R         fault injection: the protected client's calls throw an injected
                                IOException in a share R of attempts (0 < R <= 1, e.g. 0.3), so the
                                breaker reacts without a broken service (default: off)
              --trace FILE      tuning mode: replay a CSV of recorded calls (timestamp,outcome,duration)
                                against the breaker below and report when it would have opened and
                                closed; no service is started
              --help            this text

            Breaker (demo and --trace):
              --window W        sliding window: a call count (100) or a duration (10s)
                                (default: duration / 30, between 1s and 10s)
              --min-calls N     calls the window needs before the breaker may open (default 20)
              --failure-rate R  failure rate that opens it, 0 < R <= 1 (default 0.5)
              --cooldown D      how long it stays open before probing (default: duration / 30,
                                between 500ms and 10s; 2s in a 60s run)
              --probes N        half-open probes per period at most (default 5); it closes once
                                enough succeed to keep their failure rate under R (3 of 5 at 0.5)

            With --trace, --duration only scales these defaults (those of a 60s run unless given).

            Trace CSV: one call a line, "timestamp,outcome,duration". timestamp is an ISO-8601
            instant or a number of milliseconds; outcome is ok/success/2xx-4xx or
            failure/error/timeout/5xx; duration is milliseconds (or 250ms, 1.5s). A header line and
            lines starting with # are skipped. The demo writes one: trace.csv.

            Exit codes: 0 done, 1 failed, 2 bad options or input.
            """;

    private Cli() {
    }

    /**
     * What the command line asked for.
     *
     * @param duration length of the run
     * @param seed seed of the fault plan and the breaker's randomness
     * @param rate calls per second each client sends
     * @param out output directory
     * @param serve keep serving after the run
     * @param port dashboard port, 0 for a free one
     * @param quiet no per-second timeline
     * @param trace the trace to replay, or null for the demo
     * @param help print the usage and exit
     * @param breaker the breaker's configuration
     * @param chaos the share of the protected client's attempts that get an injected exception; 0 for none
     */
    public record Options(Duration duration, long seed, int rate, Path out, boolean serve, int port,
            boolean quiet, @Nullable Path trace, boolean help, BreakerSettings breaker, double chaos) {
    }

    /** A bad command line; the message says what is wrong. */
    public static final class UsageException extends Exception {

        private static final long serialVersionUID = 1L;

        /**
         * A usage error with {@code message}.
         *
         * @param message what is wrong with the command line
         */
        public UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code args}; options take their value as the next argument or after {@code =}.
     *
     * @param args the command-line arguments
     * @return the options, with defaults for those not given
     * @throws UsageException naming the bad option or value
     */
    public static Options parse(String... args) throws UsageException {
        Duration duration = Duration.ofSeconds(60);
        long seed = 42;
        int rate = 40;
        Path out = Path.of("target", "fluxgate-demo");
        boolean serve = false;
        boolean quiet = false;
        boolean help = false;
        int port = 0;
        Path trace = null;
        String window = null;
        Integer minCalls = null;
        Double failureRate = null;
        Duration cooldown = null;
        Integer probes = null;
        double chaos = 0;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--serve" -> serve = true;
                case "--quiet" -> quiet = true;
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(known(arg) ? "option " + arg + " needs a value"
                                    : "unknown option " + arg);
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--duration" -> {
                            duration = duration(arg, value);
                            if (duration.compareTo(Duration.ofSeconds(5)) < 0
                                    || duration.compareTo(Duration.ofMinutes(30)) > 0) {
                                throw new UsageException("--duration must be from 5s to 30m, was " + value);
                            }
                        }
                        case "--seed" -> seed = longValue(arg, value);
                        case "--rate" -> rate = intValue(arg, value, 1, 1000);
                        case "--out" -> out = Path.of(value);
                        case "--port" -> port = intValue(arg, value, 0, 65535);
                        case "--trace" -> {
                            trace = Path.of(value);
                            if (!Files.isReadable(trace)) {
                                throw new UsageException("--trace: cannot read " + value);
                            }
                        }
                        case "--window" -> window = value;
                        case "--min-calls" -> minCalls = intValue(arg, value, 1, 1_000_000);
                        case "--failure-rate" -> {
                            failureRate = doubleValue(arg, value);
                            if (!(failureRate > 0 && failureRate <= 1)) {
                                throw new UsageException("--failure-rate must be in (0, 1], was " + value);
                            }
                        }
                        case "--cooldown" -> cooldown = duration(arg, value);
                        case "--probes" -> probes = intValue(arg, value, 1, 1000);
                        case "--chaos" -> {
                            chaos = doubleValue(arg, value);
                            if (!(chaos > 0 && chaos <= 1)) {
                                throw new UsageException("--chaos must be in (0, 1], was " + value);
                            }
                        }
                        default -> throw new UsageException("unknown option " + arg);
                    }
                }
            }
        }
        BreakerSettings defaults = BreakerSettings.defaults(duration);
        BreakerSettings breaker = new BreakerSettings(
                window == null ? defaults.window() : window(window),
                minCalls == null ? defaults.minCalls() : minCalls,
                failureRate == null ? defaults.failureRate() : failureRate,
                cooldown == null ? defaults.cooldown() : cooldown,
                probes == null ? defaults.probes() : probes);
        return new Options(duration, seed, rate, out, serve, port, quiet, trace, help, breaker, chaos);
    }

    private static boolean known(String arg) {
        return USAGE.contains(arg + " ");
    }

    /**
     * Reads a duration the way {@link Durations#parse} does ({@code 250ms}, {@code 1.5s},
     * {@code 2m}, {@code 1m30s}, {@code PT1M}); a bare number means seconds.
     */
    static Duration duration(String option, String value) throws UsageException {
        String text = value.strip();
        Duration d;
        try {
            d = Durations.parse(text.matches("\\d+(\\.\\d+)?") ? text + "s" : text);
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " expects a duration such as 500ms, 10s or 2m, was '" + value + "'");
        }
        if (d.compareTo(Duration.ofMillis(1)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new UsageException(option + " must be from 1ms to 24h, was '" + value + "'");
        }
        return d;
    }

    private static Window window(String value) throws UsageException {
        if (value.matches("\\d+")) {
            int size = intValue("--window", value, 1, 1_000_000);
            return Window.count(size);
        }
        return Window.time(duration("--window", value));
    }

    private static int intValue(String option, String value, int min, int max) throws UsageException {
        long v = longValue(option, value);
        if (v < min || v > max) {
            throw new UsageException(option + " must be from " + min + " to " + max + ", was " + value);
        }
        return (int) v;
    }

    private static long longValue(String option, String value) throws UsageException {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " expects a whole number, was '" + value + "'");
        }
    }

    private static double doubleValue(String option, String value) throws UsageException {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new UsageException(option + " expects a number, was '" + value + "'");
        }
    }
}
