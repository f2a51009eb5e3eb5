package dev.fluxgate.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The demo's entry point: {@code java -jar fluxgate-demo.jar [options]}; {@code --help} lists them.
 *
 * <p>Runs the demo ({@link DemoRun}) or, with {@code --trace}, the tuning mode ({@link TraceReplay}).
 * Exit codes: 0 done, 1 failed, 2 bad options or input.
 */
public final class Demo {

    private Demo() {
    }

    /**
     * Runs the demo and exits with its code.
     *
     * @param args the command-line arguments; {@code --help} lists them
     */
    public static void main(String[] args) {
        int code = run(System.out, System.err, args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /**
     * Runs the demo, printing to {@code out} and {@code err}; returns the exit code.
     *
     * @param out where the timeline and the summary go
     * @param err where errors go
     * @param args the command-line arguments
     * @return 0 on success, 2 for a bad option or configuration, 1 for another failure
     */
    public static int run(PrintStream out, PrintStream err, String... args) {
        Cli.Options options;
        try {
            options = Cli.parse(args);
        } catch (Cli.UsageException e) {
            err.println("fluxgate-demo: " + e.getMessage());
            err.println("Try --help for the options.");
            return 2;
        }
        if (options.help()) {
            out.print(Cli.USAGE);
            return 0;
        }
        try {
            if (options.trace() != null) {
                return trace(options, out);
            }
            new DemoRun(options, out, Timeline.colorSupported()).run();
            return 0;
        } catch (Cli.UsageException e) {
            err.println("fluxgate-demo: " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            // A breaker configuration that build() rejects, e.g. --min-calls larger than a count window.
            err.println("fluxgate-demo: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("fluxgate-demo: interrupted");
            return 1;
        } catch (Exception e) {
            err.println("fluxgate-demo: failed: " + e);
            e.printStackTrace(err);
            return 1;
        }
    }

    private static int trace(Cli.Options options, PrintStream out) throws Exception {
        Timeline timeline = new Timeline(out, Timeline.colorSupported(), true);
        TraceReplay.Trace trace = TraceReplay.read(Objects.requireNonNull(options.trace(), "--trace"));
        timeline.heading("Fluxgate trace replay: " + trace.calls().size() + " calls from " + options.trace());
        options.breaker().describe().forEach((k, v) -> timeline.line(String.format("  %-10s %s", k, v)));
        timeline.line("");
        Path file = options.out().resolve("trace-report.html");
        TraceReplay.Result result = TraceReplay.replay(trace, options.breaker(), options.seed(), timeline, file);
        timeline.line("");
        timeline.heading("Summary: this breaker against the trace as recorded");
        timeline.line(result.summary().toMarkdown());
        timeline.heading("Report: " + result.report());
        return 0;
    }
}
