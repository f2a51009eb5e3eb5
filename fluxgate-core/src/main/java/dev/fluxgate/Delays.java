package dev.fluxgate;

import java.util.random.RandomGenerator;

/**
 * The one delay computation behind {@link Cooldown} and {@link Backoff}: growth (constant, linear,
 * exponential, always capped) and jitter (proportional, full, equal, decorrelated). Pure functions
 * of their arguments, so both policies stay immutable values.
 */
final class Delays {

    /** A generator for computations that draw nothing; fails loudly if one does. */
    static final RandomGenerator NO_RANDOM = () -> {
        throw new IllegalStateException("no jitter expected");
    };

    private Delays() {
    }

    /** {@code min(initial * multiplier^n, max)}, multiplying step by step so that large n cannot overflow. */
    static double exponential(long initialNanos, double multiplier, long maxNanos, int n) {
        double wait = (double) initialNanos;
        for (int i = 0; i < n && wait < maxNanos; i++) {
            wait *= multiplier;
        }
        return Math.min(wait, (double) maxNanos);
    }

    /** {@code min(initial + increment * n, max)}. */
    static double linear(long initialNanos, long incrementNanos, long maxNanos, int n) {
        return Math.min(initialNanos + (double) incrementNanos * n, (double) maxNanos);
    }

    /** {@code wait * (1 + ratio * u)} with u uniform in [-1, 1); draws nothing when ratio is 0. */
    static long proportional(double wait, double ratio, RandomGenerator random) {
        if (ratio > 0) {
            wait *= 1.0 + ratio * (2.0 * random.nextDouble() - 1.0);
        }
        return toNanos(wait);
    }

    /** Uniform in [0, wait): "full jitter". */
    static long full(double wait, RandomGenerator random) {
        return toNanos(wait * random.nextDouble());
    }

    /** Uniform in [wait / 2, wait): "equal jitter", never less than half the wait. */
    static long equal(double wait, RandomGenerator random) {
        double half = wait / 2;
        return toNanos(half + half * random.nextDouble());
    }

    /**
     * "Decorrelated jitter": uniform in [base, 3 * previous), capped at max. The first wait (no
     * previous, or a previous below base) is base.
     */
    static long decorrelated(long baseNanos, long previousNanos, long maxNanos, RandomGenerator random) {
        double upper = Math.max((double) baseNanos, previousNanos * 3.0);
        double wait = baseNanos + (upper - baseNanos) * random.nextDouble();
        return toNanos(Math.min(wait, (double) maxNanos));
    }

    private static long toNanos(double wait) {
        return (long) Math.max(0, wait); // a double above Long.MAX_VALUE saturates
    }
}
