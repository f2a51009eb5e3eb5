package dev.fluxgate.internal;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Striped buffers of successes waiting to be drained into a window, so that threads calling one
 * breaker at once do not all write the same cache line.
 *
 * <p>Each cell holds {@code generation << COUNT_BITS | count}: the generation of the state that
 * admitted the buffered calls travels with them, so a drain after a transition counts them as stale
 * instead of putting them in the new window. Cells sit {@value #PAD} longs apart (128 bytes), one
 * cache line pair each.
 */
public final class Stripes {

    /** Bits of a cell that hold the count; the rest hold the generation. */
    public static final int COUNT_BITS = 23;
    /** Bits of a cell that hold the count: {@code cell & COUNT_MASK} is the buffered count. */
    public static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    private static final int PAD = 16;

    private final AtomicLongArray cells;
    private final int mask;

    /**
     * Striped buffers with {@code stripes} cells.
     *
     * @param stripes the number of cells, a power of two
     * @throws IllegalArgumentException if {@code stripes} is not a power of two
     */
    public Stripes(int stripes) {
        if (Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two, was " + stripes);
        }
        this.cells = new AtomicLongArray(stripes * PAD);
        this.mask = stripes - 1;
    }

    /**
     * A stripe count suited to this machine: twice the processors, a power of two, 2 to 64.
     *
     * @return the stripe count for {@link #Stripes(int)}
     */
    public static int forThisMachine() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return Math.max(2, Math.min(64, Integer.highestOneBit(Math.max(1, cpus * 2 - 1)) << 1));
    }

    /**
     * Adds one success of {@code generation} (already shifted left by {@link #COUNT_BITS}).
     *
     * @param generationBits the generation of the state that admitted the call, shifted left by
     *     {@link #COUNT_BITS}
     * @param hash spreads callers over the cells (the breaker passes the calling thread's identity hash)
     * @return the count now buffered in that cell, or -1 when the cell holds another generation's
     *     calls and the caller must record through the lock instead
     */
    public int add(long generationBits, int hash) {
        int h = spread(hash);
        for (int attempt = 0; ; attempt++) {
            int i = ((h + attempt) & mask) * PAD;
            long v = cells.get(i);
            long nv;
            if ((v & ~COUNT_MASK) == generationBits && v != 0) {
                if ((v & COUNT_MASK) == COUNT_MASK) {
                    return -1;
                }
                nv = v + 1;
            } else if (v == 0) {
                nv = generationBits | 1;
            } else {
                return -1;
            }
            if (cells.compareAndSet(i, v, nv)) {
                return (int) (nv & COUNT_MASK);
            }
        }
    }

    /**
     * Empties every cell, handing each non-empty one to {@code sink}.
     *
     * @param sink receives each drained cell's generation bits and count
     */
    public void drain(Sink sink) {
        for (int i = 0, n = cells.length(); i < n; i += PAD) {
            if (cells.get(i) != 0) {
                long v = cells.getAndSet(i, 0);
                if (v != 0) {
                    sink.accept(v & ~COUNT_MASK, (int) (v & COUNT_MASK));
                }
            }
        }
    }

    private static int spread(int h) {
        h ^= h >>> 16;
        h *= 0x45d9f3b;
        return h ^ (h >>> 16);
    }

    /** Receives drained cells. */
    @FunctionalInterface
    public interface Sink {
        /**
         * Receives one drained cell: {@code count} successes of the generation {@code generationBits}.
         *
         * @param generationBits the generation, shifted left by {@link #COUNT_BITS}
         * @param count the successes buffered in the cell, at least 1
         */
        void accept(long generationBits, int count);
    }
}
