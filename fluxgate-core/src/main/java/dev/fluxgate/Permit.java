package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Which calls a {@link State#HALF_OPEN} breaker admits as probes, on top of the cap set by
 * {@code maxHalfOpenCalls}. A call the permit turns away is rejected at once, never blocked.
 *
 * <p>Permits are immutable and safe for concurrent use.
 */
public final class Permit {

    private final double initial;
    private final double target;
    private final long overNanos;
    private final String description;

    private Permit(double initial, double target, long overNanos, String description) {
        this.initial = initial;
        this.target = target;
        this.overNanos = overNanos;
        this.description = description;
    }

    /**
     * Admits every call (up to the cap on probes per half-open period).
     *
     * @return a permit that admits every call
     */
    public static Permit all() {
        return new Permit(1.0, 1.0, 0, "all()");
    }

    /**
     * Admits each call with probability {@code ratio}.
     *
     * @param ratio in (0, 1]
     * @return a random permit
     * @throws IllegalArgumentException if {@code ratio} is outside (0, 1]: a permit that admits nothing
     *     would keep a half-open breaker from ever probing, and so from ever closing
     */
    public static Permit random(double ratio) {
        if (!(ratio > 0.0 && ratio <= 1.0)) {
            throw new IllegalArgumentException("permit ratio must be in (0, 1], was " + ratio
                    + " (0 would admit no probe, so the breaker could never close)");
        }
        return new Permit(ratio, ratio, 0, "random(" + ratio + ")");
    }

    /**
     * Admits a share of calls that grows linearly from {@code initial} to {@code target} over
     * {@code over}, measured from the moment the breaker entered HALF_OPEN.
     *
     * @param initial the share admitted at first, in [0, 1]
     * @param target the share admitted after {@code over}, in [initial, 1] and above 0
     * @param over how long the ramp takes, positive
     * @return a ramp-up permit
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Permit rampUp(double initial, double target, Duration over) {
        check("rampUp initial", initial);
        check("rampUp target", target);
        if (target < initial || target == 0) {
            throw new IllegalArgumentException("rampUp target must be in [initial, 1] and above 0, was " + target
                    + " (initial " + initial + ")");
        }
        long nanos = Tripper.positive("rampUp over", over).toNanos();
        return new Permit(initial, target, nanos, "rampUp(" + initial + ", " + target + ", " + Durations.format(over) + ")");
    }

    private static void check(String name, double ratio) {
        if (!(ratio >= 0.0 && ratio <= 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], was " + ratio);
        }
    }

    /** The share of calls admitted {@code sinceHalfOpenNanos} after the breaker entered HALF_OPEN. */
    double share(long sinceHalfOpenNanos) {
        if (overNanos == 0 || sinceHalfOpenNanos >= overNanos) {
            return target;
        }
        double progress = Math.max(0, sinceHalfOpenNanos) / (double) overNanos;
        return initial + (target - initial) * progress;
    }

    /** Whether this permit admits every call, whatever the time (no random draw either). */
    boolean admitsAll() {
        return initial >= 1.0 && target >= 1.0;
    }

    /** Whether this permit needs the time since HALF_OPEN began. */
    boolean needsTime() {
        return overNanos > 0 && initial != target;
    }

    /** Decides one call. Draws a random number only when the share is strictly between 0 and 1. */
    boolean admits(long sinceHalfOpenNanos, RandomGenerator random) {
        double share = share(sinceHalfOpenNanos);
        if (share >= 1.0) {
            return true;
        }
        if (share <= 0.0) {
            return false;
        }
        return random.nextDouble() < share;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Permit p && p.initial == initial && p.target == target && p.overNanos == overNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initial, target, overNanos);
    }

    @Override
    public String toString() {
        return description;
    }
}
