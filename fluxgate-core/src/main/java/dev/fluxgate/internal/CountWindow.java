package dev.fluxgate.internal;

import org.jspecify.annotations.Nullable;

/** The last {@code size} calls, in a ring. Guarded by the owning breaker's lock. */
public final class CountWindow extends WindowStore {

    private static final int FAILURE = 1;

    private final int size;
    /** Bit 0: failure; bits 1..: slow for threshold i-1. */
    private final int[] flags;
    /**
     * Per-slot durations, or null for a window whose rules use none. An untimed window ignores the
     * durations it is given, so an evicted call always takes out exactly what it added.
     */
    private final long @Nullable [] durations;
    private int next;

    /**
     * A window that keeps durations.
     *
     * @param size the calls the window holds
     * @param thresholds slow-call thresholds in nanoseconds
     */
    public CountWindow(int size, long[] thresholds) {
        this(size, thresholds, true);
    }

    /**
     * A window that keeps durations only when {@code timed} (8 bytes a slot).
     *
     * @param size the calls the window holds
     * @param thresholds slow-call thresholds in nanoseconds; only a timed window may have any
     * @param timed whether the window keeps durations
     */
    public CountWindow(int size, long[] thresholds, boolean timed) {
        super(thresholds, timed);
        this.size = size;
        this.flags = new int[size];
        this.durations = timed ? new long[size] : null;
    }

    @Override
    protected void add(long nowNanos, boolean failure, long reportedNanos, int slowMask, int n) {
        long durationNanos = durations == null ? 0 : reportedNanos;
        int slotFlags = (failure ? FAILURE : 0) | (slowMask << 1);
        // A batch larger than the ring only leaves its last `size` entries behind.
        for (int k = Math.min(n, size); k > 0; k--) {
            if (calls == size) {
                int old = flags[next];
                count((old & FAILURE) != 0, durations == null ? 0 : durations[next], old >>> 1, 1, -1);
            }
            flags[next] = slotFlags;
            if (durations != null) {
                durations[next] = durationNanos;
            }
            count(failure, durationNanos, slowMask, 1, 1);
            next = next + 1 == size ? 0 : next + 1;
        }
    }

    /**
     * Full, every call an untimed success, no streak: one more such success replaces the oldest, an
     * identical one, so calls, failures, slow calls, durations and the streak all stay as they are.
     */
    @Override
    public boolean absorbsSuccess() {
        if (calls != size || failures != 0 || totalDurationNanos != 0 || streak() != 0) {
            return false;
        }
        for (int s : slow) {
            if (s != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void roll(long nowNanos) {
    }

    @Override
    public boolean needsTime() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        next = 0;
    }
}
