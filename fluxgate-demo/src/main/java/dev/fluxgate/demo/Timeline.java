package dev.fluxgate.demo;

import dev.fluxgate.State;
import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The console: one line a second for both runs side by side, every transition of the breaker with
 * its explanation as it happens, and the summary table at the end.
 *
 * <p>A line shows how far the run is, the second, the scenario's phase and the calls started in it
 * (the same for both clients); then for each client the failure rate of the calls that reached the
 * service, the calls rejected at once, the p99 latency and the most calls in flight.
 *
 * <p>Each line is written with one {@code println}, so lines from the ticking thread and from the
 * callers' threads (transitions) never interleave. Colour is used only on a terminal, and never
 * when {@code NO_COLOR} is set.
 */
public final class Timeline {

    private static final String RESET = "\u001b[0m";
    private static final String DIM = "\u001b[2m";
    private static final String BOLD = "\u001b[1m";
    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String YELLOW = "\u001b[33m";
    private static final String CYAN = "\u001b[36m";

    private final PrintStream out;
    private final boolean color;
    private final boolean quiet;

    /**
     * A timeline.
     *
     * @param out where to print
     * @param color whether to use ANSI colours
     * @param quiet whether to skip the per-second lines
     */
    public Timeline(PrintStream out, boolean color, boolean quiet) {
        this.out = out;
        this.color = color;
        this.quiet = quiet;
    }

    /**
     * Whether this process may colour its output: a terminal, not dumb, and no {@code NO_COLOR}.
     *
     * @return whether colour may be used
     */
    public static boolean colorSupported() {
        String term = System.getenv("TERM");
        return isTerminal() && System.getenv("NO_COLOR") == null && term != null && !term.equals("dumb");
    }

    /**
     * Whether standard output is a terminal. Up to JDK 21 that is {@code System.console() != null};
     * from JDK 22 a console exists even when output is redirected, and {@code Console.isTerminal()}
     * (looked up reflectively: the baseline is 17) tells.
     */
    @SuppressWarnings("SystemConsoleNull") // handled: from JDK 22 on, Console.isTerminal() decides
    private static boolean isTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Prints a plain line.
     *
     * @param text the line
     */
    public void line(String text) {
        out.println(text);
    }

    /**
     * Prints a heading line.
     *
     * @param text the heading
     */
    public void heading(String text) {
        out.println(paint(BOLD, text));
    }

    /** Prints the column headings of the per-second lines. */
    public void columns() {
        if (quiet) {
            return;
        }
        out.println(paint(DIM, String.format(Locale.ROOT, "%-6s %5s  %-16s %5s | %-38s %s", "", "", "", "",
                "WITH FLUXGATE", "| WITHOUT")));
        out.println(paint(DIM, String.format(Locale.ROOT,
                "%-6s %5s  %-16s %5s | %-9s %5s %5s %8s %6s | %5s %8s %6s", "done", "time", "phase", "calls",
                "state", "fail", "rej", "p99", "busy", "fail", "p99", "busy")));
    }

    /**
     * Prints second {@code second} of both runs.
     *
     * @param progress how far the run is, 0 to 1
     * @param phase the scenario's phase in that second
     * @param p the protected run's bucket
     * @param u the unprotected run's bucket
     */
    public void second(double progress, String phase, RunRecorder.Bucket p, RunRecorder.Bucket u) {
        if (quiet) {
            return;
        }
        String state = p.state() == null ? "-" : p.state().name();
        String text = String.format(Locale.ROOT,
                "[%3.0f%%] %4ds  %-16s %5d | %s %5s %5d %8s %6d | %5s %8s %6d",
                progress * 100, p.index() + 1, phase, p.started(),
                paint(stateColor(p.state()), String.format(Locale.ROOT, "%-9s", state)),
                Format.percent(p.failureRate()), p.rejected(), Format.millis(p.p99Millis()), p.maxInFlight(),
                Format.percent(u.failureRate()), Format.millis(u.p99Millis()), u.maxInFlight());
        out.println(phase.equals("outage") ? text.replaceFirst("outage", paint(RED, "outage")) : text);
    }

    /**
     * Prints a transition of the breaker, {@code atSeconds} into the run, with its reason.
     *
     * @param atSeconds seconds since the run began
     * @param from the state the breaker left
     * @param to the state it entered
     * @param reason the rule that fired, in words
     */
    public void transition(double atSeconds, State from, State to, String reason) {
        String arrow = String.format(Locale.ROOT, "%s -> %s", from, to);
        out.println(String.format(Locale.ROOT, "       %s %6.1fs  %s  %s%n%s",
                paint(CYAN, ">>"), atSeconds, paint(stateColor(to), BOLD + arrow), meaning(from, to),
                paint(DIM, "                   why: " + reason)));
    }

    /** What a move means for the callers, in a few words. */
    static String meaning(State from, State to) {
        return switch (to) {
            case OPEN -> from == State.HALF_OPEN
                    ? "the probes failed too: failing fast again"
                    : "the service is failing: calls now fail fast instead of waiting on it";
            case HALF_OPEN -> "cooldown over: letting a few probe calls through";
            case CLOSED -> from == State.HALF_OPEN
                    ? "the probes succeeded: the service is back, all calls go through"
                    : "reset: all calls go through";
            default -> "manual command";
        };
    }

    private static String stateColor(@Nullable State state) {
        if (state == null) {
            return "";
        }
        return switch (state) {
            case CLOSED -> GREEN;
            case HALF_OPEN -> YELLOW;
            default -> RED;
        };
    }

    private String paint(String code, String text) {
        return color && !code.isEmpty() ? code + text + RESET : text.replace(BOLD, "");
    }
}
