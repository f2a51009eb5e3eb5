package dev.fluxgate;

import java.time.Duration;
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
 * {@code toString()} reads like the rule; {@link #explain} adds the figures that made it fire.
 */
public abstract class Tripper {

    Tripper() {
    }

    /**
     * Returns whether a breaker in {@code state} whose window shows {@code metrics} should open.
     *
     * @param state {@link State#CLOSED} or {@link State#HALF_OPEN}
     * @param metrics the window
     */
    public abstract boolean shouldTrip(State state, Metrics metrics);

    /**
     * Explains a decision in words, with the figures of the rules that fired, e.g.
     * {@code minRequests(10) and failureRate >= 0.5 (0.62 of 100 calls)}.
     */
    public String explain(State state, Metrics metrics) {
        return toString();
    }

    /** Fires in {@link State#CLOSED}. */
    public static Tripper closed() {
        return new InState(State.CLOSED, "closed()");
    }

    /** Fires in {@link State#HALF_OPEN}. */
    public static Tripper halfOpened() {
        return new InState(State.HALF_OPEN, "halfOpened()");
    }

    /**
     * Fires when the window holds at least {@code n} calls.
     *
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
     * @throws IllegalArgumentException if {@code ratio} is outside (0, 1] or {@code threshold} is not positive
     */
    public static Tripper slowRate(double ratio, Duration threshold) {
        return new SlowRate(ratio("slowRate ratio", ratio), positive("slowRate threshold", threshold));
    }

    /**
     * Fires after {@code n} tracked failures in a row.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static Tripper failureStreak(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("failureStreak n must be >= 1, was " + n);
        }
        return new FailureStreak(n);
    }

    /**
     * Fires when the mean duration of the window's calls is at least {@code threshold}.
     *
     * @throws IllegalArgumentException if {@code threshold} is not positive
     */
    public static Tripper avgLatency(Duration threshold) {
        return new AvgLatency(positive("avgLatency threshold", threshold));
    }

    /** Fires when {@code tripper} does not. */
    public static Tripper not(Tripper tripper) {
        return Objects.requireNonNull(tripper, "tripper").negate();
    }

    /** Fires when both this and {@code other} fire. */
    public Tripper and(Tripper other) {
        return new Composite(this, Objects.requireNonNull(other, "other"), true);
    }

    /** Fires when this or {@code other} fires. */
    public Tripper or(Tripper other) {
        return new Composite(this, Objects.requireNonNull(other, "other"), false);
    }

    /** Fires when this does not. */
    public Tripper negate() {
        return new Not(this);
    }

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

    private static double ratio(String name, double ratio) {
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
            return metrics.calls() > 0 && metrics.failureRate() >= ratio;
        }

        @Override
        public String explain(State state, Metrics metrics) {
            return this + " (" + format(metrics.failureRate()) + " of " + metrics.calls() + " calls)";
        }

        @Override
        public String toString() {
            return "failureRate >= " + ratio;
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
            return metrics.calls() > 0 && metrics.slowRate(threshold) >= ratio;
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
            return this + " (" + format(metrics.slowRate(threshold)) + " of " + metrics.calls() + " calls)";
        }

        @Override
        public String toString() {
            return "slowRate(" + Durations.format(threshold) + ") >= " + ratio;
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
        public String toString() {
            return "failureStreak(" + n + ")";
        }
    }

    private static final class AvgLatency extends Tripper {
        private final Duration threshold;

        AvgLatency(Duration threshold) {
            this.threshold = threshold;
        }

        @Override
        public boolean shouldTrip(State state, Metrics metrics) {
            return metrics.calls() > 0 && metrics.averageDuration().compareTo(threshold) >= 0;
        }

        @Override
        boolean needsDurations() {
            return true;
        }

        @Override
        public String explain(State state, Metrics metrics) {
            return this + " (" + Durations.format(metrics.averageDuration()) + " over " + metrics.calls() + " calls)";
        }

        @Override
        public String toString() {
            return "avgLatency >= " + Durations.format(threshold);
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
                return part(left, left.explain(state, metrics)) + " and " + part(right, right.explain(state, metrics));
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
            return part(left, left.explain(state, metrics)) + " or " + part(right, right.explain(state, metrics));
        }

        private String part(Tripper child, String text) {
            return child instanceof Composite c && c.and != and ? "(" + text + ")" : text;
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
        public String toString() {
            return part(left, left.toString()) + (and ? " and " : " or ") + part(right, right.toString());
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
        public String toString() {
            return "not(" + tripper + ")";
        }
    }
}
