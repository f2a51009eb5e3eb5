package dev.fluxgate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Decides, after each recorded call, whether the breaker should open, from its state and its
 * window's {@link Metrics}.
 *
 * <p>Trippers are immutable values built from the factories below and combined with
 * {@link #and}, {@link #or}, {@link #negate()} and {@link #not}:
 *
 * <pre>{@code
 * Tripper.minRequests(10).and(
 *         Tripper.closed().and(Tripper.failureRate(0.5))
 *     .or(Tripper.halfOpened().and(Tripper.failureRate(0.3))))
 * }</pre>
 *
 * <p>Every threshold is compared with {@code >=}. A rate rule never fires on an empty window.
 *
 * <p>Trippers are values: two built the same way are {@link #equals equal}. {@link #toString()} prints
 * the rule as text that {@link #parse} reads back to an equal tripper, e.g.
 * {@code minRequests(10) and ((closed() and failureRate(0.5)) or (halfOpened() and failureRate(0.3)))};
 * {@link #explain} says it in words with the figures that made it fire.
 */
public abstract class Tripper {

    Tripper() {
    }

    /**
     * Returns whether a breaker in {@code state} whose window shows {@code metrics} should open.
     *
     * @param state {@link State#CLOSED} or {@link State#HALF_OPEN}
     * @param metrics the window
     * @return true to open
     */
    public abstract boolean shouldTrip(State state, Metrics metrics);

    /**
     * Explains a decision in words, with the figures of the rules that fired, e.g.
     * {@code minRequests(10) and failureRate >= 0.5 (0.62 of 100 calls)}.
     *
     * @param state the breaker's state when it decided
     * @param metrics the window it decided on
     * @return the explanation, one line
     */
    public String explain(State state, Metrics metrics) {
        return toString();
    }

    /**
     * Fires in {@link State#CLOSED}.
     *
     * @return a tripper that fires in CLOSED
     */
    public static Tripper closed() {
        return new InState(State.CLOSED, "closed()");
    }

    /**
     * Fires in {@link State#HALF_OPEN}.
     *
     * @return a tripper that fires in HALF_OPEN
     */
    public static Tripper halfOpened() {
        return new InState(State.HALF_OPEN, "halfOpened()");
    }

    /**
     * Fires when the window holds at least {@code n} calls; on a {@link Window#decaying decaying} window,
     * when its effective (weighted) count {@link Metrics#effectiveCalls()} is at least {@code n}.
     *
     * @param n the calls needed, at least 1
     * @return a tripper on the window's size
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Tripper minRequests(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("minRequests n must be >= 1, was " + n);
        }
        return new MinRequests(n);
    }

    /**
     * Fires when at least {@code ratio} of the window's calls failed.
     *
     * @param ratio in (0, 1]
     * @return a tripper on the failure rate
     * @throws IllegalArgumentException if {@code ratio} is outside (0, 1]
     */
    public static Tripper failureRate(double ratio) {
        return new FailureRate(ratio("failureRate ratio", ratio));
    }

    /**
     * Fires when at least {@code ratio} of the window's calls took {@code threshold} or longer.
     *
     * @param ratio in (0, 1]
     * @param threshold a positive duration; a call is slow when its duration is {@code >=} it
     * @return a tripper on the slow-call rate
     * @throws IllegalArgumentException if {@code ratio} is outside (0, 1] or {@code threshold} is not positive
     */
    public static Tripper slowRate(double ratio, Duration threshold) {
        return new SlowRate(ratio("slowRate ratio", ratio), positive("slowRate threshold", threshold));
    }

    /**
     * Fires after {@code n} tracked failures in a row.
     *
     * @param n the failures in a row, at least 1
     * @return a tripper on the failure streak
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Tripper failureStreak(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("failureStreak n must be >= 1, was " + n);
        }
        return new FailureStreak(n);
    }

    /**
     * Fires when the mean duration of the window's calls is at least {@code threshold}; never on an
     * empty window, nor on one that does not measure durations. A breaker with this rule measures them.
     *
     * @param threshold the mean duration that fires, positive
     * @return a tripper on the mean duration
     * @throws IllegalArgumentException if {@code threshold} is not positive
     */
    public static Tripper avgLatency(Duration threshold) {
        return new AvgLatency(positive("avgLatency threshold", threshold));
    }

    /**
     * Fires when {@code tripper} does not.
     *
     * @param tripper the tripper to invert
     * @return a tripper that fires when {@code tripper} does not
     */
    public static Tripper not(Tripper tripper) {
        return Objects.requireNonNull(tripper, "tripper").negate();
    }

    /**
     * Fires when both this and {@code other} fire.
     *
     * @param other the other tripper
     * @return a tripper that needs both
     */
    public Tripper and(Tripper other) {
        return new Composite(this, Objects.requireNonNull(other, "other"), true);
    }

    /**
     * Fires when this or {@code other} fires.
     *
     * @param other the other tripper
     * @return a tripper that needs either
     */
    public Tripper or(Tripper other) {
        return new Composite(this, Objects.requireNonNull(other, "other"), false);
    }

    /**
     * Fires when this does not.
     *
     * @return a tripper that fires when this one does not
     */
    public Tripper negate() {
        return new Not(this);
    }

    /**
     * Reads a tripper from text, the form {@link #toString()} prints, e.g.
     * {@code minRequests(10) and (failureRate(0.5) or slowRate(0.8, 2s))}.
     *
     * <p>Grammar ({@code not} binds tighter than {@code and}, which binds tighter than {@code or}; both
     * binary operators group from the left, so {@code a or b or c} is {@code (a or b) or c}):
     * <pre>
     * expression := and-expr (('or' | '|' | '||') and-expr)*
     * and-expr   := unary (('and' | '&amp;' | '&amp;&amp;') unary)*
     * unary      := ('not' | '~' | '!') unary | '(' expression ')' | rule
     * rule       := 'closed()' | 'halfOpened()'
     *             | 'minRequests(' n ')' | 'failureStreak(' n ')'
     *             | 'failureRate(' r ')' | 'slowRate(' r ',' duration ')'
     *             | 'avgLatency(' duration ')'
     * </pre>
     * <ul>
     *   <li>{@code n} is a whole number ({@code 10}), {@code r} a decimal number ({@code 0.5}, {@code 1},
     *       {@code 5e-3}); each rule checks its range as its factory does.</li>
     *   <li>{@code duration} is a number and a unit, {@code ns}, {@code us}, {@code ms}, {@code s},
     *       {@code m}, {@code h} or {@code d} ({@code 250ms}, {@code 1.5s}, {@code 2m}), several of them
     *       from the largest unit to the smallest ({@code 1m30s}, {@code 1h0.5s}), or ISO-8601
     *       ({@code PT2S}). It must be a whole number of nanoseconds. A unit is required.</li>
     *   <li>Rule names, units and the words {@code and}, {@code or}, {@code not} ignore case;
     *       {@code halfOpen()} is read as {@code halfOpened()}.</li>
     *   <li>Whitespace may appear between any two tokens and is never required next to a bracket, a comma
     *       or a symbol ({@code ~closed()&failureStreak(3)}); words need it between them.</li>
     * </ul>
     *
     * @param expression the text
     * @return the tripper, equal to one built with the factories
     * @throws IllegalArgumentException if the text does not follow the grammar or an argument is out of
     *     range; the message names the 1-based position of the problem and what was expected there, e.g.
     *     {@code at position 21: expected a rule (closed(), ...) but found end of text}
     * @throws NullPointerException if {@code expression} is null
     */
    public static Tripper parse(String expression) {
        return TripperParser.parse(Objects.requireNonNull(expression, "expression"));
    }

    /**
     * Whether {@code o} is a tripper built the same way: the same rules with the same arguments combined
     * in the same order and grouping. {@code a.or(b)} and {@code b.or(a)} fire alike but are not equal.
     */
    @Override
    public abstract boolean equals(Object o);

    @Override
    public abstract int hashCode();

    /** The rule as text that {@link #parse} reads back to an equal tripper. */
    @Override
    public abstract String toString();

    // ---- what the breaker needs to know at build time ----

    /** Whether any rule needs call durations. */
    boolean needsDurations() {
        return false;
    }

    /** Adds the slow-call thresholds (nanoseconds) of every rule to {@code into}. */
    void slowThresholds(Set<Long> into) {
    }

    /** The largest {@code minRequests} of any rule, 0 if none. */
    int largestMinRequests() {
        return 0;
    }

    static double ratio(String name, double ratio) {
        if (!(ratio > 0.0 && ratio <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in (0, 1], was " + ratio);
        }
        return ratio;
    }

    /** The longest duration the library can measure: {@code Long.MAX_VALUE} nanoseconds, about 292 years. */
    static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

    static Duration positive(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be a positive duration of at most " + MAX_DURATION
                    + " (292 years), was " + d);
        }
        return d;
    }

    /** Like {@link #positive}, zero allowed. */
    static Duration nonNegative(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be zero or a positive duration of at most "
                    + MAX_DURATION + " (292 years), was " + d);
        }
        return d;
    }

    static String format(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    /** The window's calls for an explanation: a whole count, or a decaying window's effective count (2 decimals). */
    static String calls(Metrics metrics) {
        double effective = metrics.effectiveCalls();
        int whole = metrics.calls();
        return effective == whole ? Integer.toString(whole) : format(effective);
    }

    // ---- rules ----

    private static final class InState extends Tripper {
        private final State state;
        private final String name;

        InState(State state, String name) {
            this.state = state;
            this.name = name;
        }

        @Override
        public boolean shouldTrip(State current, Metrics metrics) {
            return current == state;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof InState s && s.state == state;
        }

        @Override
        public int hashCode() {
            return state.hashCode();
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final class MinRequests extends Tripper {
        private final int n;

        MinRequests(int n) {
            this.n = n;
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            return metrics.calls() >= n;
        }

        @Override
        int largestMinRequests() {
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MinRequests m && m.n == n;
        }

        @Override
        public int hashCode() {
            return 31 * n;
        }

        @Override
        public String toString() {
            return "minRequests(" + n + ")";
        }
    }

    private static final class FailureRate extends Tripper {
        private final double ratio;

        FailureRate(double ratio) {
            this.ratio = ratio;
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            return metrics.effectiveCalls() > 0 && metrics.failureRate() >= ratio;
        }

        @Override
        public String explain(State state, Metrics metrics) {
            return "failureRate >= " + ratio + " (" + format(metrics.failureRate()) + " of " + calls(metrics)
                    + " calls)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FailureRate f && Double.compare(f.ratio, ratio) == 0;
        }

        @Override
        public int hashCode() {
            return Double.hashCode(ratio);
        }

        @Override
        public String toString() {
            return "failureRate(" + TripperParser.number(ratio) + ")";
        }
    }

    private static final class SlowRate extends Tripper {
        private final double ratio;
        private final Duration threshold;

        SlowRate(double ratio, Duration threshold) {
            this.ratio = ratio;
            this.threshold = threshold;
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            return metrics.effectiveCalls() > 0 && metrics.slowRate(threshold) >= ratio;
        }

        @Override
        boolean needsDurations() {
            return true;
        }

        @Override
        void slowThresholds(Set<Long> into) {
            into.add(threshold.toNanos());
        }

        @Override
        public String explain(State state, Metrics metrics) {
            return "slowRate(" + Durations.format(threshold) + ") >= " + ratio + " (" + format(metrics.slowRate(threshold))
                    + " of " + calls(metrics) + " calls)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SlowRate s && Double.compare(s.ratio, ratio) == 0 && s.threshold.equals(threshold);
        }

        @Override
        public int hashCode() {
            return 31 * Double.hashCode(ratio) + threshold.hashCode();
        }

        @Override
        public String toString() {
            return "slowRate(" + TripperParser.number(ratio) + ", " + Durations.format(threshold) + ")";
        }
    }

    private static final class FailureStreak extends Tripper {
        private final int n;

        FailureStreak(int n) {
            this.n = n;
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            return metrics.consecutiveFailures() >= n;
        }

        @Override
        public String explain(State state, Metrics metrics) {
            return this + " (" + metrics.consecutiveFailures() + " in a row)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof FailureStreak f && f.n == n;
        }

        @Override
        public int hashCode() {
            return 31 * n + 1;
        }

        @Override
        public String toString() {
            return "failureStreak(" + n + ")";
        }
    }

    private static final class AvgLatency extends Tripper {
        private final Duration threshold;
        private final long thresholdNanos;

        AvgLatency(Duration threshold) {
            this.threshold = threshold;
            this.thresholdNanos = threshold.toNanos(); // positive() keeps it within Long.MAX_VALUE nanoseconds
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            if (metrics instanceof FluxgateCircuitBreaker.LiveMetrics live) {
                long avg = live.averageNanos(); // a breaker's own view: no Optional, no Duration, on every decision
                return avg >= 0 && avg >= thresholdNanos;
            }
            return metrics.effectiveCalls() > 0
                    && metrics.averageDuration().map(d -> d.compareTo(threshold) >= 0).orElse(false);
        }

        @Override
        boolean needsDurations() {
            return true;
        }

        @Override
        public String explain(State state, Metrics metrics) {
            return "avgLatency >= " + Durations.format(threshold) + " (" + metrics.averageDuration().map(d -> Durations.format(d.truncatedTo(ChronoUnit.MILLIS))).orElse("no average") + " over "
                    + calls(metrics) + " calls)";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof AvgLatency a && a.threshold.equals(threshold);
        }

        @Override
        public int hashCode() {
            return threshold.hashCode() + 7;
        }

        @Override
        public String toString() {
            return "avgLatency(" + Durations.format(threshold) + ")";
        }
    }

    private static final class Composite extends Tripper {
        private final Tripper left;
        private final Tripper right;
        private final boolean and;

        Composite(Tripper left, Tripper right, boolean and) {
            this.left = left;
            this.right = right;
            this.and = and;
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            return and
                    ? left.shouldTrip(state, metrics) && right.shouldTrip(state, metrics)
                    : left.shouldTrip(state, metrics) || right.shouldTrip(state, metrics);
        }

        @Override
        public String explain(State state, Metrics metrics) {
            if (and) {
                // An explanation is read, not parsed: a chain of one kind needs no brackets.
                return part(left, left.explain(state, metrics), false) + " and "
                        + part(right, right.explain(state, metrics), false);
            }
            // Name only the branch that fired, so the reason says which rule opened the breaker.
            boolean l = left.shouldTrip(state, metrics);
            boolean r = right.shouldTrip(state, metrics);
            if (l && !r) {
                return left.explain(state, metrics);
            }
            if (r && !l) {
                return right.explain(state, metrics);
            }
            return part(left, left.explain(state, metrics), false) + " or "
                    + part(right, right.explain(state, metrics), false);
        }

        /**
         * Brackets a child that is a composite of the other kind (readable, and needed when an {@code or}
         * sits under an {@code and}), or of the same kind on the right: the text reads {@code a or b or c} as
         * {@code (a or b) or c}, so {@code a.or(b.or(c))} prints {@code a or (b or c)} to read back as itself.
         */
        private String part(Tripper child, String text, boolean right) {
            return child instanceof Composite c && (c.and != and || right) ? "(" + text + ")" : text;
        }

        @Override
        boolean needsDurations() {
            return left.needsDurations() || right.needsDurations();
        }

        @Override
        void slowThresholds(Set<Long> into) {
            left.slowThresholds(into);
            right.slowThresholds(into);
        }

        @Override
        int largestMinRequests() {
            return Math.max(left.largestMinRequests(), right.largestMinRequests());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Composite c && c.and == and && c.left.equals(left) && c.right.equals(right);
        }

        @Override
        public int hashCode() {
            return (31 * left.hashCode() + right.hashCode()) * (and ? 17 : 19);
        }

        @Override
        public String toString() {
            return part(left, left.toString(), false) + (and ? " and " : " or ") + part(right, right.toString(), true);
        }
    }

    private static final class Not extends Tripper {
        private final Tripper tripper;

        Not(Tripper tripper) {
            this.tripper = tripper;
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            return !tripper.shouldTrip(state, metrics);
        }

        @Override
        public Tripper negate() {
            return tripper;
        }

        @Override
        public String explain(State state, Metrics metrics) {
            return "not(" + tripper.explain(state, metrics) + ")";
        }

        @Override
        boolean needsDurations() {
            return tripper.needsDurations();
        }

        @Override
        void slowThresholds(Set<Long> into) {
            tripper.slowThresholds(into);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Not n && n.tripper.equals(tripper);
        }

        @Override
        public int hashCode() {
            return ~tripper.hashCode();
        }

        @Override
        public String toString() {
            return "not(" + tripper + ")";
        }
    }
}
