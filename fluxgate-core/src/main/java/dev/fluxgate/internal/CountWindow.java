package dev.fluxgate.internal;

/** The last {@code size} calls, in a ring. Guarded by the owning breaker's lock. */
public final class CountWindow extends WindowStore {

    private static final int FAILURE = 1;

    private final int size;
    /** Bit 0: failure; bits 1..: slow for threshold i-1. */
    private final int[] flags;
    /**
     * Per-slot durations. Kept even when the breaker's rules need none: a listener with call events,
     * or a caller of the permit API, may report durations, and an evicted call must take its duration
     * out of the total it added to.
     */
    private final long[] durations;
    private int next;

    public CountWindow(int size, long[] thresholds) {
        super(thresholds);
        this.size = size;
        this.flags = new int[size];
        this.durations = new long[size];
    }

    @Override
    protected void add(long nowNanos, boolean failure, long durationNanos, int slowMask, int n) {
        int slotFlags = (failure ? FAILURE : 0) | (slowMask << 1);
        // A batch larger than the ring only leaves its last `size` entries behind.
        for (int k = Math.min(n, size); k > 0; k--) {
            if (calls == size) {
                int old = flags[next];
                count((old & FAILURE) != 0, durations[next], old >>> 1, 1, -1);
            }
            flags[next] = slotFlags;
            durations[next] = durationNanos;
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
