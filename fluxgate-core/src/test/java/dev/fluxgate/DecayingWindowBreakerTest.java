package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * A decaying window under every kind of tripper and tracker, on a fake ticker: when it opens after
 * failures (or slow calls) start, that a long silence leaves it to {@code minRequests} to keep a few
 * calls from opening it, and that records from many threads lose no weight.
 */
class DecayingWindowBreakerTest {

    private static final Duration HALF_LIFE = Duration.ofSeconds(5);
    /** 100 calls a second. */
    private static final Duration GAP = Duration.ofMillis(10);
    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: the tests compare outcomes, not traces
    private static final IOException BOOM = new IOException("boom");

    private final TestTicker ticker = new TestTicker();

    enum Outcome { FAST, SLOW, FAILURE, IGNORED }

    private CircuitBreaker.Builder breaker(Tripper tripper) {
        return CircuitBreaker.builder("decaying").window(Window.decaying(HALF_LIFE)).tripper(tripper).ticker(ticker)
                .cooldown(Cooldown.fixed(Duration.ofSeconds(30))).permit(Permit.all());
    }

    /**
     * Makes {@code calls} calls, {@link #GAP} apart on the ticker, the i-th with outcome {@code outcome(i)}.
     * Returns how many were made before the breaker left CLOSED, or -1 if it never did.
     */
    private int drive(CircuitBreaker cb, int calls, IntFunction<Outcome> outcome) {
        for (int i = 0; i < calls; i++) {
            if (cb.state() != State.CLOSED) {
                return i;
            }
            long p = cb.acquirePermission();
            switch (outcome.apply(i)) {
                case FAST -> cb.recordSuccess(p, Duration.ofMillis(20).toNanos());
                case SLOW -> cb.recordSuccess(p, Duration.ofSeconds(1).toNanos());
                case FAILURE -> cb.recordError(p, Duration.ofMillis(20).toNanos(), BOOM);
                case IGNORED -> cb.recordError(p, Duration.ofMillis(20).toNanos(), new FileNotFoundException());
            }
            ticker.advance(GAP);
        }
        return cb.state() != State.CLOSED ? calls : -1;
    }

    // ---- how fast it opens ----

