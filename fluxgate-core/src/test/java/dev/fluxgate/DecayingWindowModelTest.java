package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fluxgate.internal.DecayingWindow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the decaying window: seeded random records, batched successes, clock moves
 * (from nothing to hundreds of half-lives), reads and clears, against a naive model that keeps every
 * call with its timestamp and recomputes every figure from the full history on each read, as
 * {@code sum(2^(-(now - t) / halfLife))} with {@code Math.pow} (the store multiplies running sums by
 * {@code exp} instead). The model also forgets everything once 64 half-lives have passed since the
 * newest call, as documented.
 *
 * <p>Tolerance: every weighted sum (calls, failures, slow calls, weighted durations) within a relative
 * {@code 1e-9} of the model's (an empty model means exactly 0); rates within {@code 1e-9}, and
 * {@code NaN} exactly when the model is empty; whole counts equal to the model's sum rounded down, or to
 * the next integer down when the model's sum is within the tolerance of an integer; the mean duration
 * within 1 ns (rounding) plus the relative tolerance. A failure prints the seed; replay it with
 * {@code -Dfluxgate.seed=<seed>}.
 */
class DecayingWindowModelTest {

    private static final long MS = 1_000_000L;
    private static final int SEEDS = 320;
    private static final double TOLERANCE = 1e-9;

    record Call(long at, boolean failure, long duration, int n) {
    }

    /** The naive model: the full history since the last clear or forgetting. */
    static final class Model {
        final long halfLife;
        final List<Call> calls = new ArrayList<>();
        boolean started;
        long asOf;
        int streak;

        Model(long halfLife) {
            this.halfLife = halfLife;
        }

        /** Any store operation at {@code now}: moves the model's moment, forgets past the horizon. */
        void touch(long now) {
            if (!started || now > asOf) {
                asOf = now;
                started = true;
            }
            if (!calls.isEmpty() && asOf - newest() >= DecayingWindow.HORIZON_HALF_LIVES * halfLife) {
                calls.clear();
            }
        }

        long newest() {
            return calls.stream().mapToLong(Call::at).max().orElseThrow();
        }

        double weight(Call c) {
            return c.n() * Math.pow(2.0, -(double) (asOf - c.at()) / halfLife);
        }

        double calls() {
            return calls.stream().mapToDouble(this::weight).sum();
        }

        double failures() {
            return calls.stream().filter(Call::failure).mapToDouble(this::weight).sum();
        }

        double slow(long threshold) {
            return calls.stream().filter(c -> c.duration() >= threshold).mapToDouble(this::weight).sum();
        }

        double durations() {
            return calls.stream().mapToDouble(c -> weight(c) / c.n() * c.duration()).sum();
        }

        void clear() {
            calls.clear();
            started = false;
            streak = 0;
        }
    }

    @Test
    void decayingWindowAgreesWithAnExactRecountOfTheWholeHistory() {
        forEachSeed(seed -> {
            Random rnd = new Random(seed);
            long halfLife = switch (rnd.nextInt(3)) {
                case 0 -> (1 + rnd.nextInt(50)) * MS;
                case 1 -> (1 + rnd.nextInt(10_000)) * MS;
                default -> 1 + rnd.nextInt(5_000); // nanoseconds: the horizon is reached often
            };
            long[] thresholds = thresholds(rnd);
            boolean timed = thresholds.length > 0 || rnd.nextBoolean();
            DecayingWindow store = new DecayingWindow(halfLife, thresholds, timed);
            Model model = new Model(halfLife);
            long now = rnd.nextLong() / 4; // any start, negative too, like System.nanoTime()
            for (int step = 0; step < 400; step++) {
                int op = rnd.nextInt(20);
                if (op < 5) {
                    now += switch (rnd.nextInt(6)) {
                        case 0 -> 0;
                        case 1 -> halfLife * (1 + rnd.nextInt(100)); // long silences, past the horizon too
                        case 2 -> rnd.nextInt(100);
                        default -> (long) (rnd.nextDouble() * 2 * halfLife);
                    };
                } else if (op == 5) {
                    store.clear();
                    model.clear();
                } else if (op < 8) {
                    int n = 1 + rnd.nextInt(20);
                    store.recordSuccesses(now, n);
                    model.touch(now);
                    model.calls.add(new Call(now, false, 0, n));
                    model.streak = 0;
                } else if (op < 10) {
                    store.roll(now);
                    model.touch(now);
                } else {
                    boolean failure = rnd.nextBoolean();
                    long d = rnd.nextInt(300) * MS + rnd.nextInt(1000);
                    store.record(now, failure, d);
                    model.touch(now);
                    model.calls.add(new Call(now, failure, timed ? d : 0, 1));
                    model.streak = failure ? model.streak + 1 : 0;
                }
                check(seed, step, store, model, thresholds, timed);
            }
        });
    }

