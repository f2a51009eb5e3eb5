package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.internal.CountWindow;
import dev.fluxgate.internal.TimeWindow;
import dev.fluxgate.internal.WindowStore;
import org.junit.jupiter.api.Test;

/** The windows at their edges: a batch of drained successes, an empty batch, a reading a whole span late. */
class WindowStoreEdgesTest {

    private static final long S = 1_000_000_000L;

    @Test
    void aBatchOfDrainedSuccessesCountsEveryOneAndExpiresWithItsBucket() {
        TimeWindow w = new TimeWindow(10 * S, S, new long[0]);
        w.recordSuccesses(0, 5);
        w.record(0, true, 0);

        assertThat(w.calls()).isEqualTo(6);
        assertThat(w.failures()).isEqualTo(1);

        w.roll(10 * S); // the bucket of second 0 leaves the 10 s span
        assertThat(w.calls()).isZero();
        assertThat(w.failures()).isZero();
    }

    @Test
    void anEmptyBatchOfSuccessesKeepsTheFailureStreak() {
        for (WindowStore w : new WindowStore[] {new CountWindow(10, new long[0]), new TimeWindow(10 * S, S, new long[0])}) {
            w.record(0, true, 0);
            w.record(0, true, 0);

            w.recordSuccesses(0, 0);

            assertThat(w.streak()).as("%s", w.getClass().getSimpleName()).isEqualTo(2);
            assertThat(w.calls()).isEqualTo(2);
            w.recordSuccesses(0, 1);
            assertThat(w.streak()).isZero();
        }
    }

    @Test
    void aReadingAWholeSpanBehindTheNewestBucketIsDropped() {
        TimeWindow w = new TimeWindow(10 * S, S, new long[0]);
        w.record(20 * S, false, 0); // the window now covers seconds 11 to 20

        w.record(10 * S, true, 0); // a thread that read the ticker a whole span ago: already expired
        assertThat(w.calls()).isEqualTo(1);
        assertThat(w.failures()).isZero();

        w.record(11 * S, true, 0); // the oldest second still in the span counts
        assertThat(w.calls()).isEqualTo(2);
        assertThat(w.failures()).isEqualTo(1);
    }

    // The head bucket is found without a division (TimeWindow.inHead): these readings sit at its edges,
    // below zero and near both ends of a long, where a wrong start or a one-off slot would show.
    @Test
    void readingsAtTheEdgesOfTheHeadBucketLandInTheirOwnBuckets() {
        for (long origin : new long[] {0, -7 * S - 1, 5 * S / 2, Long.MAX_VALUE - 9 * S, Long.MIN_VALUE + S / 3}) {
            TimeWindow w = new TimeWindow(3 * S, S, new long[0]);
            w.record(origin, true, 0);
            long start = origin - Math.floorMod(origin, S); // where origin's bucket begins
            w.record(start + S - 1, false, 0); // last nanosecond of the same bucket
            w.record(start + S, false, 0); // first of the next
            w.record(start + 2 * S, false, 0);
            assertThat(w.calls()).as("origin %d", origin).isEqualTo(4);
            assertThat(w.failures()).isEqualTo(1);

            w.roll(start + 3 * S - 1); // still three buckets: nothing leaves
            assertThat(w.calls()).isEqualTo(4);
            w.roll(start + 3 * S); // the first bucket (the failure and its neighbour) leaves
            assertThat(w.calls()).as("origin %d", origin).isEqualTo(2);
            assertThat(w.failures()).isZero();
            w.record(start + 3 * S, true, 0); // the new head, reached by roll alone
            w.roll(start + 5 * S);
            assertThat(w.calls()).isEqualTo(1);
            assertThat(w.failures()).isEqualTo(1);
        }
    }

    @Test
    void aStoreSaysWhetherItKeepsDurations() {
        assertThat(new CountWindow(4, new long[0], true).timed()).isTrue();
        assertThat(new CountWindow(4, new long[0], false).timed()).isFalse();
        assertThat(new TimeWindow(S, S, new long[] {5}, true).timed()).isTrue();
    }
}
