package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long an {@link State#OPEN} breaker waits before it lets a probe through.
 *
 * <p>The cooldown runs from the moment the breaker entered OPEN; a call at exactly its end is
 * admitted. {@link #exponential} grows with the number of reopens (HALF_OPEN back to OPEN) since
 * the breaker last closed: the wait is {@code min(initial * multiplier^reopens, max)}. Jitter, when
 * added with {@link #withJitter}, is drawn once per open period, so every caller of that period
 * sees the same {@link CallNotPermittedException#retryAfter()}.
 *
 * <p>Cooldowns are immutable and safe for concurrent use.
 */
public final class Cooldown {

    private static final long MANUAL = Long.MAX_VALUE;

    private final long initialNanos;
    private final double multiplier;
    private final long maxNanos;
    private final double jitter;
    private final String description;

    private Cooldown(long initialNanos, double multiplier, long maxNanos, double jitter, String description) {
        this.initialNanos = initialNanos;
        this.multiplier = multiplier;
        this.maxNanos = maxNanos;
        this.jitter = jitter;
        this.description = description;
    }

    /**
     * No wait: the first call after the breaker opened is already a probe candidate (and reading the
     * breaker already finds it HALF_OPEN).
     *
     * @return a cooldown of zero
     */
    public static Cooldown none() {
        return new Cooldown(0, 1.0, 0, 0, "none()");
    }

    /**
     * Never leaves OPEN by itself: only {@link CircuitBreaker#reset()} closes the breaker again.
     *
     * @return a cooldown that never ends by itself
     */
    public static Cooldown manual() {
        return new Cooldown(MANUAL, 1.0, MANUAL, 0, "manual()");
    }

    /**
     * Waits {@code wait} every time.
     *
     * @param wait the wait, positive
     * @return a fixed cooldown
     * @throws IllegalArgumentException if {@code wait} is not positive
     */
    public static Cooldown fixed(Duration wait) {
        long nanos = Tripper.positive("cooldown wait", wait).toNanos();
        return new Cooldown(nanos, 1.0, nanos, 0, "fixed(" + Durations.format(wait) + ")");
    }

    /**
     * Waits {@code min(initial * multiplier^reopens, max)}.
     *
     * @param initial the first wait, positive
     * @param multiplier the growth per reopen, finite and {@code >= 1}
     * @param max the longest wait, {@code >= initial}
     * @return an exponential cooldown
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Cooldown exponential(Duration initial, double multiplier, Duration max) {
        long i = Tripper.positive("cooldown initial", initial).toNanos();
        long m = Tripper.positive("cooldown max", max).toNanos();
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("cooldown multiplier must be finite and >= 1, was " + multiplier);
        }
        if (m < i) {
            throw new IllegalArgumentException("cooldown max must be >= initial (" + initial + "), was " + max);
        }
        return new Cooldown(i, multiplier, m, 0, "exponential(" + Durations.format(initial) + ", "
                + multiplier + ", " + Durations.format(max) + ")");
    }

    /**
     * Returns this cooldown with each wait varied uniformly by up to {@code ratio} either way
     * ({@code 0.2}: between 80% and 120% of the wait), drawn once per open period.
     *
     * @param ratio in [0, 1]
     * @return a new cooldown; this one is unchanged
     * @throws IllegalArgumentException if {@code ratio} is outside [0, 1]
     */
    public Cooldown withJitter(double ratio) {
        if (!(ratio >= 0.0 && ratio <= 1.0)) {
            throw new IllegalArgumentException("cooldown jitter ratio must be in [0, 1], was " + ratio);
        }
        String base = jitter == 0 ? description : description.substring(0, description.lastIndexOf(".withJitter("));
        return new Cooldown(initialNanos, multiplier, maxNanos, ratio,
                ratio == 0 ? base : base + ".withJitter(" + ratio + ")");
    }

    /** Whether this cooldown never ends by itself. */
    boolean isManual() {
        return initialNanos == MANUAL;
    }

    /** The wait before any growth or jitter, in nanoseconds (0 for none, MAX for manual). */
    long baseNanos() {
        return initialNanos;
    }

    /**
     * The wait for the open period that follows {@code reopens} reopens, in nanoseconds.
     * {@link Long#MAX_VALUE} when manual.
     */
    long delayNanos(int reopens, RandomGenerator random) {
        if (isManual()) {
            return MANUAL;
        }
        // The computation is shared with Backoff: one implementation of growth and jitter.
        return Delays.proportional(Delays.exponential(initialNanos, multiplier, maxNanos, reopens), jitter, random);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cooldown c && c.initialNanos == initialNanos && c.multiplier == multiplier
                && c.maxNanos == maxNanos && c.jitter == jitter;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialNanos, multiplier, maxNanos, jitter);
    }

    @Override
    public String toString() {
        return description;
    }
}
