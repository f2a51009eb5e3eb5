package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The {@code and} / {@code or} / {@code not} algebra of {@link Tracker} and {@link Tripper}: every
 * combinator obeys the truth table of its boolean operator on every input, double negation is the
 * identity, {@code and} and {@code or} are associative and commutative in what they decide, and De
 * Morgan's laws hold. Inputs are seeded random exceptions and random window figures in both states;
 * a failure names the seed ({@code -Dfluxgate.seed=<seed>} replays it).
 */
class AlgebraLawsTest {

    private static final List<Throwable> ERRORS = List.of(new IOException(), new FileNotFoundException(),
            new UncheckedIOException(new IOException()), new IllegalStateException(), new TimeoutException(),
            new OutOfMemoryError(), new RuntimeException(), new Exception());

    private static final List<Tracker> TRACKERS = List.of(Tracker.all(), Tracker.none(),
            Tracker.typeOf(IOException.class), Tracker.typeOf(FileNotFoundException.class),
            Tracker.typeOf(RuntimeException.class, Error.class), e -> e.getClass().getSimpleName().length() > 12);

    private static final Duration SLOW = Duration.ofMillis(100);

    private static List<Tripper> trippers() {
        return List.of(Tripper.closed(), Tripper.halfOpened(), Tripper.minRequests(3), Tripper.minRequests(10),
                Tripper.failureRate(0.5), Tripper.failureRate(1.0), Tripper.failureStreak(2),
                Tripper.slowRate(0.5, SLOW), Tripper.avgLatency(SLOW));
    }

    // ---- Tracker ----

    @Test
    void trackerCombinatorsFollowTheirTruthTables() {
        for (Tracker a : TRACKERS) {
            for (Tracker b : TRACKERS) {
                for (Throwable e : ERRORS) {
                    boolean x = a.tracks(e);
                    boolean y = b.tracks(e);
                    String at = a + ", " + b + " on " + e.getClass().getSimpleName();
                    assertThat(a.and(b).tracks(e)).as("and: " + at).isEqualTo(x && y);
                    assertThat(a.or(b).tracks(e)).as("or: " + at).isEqualTo(x || y);
                    assertThat(a.negate().tracks(e)).as("negate: " + at).isEqualTo(!x);
                    assertThat(Tracker.not(a).tracks(e)).as("not: " + at).isEqualTo(!x);
                    // De Morgan
                    assertThat(Tracker.not(a.and(b)).tracks(e)).as("De Morgan and: " + at)
                            .isEqualTo(Tracker.not(a).or(Tracker.not(b)).tracks(e));
                    assertThat(Tracker.not(a.or(b)).tracks(e)).as("De Morgan or: " + at)
                            .isEqualTo(Tracker.not(a).and(Tracker.not(b)).tracks(e));
                    // commutativity of what is decided
                    assertThat(a.and(b).tracks(e)).as("and commutes: " + at).isEqualTo(b.and(a).tracks(e));
                    assertThat(a.or(b).tracks(e)).as("or commutes: " + at).isEqualTo(b.or(a).tracks(e));
                }
            }
        }
    }

    @Test
    void trackerDoubleNegationIsTheIdentity() {
        for (Tracker a : TRACKERS) {
            for (Throwable e : ERRORS) {
                assertThat(a.negate().negate().tracks(e)).as(a + " on " + e).isEqualTo(a.tracks(e));
                assertThat(Tracker.not(Tracker.not(a)).tracks(e)).as(a + " on " + e).isEqualTo(a.tracks(e));
            }
            // The built-in negation unwraps rather than stacking wrappers.
            assertThat(Tracker.not(Tracker.not(a))).isSameAs(a);
        }
    }

    @Test
    void trackerAndOrAreAssociative() {
        for (Tracker a : TRACKERS) {
            for (Tracker b : TRACKERS) {
                for (Tracker c : TRACKERS) {
                    for (Throwable e : ERRORS) {
                        assertThat(a.and(b).and(c).tracks(e)).isEqualTo(a.and(b.and(c)).tracks(e));
                        assertThat(a.or(b).or(c).tracks(e)).isEqualTo(a.or(b.or(c)).tracks(e));
                        // distributivity, for good measure
                        assertThat(a.and(b.or(c)).tracks(e)).isEqualTo(a.and(b).or(a.and(c)).tracks(e));
                    }
                }
            }
        }
    }

    // ---- Tripper ----

    /** Random window figures a tripper can be asked about. */
    private static WindowFigures randomFigures(Random rnd) {
        int calls = rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(15);
        int failures = calls == 0 ? 0 : rnd.nextInt(calls + 1);
        int slow = calls == 0 ? 0 : rnd.nextInt(calls + 1);
        Duration avg = calls == 0 ? Duration.ZERO : Duration.ofMillis(rnd.nextInt(200));
        return new WindowFigures(calls, failures, slow, avg, rnd.nextInt(5));
    }

