package dev.fluxgate.internal;

import java.util.Arrays;

/**
 * The calls of the last {@code span}, in buckets that expire whole. Buckets roll on read as well
 * as on write, and rolling costs at most one pass over the buckets however long the gap, so the
 * cost of a record does not depend on the span. Guarded by the owning breaker's lock.
 */
public final class TimeWindow extends WindowStore {

    private final long bucketNanos;
    private final int buckets;
    private final long[] epochs;
    private final int[] bucketCalls;
    private final int[] bucketFailures;
    private final int[] bucketSlow;
    private final long[] bucketDurations;
    /** The newest bucket epoch seen; buckets older than head - buckets + 1 are expired. */
    private long head = Long.MIN_VALUE;
    /**
     * Where the head bucket begins on the ticker ({@code head * bucketNanos}, wrapping like the ticker) and
     * its slot: a reading inside the head bucket, nearly every record, is placed without a division.
     */
    private long headStart;
    private int headSlot;

    /**
     * A window that keeps durations.
     *
     * @param spanNanos how far back the window reaches, in nanoseconds
     * @param bucketNanos the bucket width, in nanoseconds
     * @param thresholds slow-call thresholds in nanoseconds
     */
    public TimeWindow(long spanNanos, long bucketNanos, long[] thresholds) {
        this(spanNanos, bucketNanos, thresholds, true);
    }

    /**
     * A window that keeps durations only when {@code timed}.
     *
     * @param spanNanos how far back the window reaches, in nanoseconds
     * @param bucketNanos the bucket width, in nanoseconds
     * @param thresholds slow-call thresholds in nanoseconds; only a timed window may have any
     * @param timed whether the window keeps durations
     */
    public TimeWindow(long spanNanos, long bucketNanos, long[] thresholds, boolean timed) {
        super(thresholds, timed);
        this.bucketNanos = bucketNanos;
        this.buckets = (int) ((spanNanos + bucketNanos - 1) / bucketNanos);
        this.epochs = new long[buckets];
        Arrays.fill(epochs, Long.MIN_VALUE);
        this.bucketCalls = new int[buckets];
        this.bucketFailures = new int[buckets];
        this.bucketSlow = new int[buckets * thresholds.length];
        this.bucketDurations = new long[buckets];
    }

    @Override
    public boolean needsTime() {
        return true;
    }

    @Override
    public void roll(long nowNanos) {
        if (inHead(nowNanos)) {
            return;
        }
        long epoch = Math.floorDiv(nowNanos, bucketNanos);
        if (head == Long.MIN_VALUE) {
            setHead(epoch, nowNanos);
            return;
        }
        if (epoch <= head) {
            return;
        }
        if (epoch - head >= buckets) {
            // Everything has aged out: one pass, independent of how long the breaker was idle.
            for (int i = 0; i < buckets; i++) {
                expire(i);
            }
        } else {
            for (long e = head + 1; e <= epoch; e++) {
                expire((int) Math.floorMod(e, (long) buckets));
            }
        }
        setHead(epoch, nowNanos);
    }

    /** Whether {@code nowNanos} falls in the head bucket (never before the first record). */
    private boolean inHead(long nowNanos) {
        long into = nowNanos - headStart; // wraps like the ticker: exact while the gap fits in a long
        return head != Long.MIN_VALUE && into >= 0 && into < bucketNanos;
    }

    private void setHead(long epoch, long nowNanos) {
        head = epoch;
        headStart = nowNanos - Math.floorMod(nowNanos, bucketNanos);
        headSlot = (int) Math.floorMod(epoch, (long) buckets);
    }

    private void expire(int slot) {
        if (epochs[slot] == Long.MIN_VALUE) {
            return;
        }
        int n = bucketCalls[slot];
        calls -= n;
        failures -= bucketFailures[slot];
        totalDurationNanos -= bucketDurations[slot];
        int k = thresholds.length;
        for (int i = 0; i < k; i++) {
            slow[i] -= bucketSlow[slot * k + i];
            bucketSlow[slot * k + i] = 0;
        }
        bucketCalls[slot] = 0;
        bucketFailures[slot] = 0;
        bucketDurations[slot] = 0;
        epochs[slot] = Long.MIN_VALUE;
    }

    @Override
    protected void add(long nowNanos, boolean failure, long durationNanos, int slowMask, int n) {
        roll(nowNanos);
        long epoch;
        int slot;
        if (inHead(nowNanos)) {
            epoch = head;
            slot = headSlot;
        } else {
            epoch = Math.floorDiv(nowNanos, bucketNanos);
            if (epoch <= head - buckets) {
                return; // a reading from a thread that lagged behind a whole span: already expired
            }
            slot = (int) Math.floorMod(epoch, (long) buckets);
        }
        epochs[slot] = epoch;
        bucketCalls[slot] += n;
        if (failure) {
            bucketFailures[slot] += n;
        }
        bucketDurations[slot] += durationNanos;
        int k = thresholds.length;
        for (int m = slowMask, i = 0; m != 0; m >>>= 1, i++) {
            if ((m & 1) != 0) {
                bucketSlow[slot * k + i] += n;
            }
        }
        count(failure, durationNanos, slowMask, n, 1);
    }

    @Override
    public void clear() {
        super.clear();
        Arrays.fill(epochs, Long.MIN_VALUE);
        Arrays.fill(bucketCalls, 0);
        Arrays.fill(bucketFailures, 0);
        Arrays.fill(bucketSlow, 0);
        Arrays.fill(bucketDurations, 0);
        head = Long.MIN_VALUE;
    }
}
