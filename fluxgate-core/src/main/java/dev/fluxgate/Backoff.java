package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long a {@link Retry} waits before each retry: a growth (constant, linear or exponential,
 * always capped) and a jitter (none, full, equal, decorrelated or proportional).
 *
 * <pre>{@code
 * Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10)).withFullJitter()
 * }</pre>
 *
 * <p>Retry {@code n} (counted from 1) waits, before jitter: {@code constant(d)}: {@code d};
 * {@code linear(initial, increment, max)}: {@code min(initial + increment * (n - 1), max)};
 * {@code exponential(initial, multiplier, max)}: {@code min(initial * multiplier^(n - 1), max)}.
 * Jitter then spreads the retries of many clients so that they do not hit a recovering service
 * in lockstep:
 * <ul>
 *   <li>full: uniform in {@code [0, wait)};
 *   <li>equal: uniform in {@code [wait / 2, wait)};
 *   <li>decorrelated: uniform in {@code [initial, 3 * previous wait)}, capped at {@code max}; it
 *       grows from the previous wait actually taken, so it ignores the growth above;
 *   <li>proportional ({@link #withJitter(double)}): {@code wait * (1 ± ratio)}, as {@link Cooldown}.
 * </ul>
 * The computation is shared with {@link Cooldown}. Backoffs are immutable and safe for concurrent
 * use.
 */
public final class Backoff {

    private enum Growth { CONSTANT, LINEAR, EXPONENTIAL }

    private enum Jitter { NONE, FULL, EQUAL, DECORRELATED, PROPORTIONAL }

    private final Growth growth;
    private final long initialNanos;
    private final long incrementNanos;
    private final double multiplier;
    private final long maxNanos;
    private final Jitter jitter;
    private final double ratio;
    private final String description;

    private Backoff(Growth growth, long initialNanos, long incrementNanos, double multiplier, long maxNanos,
            Jitter jitter, double ratio, String description) {
        this.growth = growth;
        this.initialNanos = initialNanos;
        this.incrementNanos = incrementNanos;
        this.multiplier = multiplier;
        this.maxNanos = maxNanos;
        this.jitter = jitter;
        this.ratio = ratio;
        this.description = description;
    }

    /**
     * No wait between attempts.
     *
     * @return a backoff that never waits
     */
    public static Backoff none() {
        return new Backoff(Growth.CONSTANT, 0, 0, 1.0, 0, Jitter.NONE, 0, "none()");
    }

    /**
     * Waits {@code wait} before every retry.
     *
     * @param wait zero or positive
     * @return a constant backoff
     * @throws IllegalArgumentException if {@code wait} is negative
     */
    public static Backoff constant(Duration wait) {
        long nanos = nonNegative("backoff wait", wait);
        return new Backoff(Growth.CONSTANT, nanos, 0, 1.0, nanos, Jitter.NONE, 0,
                "constant(" + Durations.format(wait) + ")");
    }

    /**
     * Waits {@code min(initial + increment * (n - 1), max)} before retry {@code n}.
     *
     * @param initial the first wait, zero or positive
     * @param increment added per retry, zero or positive
     * @param max the longest wait, {@code >= initial}
     * @return a linear backoff, without jitter
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Backoff linear(Duration initial, Duration increment, Duration max) {
        long i = nonNegative("backoff initial", initial);
        long inc = nonNegative("backoff increment", increment);
        long m = max("backoff max", max, initial, i);
        return new Backoff(Growth.LINEAR, i, inc, 1.0, m, Jitter.NONE, 0, "linear(" + Durations.format(initial)
                + ", " + Durations.format(increment) + ", " + Durations.format(max) + ")");
    }

    /**
     * Waits {@code min(initial * multiplier^(n - 1), max)} before retry {@code n}.
     *
     * @param initial the first wait, positive
     * @param multiplier the growth per retry, finite and {@code >= 1}
     * @param max the longest wait, {@code >= initial}
     * @return an exponential backoff, without jitter
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Backoff exponential(Duration initial, double multiplier, Duration max) {
        long i = Tripper.positive("backoff initial", initial).toNanos();
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be finite and >= 1, was " + multiplier);
        }
        long m = max("backoff max", max, initial, i);
        return new Backoff(Growth.EXPONENTIAL, i, 0, multiplier, m, Jitter.NONE, 0, "exponential("
                + Durations.format(initial) + ", " + multiplier + ", " + Durations.format(max) + ")");
    }

    /**
     * This backoff with full jitter: each wait uniform in {@code [0, wait)}.
     *
     * @return a new backoff; this one is unchanged
     */
    public Backoff withFullJitter() {
        return with(Jitter.FULL, 0, ".withFullJitter()");
    }

    /**
     * This backoff with equal jitter: each wait uniform in {@code [wait / 2, wait)}.
     *
     * @return a new backoff; this one is unchanged
     */
    public Backoff withEqualJitter() {
        return with(Jitter.EQUAL, 0, ".withEqualJitter()");
    }

    /**
     * This backoff with decorrelated jitter: each wait uniform in {@code [initial, 3 * previous)},
     * capped at the maximum. Only the initial wait and the maximum of the growth are used.
     *
     * @return a new backoff; this one is unchanged
     */
    public Backoff withDecorrelatedJitter() {
        return with(Jitter.DECORRELATED, 0, ".withDecorrelatedJitter()");
    }

    /**
     * This backoff with each wait varied uniformly by up to {@code ratio} either way, like
     * {@link Cooldown#withJitter(double)}.
     *
     * @param ratio in [0, 1]
     * @return a new backoff; this one is unchanged
     * @throws IllegalArgumentException if {@code ratio} is outside [0, 1]
     */
    public Backoff withJitter(double ratio) {
        if (!(ratio >= 0.0 && ratio <= 1.0)) {
            throw new IllegalArgumentException("backoff jitter ratio must be in [0, 1], was " + ratio);
        }
        return ratio == 0 ? withoutJitter() : with(Jitter.PROPORTIONAL, ratio, ".withJitter(" + ratio + ")");
    }

    /**
     * This backoff without jitter.
     *
     * @return a new backoff; this one is unchanged
     */
    public Backoff withoutJitter() {
        return with(Jitter.NONE, 0, "");
    }

    private Backoff with(Jitter j, double r, String suffix) {
        int dot = description.indexOf(").with");
        String base = dot < 0 ? description : description.substring(0, dot + 1);
        return new Backoff(growth, initialNanos, incrementNanos, multiplier, maxNanos, j, r, base + suffix);
    }

    /**
     * The wait before retry {@code retry}, in nanoseconds.
     *
     * @param retry the retry about to wait, counted from 1 (the second attempt is retry 1)
     * @param previousNanos the wait taken before the previous retry, 0 before the first; only
     *     decorrelated jitter uses it
     * @param random the source of jitter; not used when there is none
     * @return the wait in nanoseconds, zero or positive
     * @throws IllegalArgumentException if {@code retry < 1}
     */
    public long delayNanos(int retry, long previousNanos, RandomGenerator random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be >= 1, was " + retry);
        }
        if (jitter == Jitter.DECORRELATED) {
            return Delays.decorrelated(initialNanos, previousNanos, maxNanos, random);
        }
        double wait = switch (growth) {
            case CONSTANT -> initialNanos;
            case LINEAR -> Delays.linear(initialNanos, incrementNanos, maxNanos, retry - 1);
            case EXPONENTIAL -> Delays.exponential(initialNanos, multiplier, maxNanos, retry - 1);
        };
        return switch (jitter) {
            case NONE, DECORRELATED -> (long) wait;
            case FULL -> Delays.full(wait, random);
            case EQUAL -> Delays.equal(wait, random);
            case PROPORTIONAL -> Delays.proportional(wait, ratio, random);
        };
    }

    /**
     * The wait before retry {@code retry} (from 1) without jitter, for documentation and logs.
     *
     * @param retry the retry about to wait, counted from 1
     * @return the wait without jitter
     */
    public Duration delay(int retry) {
        return Duration.ofNanos(withoutJitter().delayNanos(retry, 0, Delays.NO_RANDOM));
    }

    private static long nonNegative(String name, Duration d) {
        return Tripper.nonNegative(name, d).toNanos();
    }

    private static long max(String name, Duration max, Duration initial, long initialNanos) {
        long m = nonNegative(name, max);
        if (m < initialNanos) {
            throw new IllegalArgumentException(name + " must be >= initial (" + initial + "), was " + max);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Backoff b && b.growth == growth && b.initialNanos == initialNanos
                && b.incrementNanos == incrementNanos && b.multiplier == multiplier && b.maxNanos == maxNanos
                && b.jitter == jitter && b.ratio == ratio;
    }

    @Override
    public int hashCode() {
        return Objects.hash(growth, initialNanos, incrementNanos, multiplier, maxNanos, jitter, ratio);
    }

    @Override
    public String toString() {
        return description;
    }
}