    @Test
    void opensOneHalfLifeAfterEveryCallStartsFailing() {
        // After a long run of successes at a steady rate, every call fails from t = 0 on. The successes then
        // weigh 2^(-t/h) of the total and the failures the rest, so the failure rate crosses 0.5 at t = h
        // whatever the call rate: with 100 calls a second and h = 5 s, at the 500th failure.
        CircuitBreaker cb = breaker(Tripper.minRequests(50).and(Tripper.failureRate(0.5))).build();
        assertThat(drive(cb, 6_000, i -> Outcome.FAST)).as("60 s of successes").isEqualTo(-1);
        assertThat(cb.metrics().effectiveCalls()).as("100/s * 5 s / ln 2")
                .isCloseTo(100 * 5 / Math.log(2), within(2.0));

        long start = ticker.read();
        int failures = drive(cb, 1_000, i -> Outcome.FAILURE);
        assertThat(failures).isEqualTo(500);
        assertThat(Duration.ofNanos(ticker.read() - start)).isEqualTo(HALF_LIFE);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aSlowRateRuleOpensOneHalfLifeAfterTheLatencyTailGrows() {
        Tripper tripper = Tripper.minRequests(50).and(Tripper.slowRate(0.5, Duration.ofMillis(500)))
                .or(Tripper.failureStreak(1_000));
        CircuitBreaker cb = breaker(tripper).build();
        drive(cb, 6_000, i -> Outcome.FAST);
        assertThat(drive(cb, 1_000, i -> Outcome.SLOW)).isEqualTo(500);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aShareOfFailuresBelowTheThresholdNeverOpensIt() {
        CircuitBreaker cb = breaker(Tripper.minRequests(50).and(Tripper.failureRate(0.5))).build();
        assertThat(drive(cb, 30_000, i -> i % 5 < 2 ? Outcome.FAILURE : Outcome.FAST)).as("5 min at 40%").isEqualTo(-1);
        assertThat(cb.metrics().failureRate()).isCloseTo(0.4, within(0.01));
    }

    // ---- after a long silence ----

    @Test
    void afterALongSilenceAFewFailuresDoNotOpenItMinRequestsGatesTheTrip() {
        List<Transition> moves = new ArrayList<>();
        CircuitBreaker gated = breaker(Tripper.minRequests(50).and(Tripper.failureRate(0.5))).listener(moves::add).build();
        CircuitBreaker ungated = breaker(Tripper.failureRate(0.5)).build();
        for (CircuitBreaker cb : List.of(ungated, gated)) { // one ticker: the gated one's silence starts after its calls
            drive(cb, 6_000, i -> i % 5 >= 3 ? Outcome.FAILURE : Outcome.FAST); // 40%, successes first: closed
        }
        ticker.advance(Duration.ofMinutes(1)); // 12 half-lives: the past weighs 720 / 4096 = 0.18 calls

        assertThat(drive(gated, 10, i -> Outcome.FAILURE)).as("10 failures").isEqualTo(-1);
        Metrics m = gated.metrics();
        // The ten failures, 10 ms apart, weigh 9.92 now; the past's 0.17 calls are all that is left of 6,000.
        assertThat(m.effectiveCalls()).isCloseTo(10.10, within(0.02));
        assertThat(m.failureRate()).as("almost every call that counts failed").isGreaterThan(0.98);
        assertThat(gated.state()).isEqualTo(State.CLOSED);
        assertThat(drive(ungated, 10, i -> Outcome.FAILURE)).as("without minRequests, the first failure").isEqualTo(1);

        // With 100 calls a second, the gate opens once about 50 calls (of the last few half-lives) weigh in.
        int more = drive(gated, 100, i -> Outcome.FAILURE);
        assertThat(more).isBetween(38, 42); // 10 + 40 failures, 10 ms apart, decayed a little: effective 50
        assertThat(moves).singleElement().extracting(Transition::reason).asString()
                .startsWith("minRequests(50) and failureRate >= 0.5 (");
    }

    @Test
    void past64HalfLivesOfSilenceTheOldFailuresAreGoneEntirely() {
        CircuitBreaker cb = breaker(Tripper.minRequests(50).and(Tripper.failureRate(0.5))).build();
        drive(cb, 1_000, i -> i % 2 == 0 ? Outcome.FAST : Outcome.FAILURE); // 49.5%
        ticker.advance(HALF_LIFE.multipliedBy(64));
        assertThat(cb.metrics().effectiveCalls()).isZero();
        assertThat(cb.metrics().failureRate()).isNaN();
    }

    // ---- every kind of rule, and the tracker ----

    @Test
    void compositesNegationsHalfOpenRulesAndTheTrackerAllWorkOnIt() {
        Tripper tripper = Tripper.minRequests(20).and(
                Tripper.closed().and(Tripper.failureRate(0.5))
                        .or(Tripper.halfOpened().and(Tripper.not(Tripper.failureRate(0.7)).negate()))); // 70% in half-open
        List<Transition> moves = new ArrayList<>();
        CircuitBreaker cb = breaker(tripper).tracker(Tracker.typeOf(IOException.class)
                .and(Tracker.not(Tracker.typeOf(FileNotFoundException.class)))).maxHalfOpenCalls(100)
                .closeAfterSuccesses(100).listener(moves::add).build();

        // Untracked errors are not recorded: they neither count as calls nor as failures.
        assertThat(drive(cb, 500, i -> Outcome.IGNORED)).isEqualTo(-1);
        assertThat(cb.metrics().effectiveCalls()).isZero();
        assertThat(cb.metrics().ignoredCalls()).isEqualTo(500);

        drive(cb, 6_000, i -> Outcome.FAST);
        assertThat(drive(cb, 1_000, i -> Outcome.FAILURE)).isEqualTo(500);
        ticker.advance(Duration.ofSeconds(30));
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);

        // Half-open: a fresh window; 60% failures of 20 probes stay under the 70% rule, 70% reopen.
        for (int i = 0; i < 20; i++) {
            long p = cb.acquirePermission();
            if (i % 5 < 3) {
                cb.recordError(p, 0, BOOM);
            } else {
                cb.recordSuccess(p, 0);
            }
            ticker.advance(GAP);
        }
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertThat(cb.metrics().failureRate()).isCloseTo(0.6, within(0.01));
        for (int i = 0; i < 10 && cb.state() == State.HALF_OPEN; i++) {
            cb.recordError(cb.acquirePermission(), 0, BOOM);
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(moves).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN, State.OPEN);
    }

    @Test
    void aFailureStreakRuleIsUnaffectedByTheDecay() {
        CircuitBreaker cb = breaker(Tripper.failureStreak(3)).build();
        cb.recordError(cb.acquirePermission(), 0, BOOM);
        ticker.advance(Duration.ofHours(1));
        cb.recordError(cb.acquirePermission(), 0, BOOM);
        cb.recordError(cb.acquirePermission(), 0, BOOM);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    // ---- many threads ----

    @Test
    void recordsFromManyThreadsLoseNoWeight() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        CircuitBreaker cb = breaker(Tripper.failureStreak(Integer.MAX_VALUE)).build();
        race(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                long p = cb.acquirePermission();
                if (i % 4 == 0) {
                    cb.recordError(p, 0, BOOM);
                } else {
                    cb.recordSuccess(p, 0); // through the lock, or a striped buffer when it is busy
                }
            }
        });
        // The ticker stood still, so every call weighs exactly 1 and the sums are exact.
        Metrics m = cb.metrics();
        assertThat(m.effectiveCalls()).isEqualTo((double) threads * perThread);
        assertThat(m.calls()).isEqualTo(threads * perThread);
        assertThat(m.failures()).isEqualTo(threads * perThread / 4);
        assertThat(m.failureRate()).isEqualTo(0.25);
        assertThat(m.successfulCalls() + m.failedCalls()).isEqualTo((long) threads * perThread);
    }

    @Test
    void whileTimeMovesEveryRecordWeighsBetweenItsAgeAndOne() throws Exception {
        int threads = 8;
        int perThread = 10_000;
        CircuitBreaker cb = breaker(Tripper.failureStreak(Integer.MAX_VALUE)).build();
        long start = ticker.read();
        race(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                if (t == 0 && i % 10 == 0) {
                    ticker.advance(Duration.ofMillis(1)); // 1 s in all: every weight is in [2^(-1/5), 1]
                }
                long p = cb.acquirePermission();
                if (i % 2 == 0) {
                    cb.recordError(p, 0, BOOM);
                } else {
                    cb.recordSuccess(p, 0);
                }
            }
        });
        double elapsed = (ticker.read() - start) / (double) HALF_LIFE.toNanos();
        Metrics m = cb.metrics();
        double n = (double) threads * perThread;
        assertThat(m.effectiveCalls()).isBetween(n * Math.pow(2, -elapsed) * (1 - 1e-9), n * (1 + 1e-9));
        // Half of each thread's calls failed, spread over the same second: the rate is about a half, and
        // no more off than the decay over that second allows.
        double skew = 1 - Math.pow(2, -elapsed);
        assertThat(m.failureRate()).isBetween(0.5 - skew, 0.5 + skew);
    }

    private static void race(int threads, java.util.function.IntConsumer body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    body.accept(id);
                    return null;
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }
}
