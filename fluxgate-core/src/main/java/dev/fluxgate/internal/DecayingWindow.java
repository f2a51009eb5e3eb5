package dev.fluxgate.internal;

import java.util.Arrays;

/**
 * Every call since the last clear, weighted {@code 2^(-age / halfLife)}: the window of
 * {@code Window.decaying}. It keeps the sums of the weights (calls, failures, slow calls per threshold)
 * and of the weighted durations, all decayed to one moment, {@code asOf}; reading or writing at a later
 * moment first multiplies every sum by {@code 2^(-elapsed / halfLife)} (one {@code exp}), which is
 * exactly the decay of each call in the sum. Memory is a few fields whatever the traffic.
 *
 * <p>The inherited whole counts ({@code calls}, {@code failures}, {@code slow}) are the sums rounded
 * down, so that {@code calls() >= n} exactly when the effective count is {@code >= n}; the rates and the
 * mean duration come from the real sums. Guarded by the owning breaker's lock, like every store.
 */
public final class DecayingWindow extends WindowStore {

    /**
     * Half-lives after the newest call at which the store forgets everything: every weight is then
     * below {@code 2^-64}, and the sums never sink into slow subnormal arithmetic.
     */
    public static final int HORIZON_HALF_LIVES = 64;

    /** ln 2 / half-life: the decay rate per nanosecond. */
    private final double lambda;
    private final long horizonNanos;
    private double weightedCalls;
    private double weightedFailures;
    private double weightedDurationNanos;
    private final double[] weightedSlow;
    /** Whether {@link #asOf} has been set since the last clear. */
    private boolean started;
    /** The ticker moment the sums are decayed to. */
    private long asOf;
    /** Whether the store holds any call (then {@link #newest} is set). */
    private boolean holding;
    /** The ticker moment of the newest call held. */
    private long newest;

    /**
     * A decaying window.
     *
     * @param halfLifeNanos the half-life, positive
     * @param thresholds slow-call thresholds in nanoseconds; only a timed store may have any
     * @param timed whether the store keeps durations
     */
    public DecayingWindow(long halfLifeNanos, long[] thresholds, boolean timed) {
        super(thresholds, timed);
        if (halfLifeNanos <= 0) {
            throw new IllegalArgumentException("halfLifeNanos must be > 0, was " + halfLifeNanos);
        }
        this.lambda = Math.log(2) / halfLifeNanos;
        this.horizonNanos = halfLifeNanos > Long.MAX_VALUE / HORIZON_HALF_LIVES ? Long.MAX_VALUE
                : halfLifeNanos * HORIZON_HALF_LIVES;
        this.weightedSlow = new double[thresholds.length];
    }

    @Override
    public boolean needsTime() {
        return true;
    }

    @Override
    public void roll(long nowNanos) {
        if (!started) {
            started = true;
            asOf = nowNanos;
            return;
        }
        long elapsed = nowNanos - asOf;
        if (elapsed <= 0) {
            return; // a reading older than the sums: they stay as they are (records weigh it, see add)
        }
        asOf = nowNanos;
        if (!holding) {
            return;
        }
        if (nowNanos - newest >= horizonNanos) {
            forget();
            return;
        }
        double k = Math.exp(-lambda * elapsed);
        weightedCalls *= k;
        weightedFailures *= k;
        weightedDurationNanos *= k;
        for (int i = 0; i < weightedSlow.length; i++) {
            weightedSlow[i] *= k;
        }
        wholeParts();
    }

    @Override
    protected void add(long nowNanos, boolean failure, long durationNanos, int slowMask, int n) {
        roll(nowNanos);
        // A call weighs 1 when recorded; one stamped before the sums' moment (a lagging reading) weighs
        // what it would have decayed to by then, so the order of records does not matter.
        double k = 1.0;
        long age = asOf - nowNanos;
        if (age > 0) {
            if (age >= horizonNanos) {
                return;
            }
            k = Math.exp(-lambda * age);
        }
        double w = n * k;
        weightedCalls += w;
        if (failure) {
            weightedFailures += w;
        }
        weightedDurationNanos += durationNanos * k; // the batch's total duration, so its weight per call
        for (int m = slowMask, i = 0; m != 0; m >>>= 1, i++) {
            if ((m & 1) != 0) {
                weightedSlow[i] += w;
            }
        }
        if (!holding || nowNanos - newest > 0) {
            newest = nowNanos;
        }
        holding = true;
        wholeParts();
    }

    /** Keeps the inherited whole counts equal to the sums rounded down. */
    private void wholeParts() {
        calls = whole(weightedCalls);
        failures = whole(weightedFailures);
        for (int i = 0; i < weightedSlow.length; i++) {
            slow[i] = whole(weightedSlow[i]);
        }
        totalDurationNanos = weightedDurationNanos >= 0x1p63 ? Long.MAX_VALUE : Math.round(weightedDurationNanos);
    }

    private static int whole(double x) {
        return x >= Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) x; // (int) rounds a positive value down
    }

    /** Drops every call (not the failure streak, which no window expires). */
    private void forget() {
        weightedCalls = 0;
        weightedFailures = 0;
        weightedDurationNanos = 0;
        Arrays.fill(weightedSlow, 0);
        holding = false;
        wholeParts();
    }

    @Override
    public double effectiveCalls() {
        return weightedCalls;
    }

    @Override
    public double effectiveFailures() {
        return weightedFailures;
    }

    @Override
    protected double effectiveSlow(int i) {
        return weightedSlow[i];
    }

    @Override
    protected boolean weighted() {
        return true;
    }

    /**
     * The weighted mean duration, rounded to the nanosecond (so calls that all took d average exactly d).
     *
     * @return the mean in nanoseconds, or -1 when empty or not timed
     */
    @Override
    public long averageNanos() {
        return timed() && weightedCalls > 0 ? Math.round(weightedDurationNanos / weightedCalls) : -1L;
    }

    @Override
    public void clear() {
        super.clear();
        weightedCalls = 0;
        weightedFailures = 0;
        weightedDurationNanos = 0;
        Arrays.fill(weightedSlow, 0);
        started = false;
        holding = false;
    }
}
