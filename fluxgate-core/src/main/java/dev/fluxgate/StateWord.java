package dev.fluxgate;

import dev.fluxgate.internal.Stripes;

/**
 * The layout of a breaker's state word, and pure functions over it. One {@code long} holds the state
 * (bits 0-2, a {@link State} ordinal), the probe slots taken in the current half-open period (bits
 * 3-22) and the generation (bits 23-62). Every transition compare-and-sets the word to the next
 * generation, so the OPEN to HALF_OPEN move happens once, the cap on probes per period is exact, and
 * a permit knows whether the generation that admitted it is still current.
 *
 * <p>A permit is the word it was admitted under with the slot count replaced by {@link #PROBE_FLAG}
 * (set for a half-open probe, clear otherwise), so it is never negative and carries its state and
 * generation. The generation is placed at {@link Stripes#COUNT_BITS} so that {@link #gen} can tag the
 * striped success buffers directly.
 */
final class StateWord {

    static final long STATE_MASK = 0b111;
    static final int PROBE_SHIFT = 3;
    /** One probe slot in the slot count. */
    static final long PROBE_UNIT = 1L << PROBE_SHIFT;
    static final long PROBE_MASK = ((1L << 20) - 1) << PROBE_SHIFT;
    static final int GEN_SHIFT = Stripes.COUNT_BITS;
    static final long GEN_MASK = ~((1L << GEN_SHIFT) - 1);
    /** Marks a permit that holds a half-open probe slot. */
    static final long PROBE_FLAG = PROBE_UNIT;

    static final int CLOSED = State.CLOSED.ordinal();
    static final int OPEN = State.OPEN.ordinal();
    static final int HALF_OPEN = State.HALF_OPEN.ordinal();
    static final int METRICS_ONLY = State.METRICS_ONLY.ordinal();
    static final int DISABLED = State.DISABLED.ordinal();
    static final int FORCED_OPEN = State.FORCED_OPEN.ordinal();

    private static final State[] STATES = State.values();

    private StateWord() {
    }

    /** The state ordinal of a word or permit. */
    static int state(long w) {
        return (int) (w & STATE_MASK);
    }

    /** The state of a word or permit. */
    static State stateOf(long w) {
        return STATES[state(w)];
    }

    /** Whether calls in this state need no permit bookkeeping: the word itself is the permit. */
    static boolean admitsAll(int state) {
        return state == CLOSED || state == METRICS_ONLY || state == DISABLED;
    }

    /** Probe slots taken in the current half-open period. */
    static int probes(long w) {
        return (int) ((w & PROBE_MASK) >>> PROBE_SHIFT);
    }

    /** The generation bits, still shifted: equal for a word and the permits it admitted. */
    static long gen(long w) {
        return w & GEN_MASK;
    }

    /** The word of the next generation in {@code state}, with no probe slots taken. */
    static long next(long w, int state) {
        return gen(w) + (1L << GEN_SHIFT) | state;
    }

    /** The permit for a half-open probe admitted under {@code w}. */
    static long probePermit(long w) {
        return (w & ~PROBE_MASK) | PROBE_FLAG;
    }

    /** Whether a permit holds a half-open probe slot. */
    static boolean isProbe(long permit) {
        return (permit & PROBE_FLAG) != 0;
    }
}
