package dev.fluxgate;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The last {@code size} latencies in a ring, and a percentile of them kept ready: what a {@link Hedge}
 * with a percentile delay waits. Bounded memory (the ring and one scratch array of {@code size} longs);
 * recording is one atomic increment and one array write; the percentile is recomputed (copy and sort of
 * the ring) by the thread whose sample completes a quarter of the ring, at most one thread at a time,
 * so the cost per sample is O(log size) amortized and reading the estimate is one volatile read.
 *
 * <p>Until {@code minSamples} latencies have been recorded the estimate is the fallback delay. The
 * percentile {@code p} of {@code n} samples is the {@code ceil(p * n)}-th smallest (the nearest-rank
 * method): {@code p = 1} is the largest, {@code p = 0.5} of 1..10 is 5. Safe for concurrent use; a
 * sample recorded concurrently with a refresh may be missed by that refresh.
 */
final class LatencySamples {

    private final double percentile;
    private final int size;
    private final int minSamples;
    private final int refreshEvery;
    private final AtomicLongArray ring;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    /** Guarded by {@link #refreshing}. */
    private final long[] scratch;
    private volatile long estimateNanos;

    LatencySamples(double percentile, int size, int minSamples, long fallbackNanos) {
        this.percentile = percentile;
        this.size = size;
        this.minSamples = minSamples;
        this.refreshEvery = Math.max(1, size / 4);
        this.ring = new AtomicLongArray(size);
        this.scratch = new long[size];
        this.estimateNanos = fallbackNanos;
    }

    /** Records one latency; refreshes the estimate when this sample is due to. */
    void record(long nanos) {
        long n = recorded.getAndIncrement();
        ring.set((int) (n % size), Math.max(0, nanos));
        long total = n + 1;
        if (total >= minSamples && (total == minSamples || total % refreshEvery == 0)) {
            refresh((int) Math.min(total, size));
        }
    }

    private void refresh(int count) {
        if (!refreshing.compareAndSet(false, true)) {
            return; // another thread is at it; the next due sample refreshes again
        }
        try {
            for (int i = 0; i < count; i++) {
                scratch[i] = ring.get(i);
            }
            Arrays.sort(scratch, 0, count);
            int rank = (int) Math.ceil(percentile * count);
            estimateNanos = scratch[Math.max(0, Math.min(count, rank) - 1)];
        } finally {
            refreshing.set(false);
        }
    }

    /** {@return the percentile of the recent latencies, or the fallback until there are enough} */
    long estimateNanos() {
        return estimateNanos;
    }

    /** {@return the latencies recorded so far} */
    long recorded() {
        return recorded.get();
    }
}