    private static List<WindowFigures> figures(long seed) {
        Random rnd = new Random(seed);
        List<WindowFigures> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            all.add(randomFigures(rnd));
        }
        all.add(new WindowFigures(0, 0, 0, Duration.ZERO, 0));
        all.add(new WindowFigures(10, 5, 5, SLOW, 2));
        all.add(new WindowFigures(3, 3, 3, SLOW, 3));
        return all;
    }

    private static long seed() {
        Long fixed = Long.getLong("fluxgate.seed");
        return fixed != null ? fixed : System.nanoTime();
    }

    @Test
    void trippersDecideByTheirDocumentedRules() {
        long seed = seed();
        for (WindowFigures m : figures(seed)) {
            for (State s : List.of(State.CLOSED, State.HALF_OPEN)) {
                String at = "seed " + seed + ", " + m + " in " + s;
                assertThat(Tripper.closed().shouldTrip(s, m)).as(at).isEqualTo(s == State.CLOSED);
                assertThat(Tripper.halfOpened().shouldTrip(s, m)).as(at).isEqualTo(s == State.HALF_OPEN);
                assertThat(Tripper.minRequests(3).shouldTrip(s, m)).as(at).isEqualTo(m.calls() >= 3);
                assertThat(Tripper.failureRate(0.5).shouldTrip(s, m)).as(at)
                        .isEqualTo(m.calls() > 0 && m.failures() * 2 >= m.calls());
                assertThat(Tripper.failureStreak(2).shouldTrip(s, m)).as(at).isEqualTo(m.consecutiveFailures() >= 2);
                assertThat(Tripper.slowRate(0.5, SLOW).shouldTrip(s, m)).as(at)
                        .isEqualTo(m.calls() > 0 && m.slow() * 2 >= m.calls());
                assertThat(Tripper.avgLatency(SLOW).shouldTrip(s, m)).as(at)
                        .isEqualTo(m.calls() > 0 && m.mean().compareTo(SLOW) >= 0);
            }
        }
    }

    @Test
    void tripperCombinatorsFollowTheirTruthTablesAndLaws() {
        long seed = seed();
        List<Tripper> ts = trippers();
        List<WindowFigures> fs = figures(seed);
        for (Tripper a : ts) {
            for (Tripper b : ts) {
                for (WindowFigures m : fs) {
                    for (State s : List.of(State.CLOSED, State.HALF_OPEN)) {
                        boolean x = a.shouldTrip(s, m);
                        boolean y = b.shouldTrip(s, m);
                        String at = "seed " + seed + ", " + a + " / " + b + " on " + m + " in " + s;
                        assertThat(a.and(b).shouldTrip(s, m)).as("and: " + at).isEqualTo(x && y);
                        assertThat(a.or(b).shouldTrip(s, m)).as("or: " + at).isEqualTo(x || y);
                        assertThat(a.negate().shouldTrip(s, m)).as("negate: " + at).isEqualTo(!x);
                        assertThat(Tripper.not(a).shouldTrip(s, m)).as("not: " + at).isEqualTo(!x);
                        assertThat(Tripper.not(Tripper.not(a)).shouldTrip(s, m)).as("double negation: " + at).isEqualTo(x);
                        assertThat(Tripper.not(a.and(b)).shouldTrip(s, m)).as("De Morgan: " + at)
                                .isEqualTo(Tripper.not(a).or(Tripper.not(b)).shouldTrip(s, m));
                    }
                }
            }
        }
    }

    @Test
    void tripperAndOrAreAssociative() {
        long seed = seed();
        List<Tripper> ts = trippers();
        List<WindowFigures> fs = figures(seed).subList(0, 20);
        List<BinaryOperator<Tripper>> ops = List.of(Tripper::and, Tripper::or);
        for (BinaryOperator<Tripper> op : ops) {
            for (Tripper a : ts) {
                for (Tripper b : ts) {
                    for (Tripper c : ts) {
                        Tripper left = op.apply(op.apply(a, b), c);
                        Tripper right = op.apply(a, op.apply(b, c));
                        for (WindowFigures m : fs) {
                            for (State s : List.of(State.CLOSED, State.HALF_OPEN)) {
                                assertThat(left.shouldTrip(s, m)).as("seed " + seed + ": " + left + " vs " + right
                                        + " on " + m + " in " + s).isEqualTo(right.shouldTrip(s, m));
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void tripperDoubleNegationUnwrapsAndKeepsTheBuildTimeFacts() {
        for (Tripper a : trippers()) {
            assertThat(Tripper.not(Tripper.not(a))).isSameAs(a);
            assertThat(Tripper.not(a).needsDurations()).isEqualTo(a.needsDurations());
            assertThat(a.and(Tripper.minRequests(7)).largestMinRequests())
                    .isEqualTo(Math.max(7, a.largestMinRequests()));
        }
    }
}
