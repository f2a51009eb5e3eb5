package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.State;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class RunRecorderTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    @Test
    void outcomesCountInTheBucketWhereTheCallCompleted() {
        RunRecorder r = new RunRecorder("run", S, false);
        r.started(100 * MS);
        r.started(900 * MS);
        r.completed(100 * MS, 150 * MS, RunRecorder.Outcome.SUCCESS);
        r.completed(900 * MS, 2_900 * MS, RunRecorder.Outcome.FAILURE); // a hang: lands two seconds later

        RunRecorder.Bucket first = r.bucket(0);
        assertThat(first.started()).isEqualTo(2);
        assertThat(first.succeeded()).isEqualTo(1);
        assertThat(first.failed()).isZero();
        assertThat(first.maxInFlight()).isEqualTo(2);
        assertThat(r.bucket(1).completed()).isZero();
        assertThat(r.bucket(1).failureRate()).isNaN();
        RunRecorder.Bucket third = r.bucket(2);
        assertThat(third.failed()).isEqualTo(1);
        assertThat(third.failureRate()).isEqualTo(1.0);
        assertThat(third.p99Millis()).isEqualTo(2000.0);
        assertThat(r.bucketCount()).isEqualTo(3);
        assertThat(r.buckets()).hasSize(3).extracting(RunRecorder.Bucket::completed).containsExactly(1, 0, 1);
    }

    @Test
    void rejectionsAreNotFailuresAndTimeoutsAre() {
        RunRecorder r = new RunRecorder("run", S, true);
        for (RunRecorder.Outcome o : List.of(RunRecorder.Outcome.SUCCESS, RunRecorder.Outcome.TIMEOUT,
                RunRecorder.Outcome.REJECTED, RunRecorder.Outcome.REJECTED)) {
            r.started(0);
            r.completed(0, 10 * MS, o);
        }
        RunRecorder.Bucket b = r.bucket(0);
        assertThat(b.rejected()).isEqualTo(2);
        assertThat(b.failed()).isEqualTo(1);
        assertThat(b.timedOut()).isEqualTo(1);
        assertThat(b.failureRate()).isEqualTo(0.5);
        assertThat(r.count(RunRecorder.Outcome.REJECTED)).isEqualTo(2);
        assertThat(r.inFlight()).isZero();
        assertThat(r.maxInFlight()).isEqualTo(1); // each call ended before the next began
    }

    @Test
    void percentilesUseTheNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = (i + 1) * MS;
        }
        assertThat(RunRecorder.percentileMillis(sorted, 0.99)).isEqualTo(99.0);
        assertThat(RunRecorder.percentileMillis(sorted, 0.50)).isEqualTo(50.0);
        assertThat(RunRecorder.percentileMillis(new long[] {7 * MS}, 0.99)).isEqualTo(7.0);
        assertThat(RunRecorder.percentileMillis(new long[0], 0.99)).isNaN();
    }

    @Test
    void theStateOfABucketIsTheBreakersStateAtItsEnd() {
        RunRecorder r = new RunRecorder("run", S, true);
        r.transition(1_500 * MS, State.CLOSED, State.OPEN, "tripped");
        r.transition(3_200 * MS, State.OPEN, State.HALF_OPEN, "cooldown");
        r.started(4_000 * MS);
        r.completed(4_000 * MS, 4_100 * MS, RunRecorder.Outcome.SUCCESS);
        assertThat(r.buckets()).extracting(RunRecorder.Bucket::state)
                .containsExactly(State.CLOSED, State.OPEN, State.OPEN, State.HALF_OPEN, State.HALF_OPEN);
        assertThat(new RunRecorder("bare", S, false).stateAt(0)).isNull();
    }

    @Test
    void theLastWindowSampleOfABucketIsItsWindowFailureRate() {
        RunRecorder r = new RunRecorder("run", S, true);
        r.sample(100 * MS, 0.1);
        r.sample(900 * MS, 0.4);
        r.sample(1_100 * MS, Double.NaN);
        r.started(1_500 * MS);
        assertThat(r.bucket(0).windowFailureRate()).isEqualTo(0.4);
        assertThat(r.bucket(1).windowFailureRate()).isNaN();
        assertThat(r.samples()).hasSize(3);
    }

    @RepeatedTest(5)
    void concurrentCallersLoseNoCallAndEndWithNothingInFlight() throws Exception {
        RunRecorder r = new RunRecorder("run", S, true);
        int threads = 8;
        int perThread = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        long at = (long) i * MS;
                        r.started(at);
                        if (i % 100 == 0) {
                            r.sample(at, 0.5);
                        }
                        r.completed(at, at + MS, (i + id) % 4 == 0 ? RunRecorder.Outcome.REJECTED
                                : RunRecorder.Outcome.SUCCESS);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(r.calls()).hasSize(threads * perThread);
        assertThat(r.inFlight()).isZero();
        assertThat(r.maxInFlight()).isBetween(1, threads);
        assertThat(r.count(RunRecorder.Outcome.REJECTED)).isEqualTo(threads * perThread / 4);
        assertThat(r.buckets().stream().mapToInt(RunRecorder.Bucket::completed).sum()).isEqualTo(threads * perThread);
    }
}
