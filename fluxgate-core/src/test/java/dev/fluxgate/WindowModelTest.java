package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.internal.CountWindow;
import dev.fluxgate.internal.TimeWindow;
import dev.fluxgate.internal.WindowStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the window stores: seeded random records, batched successes, clock moves,
 * reads and clears against a naive model that keeps every call with its timestamp and filters on
 * read. The stores keep running totals and expire whole buckets; the model recounts from scratch.
 * A failure prints the seed; replay it with {@code -Dfluxgate.seed=<seed>}.
 */
class WindowModelTest {

    private static final long MS = 1_000_000L;

    record Call(long epoch, boolean failure, long duration) {
    }

    @Test
    void countWindowAgreesWithTheLastNCalls() {
        forEachSeed(seed -> {
            Random rnd = new Random(seed);
            int size = 1 + rnd.nextInt(20);
            long[] thresholds = thresholds(rnd);
            WindowStore store = new CountWindow(size, thresholds);
            List<Call> model = new ArrayList<>();
            int streak = 0;
            for (int step = 0; step < 400; step++) {
                int op = rnd.nextInt(20);
                if (op == 0) {
                    store.clear();
                    model.clear();
                    streak = 0;
                } else if (op < 4) {
                    int n = 1 + rnd.nextInt(2 * size + 2);
                    store.recordSuccesses(0, n);
                    for (int i = 0; i < n; i++) {
                        model.add(new Call(0, false, 0));
                    }
                    streak = 0;
                } else {
                    boolean failure = rnd.nextBoolean();
                    long d = rnd.nextInt(300) * MS;
                    store.record(0, failure, d);
                    model.add(new Call(0, failure, d));
                    streak = failure ? streak + 1 : 0;
                }
                List<Call> live = model.subList(Math.max(0, model.size() - size), model.size());
                check(seed, step, store, live, streak, thresholds);
            }
        });
    }

    @Test
    void timeWindowAgreesWithTheCallsOfUnexpiredBuckets() {
        forEachSeed(seed -> {
            Random rnd = new Random(seed);
            long bucket = (1 + rnd.nextInt(100)) * MS;
            int buckets = 1 + rnd.nextInt(12);
            long[] thresholds = thresholds(rnd);
            WindowStore store = new TimeWindow(bucket * buckets - rnd.nextInt((int) (bucket / MS)) * MS, bucket, thresholds);
            List<Call> model = new ArrayList<>();
            long now = rnd.nextLong() / 4; // any start, negative too, like System.nanoTime()
            long head = Long.MIN_VALUE;
            int streak = 0;
            for (int step = 0; step < 400; step++) {
                int op = rnd.nextInt(20);
                if (op < 5) {
                    now += rnd.nextInt(4) == 0 ? rnd.nextInt(buckets * 3 + 1) * bucket : rnd.nextInt((int) (bucket / MS) * 2) * MS;
                } else if (op == 5) {
                    store.clear();
                    model.clear();
                    streak = 0;
                    head = Long.MIN_VALUE;
                } else if (op < 8) {
                    int n = 1 + rnd.nextInt(5);
                    store.recordSuccesses(now, n);
                    for (int i = 0; i < n; i++) {
                        model.add(new Call(Math.floorDiv(now, bucket), false, 0));
                    }
                    streak = 0;
                    head = Math.max(head, Math.floorDiv(now, bucket));
                } else if (op < 10) {
                    store.roll(now);
                    head = Math.max(head, Math.floorDiv(now, bucket));
                } else {
                    boolean failure = rnd.nextBoolean();
                    long d = rnd.nextInt(300) * MS;
                    store.record(now, failure, d);
                    model.add(new Call(Math.floorDiv(now, bucket), failure, d));
                    streak = failure ? streak + 1 : 0;
                    head = Math.max(head, Math.floorDiv(now, bucket));
                }
                long h = head;
                // The span is just over (buckets - 1) bucket widths, so the store keeps `buckets` buckets.
                List<Call> live = model.stream().filter(c -> h != Long.MIN_VALUE && c.epoch() > h - buckets).toList();
                check(seed, step, store, live, streak, thresholds);
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

    private static void check(long seed, int step, WindowStore store, List<Call> live, int streak, long[] thresholds) {
        String where = "seed " + seed + " (replay: -Dfluxgate.seed=" + seed + "), step " + step;
        assertThat(store.calls()).as(where + ": calls").isEqualTo(live.size());
        assertThat(store.failures()).as(where + ": failures").isEqualTo((int) live.stream().filter(Call::failure).count());
        assertThat(store.streak()).as(where + ": streak").isEqualTo(streak);
        long total = live.stream().mapToLong(Call::duration).sum();
        assertThat(store.totalDurationNanos()).as(where + ": total duration").isEqualTo(total);
        assertThat(store.averageDuration()).as(where + ": average")
                .isEqualTo(live.isEmpty() ? Optional.empty() : Optional.of(Duration.ofNanos(total / live.size())));
        for (long t : thresholds) {
            assertThat(store.slowCalls(Duration.ofNanos(t))).as(where + ": slow calls >= " + t)
                    .isEqualTo((int) live.stream().filter(c -> c.duration() >= t).count());
        }
    }

    private static void forEachSeed(java.util.function.LongConsumer run) {
        Long fixed = Long.getLong("fluxgate.seed");
        long base = fixed != null ? fixed : System.nanoTime();
        for (int i = 0; i < (fixed != null ? 1 : 200); i++) {
            run.accept(base + i);
        }
    }
}