    private static long[] thresholds(Random rnd) {
        int k = rnd.nextInt(3);
        long[] t = new long[k];
        for (int i = 0; i < k; i++) {
            t[i] = (50 + 100L * i + rnd.nextInt(50)) * MS;
        }
        return t;
    }

    private static void check(long seed, int step, DecayingWindow store, Model model, long[] thresholds,
            boolean timed) {
        String where = "seed " + seed + " (replay: -Dfluxgate.seed=" + seed + "), step " + step;
        double calls = model.calls();
        double failures = model.failures();
        close(where + ": effective calls", store.effectiveCalls(), calls);
        close(where + ": effective failures", store.effectiveFailures(), failures);
        whole(where + ": calls", store.calls(), calls);
        whole(where + ": failures", store.failures(), failures);
        assertThat(store.streak()).as(where + ": streak").isEqualTo(model.streak);
        if (calls == 0) {
            assertThat(store.failureRate()).as(where + ": failure rate").isNaN();
            assertThat(store.averageNanos()).as(where + ": average").isEqualTo(-1L);
        } else {
            assertThat(store.failureRate()).as(where + ": failure rate").isCloseTo(failures / calls, within(TOLERANCE));
            if (timed) {
                double avg = model.durations() / calls;
                assertThat((double) store.averageNanos()).as(where + ": average")
                        .isCloseTo(avg, within(1 + TOLERANCE * avg));
            } else {
                assertThat(store.averageNanos()).as(where + ": average (untimed)").isEqualTo(-1L);
            }
        }
        for (long t : thresholds) {
            Duration threshold = Duration.ofNanos(t);
            double slow = model.slow(t);
            whole(where + ": slow calls >= " + t, store.slowCalls(threshold), slow);
            if (calls == 0) {
                assertThat(store.slowRate(threshold)).as(where + ": slow rate").isNaN();
            } else {
                assertThat(store.slowRate(threshold)).as(where + ": slow rate >= " + t)
                        .isCloseTo(slow / calls, within(TOLERANCE));
            }
        }
    }

    private static void close(String what, double actual, double expected) {
        if (expected == 0) {
            assertThat(actual).as(what).isZero();
        } else {
            assertThat(actual).as(what).isCloseTo(expected, within(TOLERANCE * expected));
        }
    }

    /** The store's whole count is the model's sum rounded down, up to the tolerance. */
    private static void whole(String what, int actual, double expected) {
        int low = (int) Math.floor(expected - TOLERANCE * Math.max(1, expected));
        int high = (int) Math.floor(expected + TOLERANCE * Math.max(1, expected));
        assertThat(actual).as(what + " (model " + expected + ")").isBetween(low, high);
    }

    private static void forEachSeed(java.util.function.LongConsumer run) {
        Long fixed = Long.getLong("fluxgate.seed");
        long base = fixed != null ? fixed : System.nanoTime();
        for (int i = 0; i < (fixed != null ? 1 : SEEDS); i++) {
            run.accept(base + i);
        }
    }
}
