package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fluxgate.internal.DecayingWindow;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** What the figures of {@link Window#decaying} mean, read through a breaker on a fake ticker. */
class DecayingWindowTest {

    private static final Duration HALF_LIFE = Duration.ofSeconds(10);
    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: the tests compare outcomes, not traces
    private static final IOException BOOM = new IOException("boom");

    private final TestTicker ticker = new TestTicker();

    /** A breaker on a 10 s decaying window whose tripper never fires here. */
    private CircuitBreaker quiet(Tripper tripper) {
        return CircuitBreaker.builder("decaying").window(Window.decaying(HALF_LIFE)).tripper(tripper).ticker(ticker)
                .build();
    }

    private CircuitBreaker quiet() {
        return quiet(Tripper.failureStreak(1_000));
    }

    private static void succeed(CircuitBreaker cb, int n) {
        for (int i = 0; i < n; i++) {
            cb.recordSuccess(cb.acquirePermission(), 0);
        }
    }

    private static void fail(CircuitBreaker cb, int n) {
        for (int i = 0; i < n; i++) {
            cb.recordError(cb.acquirePermission(), 0, BOOM);
        }
    }

    // ---- the factory ----

    @Test
    void theFactoryRejectsAHalfLifeThatIsNotAPositiveDurationNamingIt() {
        for (Duration bad : List.of(Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(Long.MAX_VALUE))) {
            assertThatThrownBy(() -> Window.decaying(bad)).as("%s", bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("window halfLife").hasMessageContaining("positive duration");
        }
        assertThatThrownBy(() -> Window.decaying(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("window halfLife");
    }

    @Test
    void aDecayingWindowIsAValueThatNamesItsHalfLife() {
        Window w = Window.decaying(Duration.ofMillis(1500));
        assertThat(w).isEqualTo(Window.decaying(Duration.ofMillis(1500))).hasSameHashCodeAs(Window.decaying(Duration.ofMillis(1500)))
                .isNotEqualTo(Window.decaying(Duration.ofSeconds(1))).isNotEqualTo(Window.time(Duration.ofMillis(1500)));
        assertThat(w.toString()).isEqualTo("decaying(1.5s)");
        assertThat(w.isDecaying()).isTrue();
        assertThat(w.isCount()).isFalse();
        assertThat(w.halfLife()).isEqualTo(Duration.ofMillis(1500));
        assertThat(w.size()).isZero();
        assertThat(w.span()).isZero();
        assertThat(w.bucket()).isZero();
        assertThat(Window.count(5).isDecaying()).isFalse();
        assertThat(Window.time(Duration.ofSeconds(5)).halfLife()).isZero();
        assertThat(quiet().configuration()).containsEntry("window", "Window.decaying(10s)");
    }

    // ---- the figures ----

    @Test
    void aCallWeighsOneWhenRecordedHalfAfterOneHalfLifeAndAQuarterAfterTwo() {
        CircuitBreaker cb = quiet();
        succeed(cb, 1);
        assertThat(cb.metrics().effectiveCalls()).isEqualTo(1.0);
        assertThat(cb.metrics().calls()).isEqualTo(1);
        ticker.advance(HALF_LIFE);
        assertThat(cb.metrics().effectiveCalls()).isCloseTo(0.5, within(1e-12));
        assertThat(cb.metrics().calls()).as("the whole part").isZero();
        ticker.advance(HALF_LIFE);
        assertThat(cb.metrics().effectiveCalls()).isCloseTo(0.25, within(1e-12));
        assertThat(cb.metrics().failureRate()).as("a window with weight in it is not empty").isZero();
    }

    @Test
    void recentCallsWeighMoreThanOldOnes() {
        CircuitBreaker cb = quiet();
        fail(cb, 4);
        ticker.advance(HALF_LIFE.multipliedBy(2)); // the four failures now weigh 1 together
        succeed(cb, 1);
        Metrics m = cb.metrics();
        assertThat(m.effectiveCalls()).isCloseTo(2.0, within(1e-12));
        assertThat(m.failureRate()).isCloseTo(0.5, within(1e-12));
        assertThat(m.calls()).isBetween(1, 2); // 2 up to rounding of the decayed sum
        assertThat(m.consecutiveFailures()).isZero();
    }

    @Test
    void theRatesComeFromTheExactSumsNotFromTheRoundedCounts() {
        CircuitBreaker cb = quiet();
        fail(cb, 1);
        succeed(cb, 1);
        ticker.advance(HALF_LIFE.multipliedBy(3)); // each weighs 1/8: counts round down to 0
        Metrics m = cb.metrics();
        assertThat(m.calls()).isZero();
        assertThat(m.failures()).isZero();
        assertThat(m.effectiveCalls()).isCloseTo(0.25, within(1e-12));
        assertThat(m.failureRate()).isCloseTo(0.5, within(1e-12));
        assertThat(m.toString()).contains("calls=0.25", "failures=0.13", "failureRate=0.500");
    }

    @Test
    void theMeanDurationAndTheSlowRateAreWeightedByAge() {
        CircuitBreaker cb = quiet(Tripper.minRequests(1_000).and(Tripper.slowRate(0.5, Duration.ofMillis(200))));
        cb.recordSuccess(cb.acquirePermission(), Duration.ofMillis(100).toNanos());
        ticker.advance(HALF_LIFE); // the 100 ms call now weighs 1/2
        cb.recordSuccess(cb.acquirePermission(), Duration.ofMillis(400).toNanos());
        Metrics m = cb.metrics();
        assertThat(m.averageDuration()).as("(0.5 * 100 + 1 * 400) / 1.5").hasValueSatisfying(d ->
                assertThat(d.toNanos()).isCloseTo(Duration.ofMillis(300).toNanos(), within(1L)));
        assertThat(m.slowRate(Duration.ofMillis(200))).isCloseTo(1 / 1.5, within(1e-12));
        assertThat(m.slowCalls(Duration.ofMillis(200))).isEqualTo(1);
    }

    @Test
    void aWindowOfEquallySlowCallsAveragesExactlyTheirDurationDespiteTheDecay() {
        // avgLatency(d) compares with >=: the weighted mean of calls that all took d must be d, not d - 1 ns.
        Duration d = Duration.ofMillis(250);
        CircuitBreaker cb = quiet(Tripper.minRequests(20).and(Tripper.avgLatency(d)));
        for (int i = 0; i < 19; i++) {
            cb.recordSuccess(cb.acquirePermission(), d.toNanos());
            ticker.advance(Duration.ofMillis(37));
            assertThat(cb.metrics().averageDuration()).contains(d);
        }
        for (int i = 0; i < 5 && cb.state() == State.CLOSED; i++) {
            cb.recordSuccess(cb.acquirePermission(), d.toNanos());
        }
        assertThat(cb.state()).as("avgLatency fires once the effective count reaches 20").isEqualTo(State.OPEN);
    }

    @Test
    void afterALongSilenceEverythingFadesAndPast64HalfLivesTheWindowIsEmpty() {
        CircuitBreaker cb = quiet(Tripper.minRequests(1_000).and(Tripper.slowRate(0.5, Duration.ofMillis(200))));
        for (int i = 0; i < 100; i++) {
            cb.recordError(cb.acquirePermission(), Duration.ofSeconds(1).toNanos(), BOOM);
        }
        ticker.advance(HALF_LIFE.multipliedBy(DecayingWindow.HORIZON_HALF_LIVES).minusNanos(1));
        Metrics faded = cb.metrics();
        assertThat(faded.effectiveCalls()).isPositive().isLessThan(1e-15);
        assertThat(faded.failureRate()).isCloseTo(1.0, within(1e-12));
        ticker.advance(Duration.ofNanos(1));
        Metrics empty = cb.metrics();
        assertThat(empty.effectiveCalls()).isZero();
        assertThat(empty.calls()).isZero();
        assertThat(empty.failureRate()).isNaN();
        assertThat(empty.slowRate(Duration.ofMillis(200))).isNaN();
        assertThat(empty.averageDuration()).isEmpty();
        assertThat(empty.consecutiveFailures()).as("the streak does not decay").isEqualTo(100);
        succeed(cb, 1);
        assertThat(cb.metrics().effectiveCalls()).as("a fresh start").isEqualTo(1.0);
    }

    @Test
    void aRecordStampedBeforeTheWindowsMomentWeighsItsAge() {
        long h = HALF_LIFE.toNanos();
        DecayingWindow w = new DecayingWindow(h, new long[0], false);
        w.roll(h);
        w.record(0, true, 0); // read its time one half-life ago, recorded now: weighs 1/2
        assertThat(w.effectiveCalls()).isCloseTo(0.5, within(1e-12));
        w.record(h - 64 * h, true, 0); // older than the horizon: weighs nothing
        assertThat(w.effectiveCalls()).isCloseTo(0.5, within(1e-12));
        assertThat(w.streak()).isEqualTo(2);
    }

    // ---- transitions ----

    @Test
    void everyTransitionClearsTheWindowSoAHalfOpenPeriodIsJudgedByItsOwnProbes() {
        List<Transition> moves = new ArrayList<>();
        CircuitBreaker cb = CircuitBreaker.builder("decaying").window(Window.decaying(HALF_LIFE)).ticker(ticker)
                .tripper(Tripper.minRequests(5).and(Tripper.failureRate(0.5))).cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
                .permit(Permit.all()).maxHalfOpenCalls(3).closeAfterSuccesses(2).listener(moves::add).build();
        succeed(cb, 10);
        ticker.advance(HALF_LIFE.dividedBy(2)); // the successes weigh 10 / sqrt(2) = 7.07
        fail(cb, 8); // 8 / 15.07 = 0.53 >= 0.5
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(moves.get(0).reason()).isEqualTo("minRequests(5) and failureRate >= 0.5 (0.53 of 15.07 calls)");
        assertThat(moves.get(0).metrics().effectiveCalls()).isCloseTo(8 + 10 / Math.sqrt(2), within(1e-9));
        assertThat(cb.metrics().effectiveCalls()).as("OPEN shows an empty window").isZero();
        assertThat(cb.metrics().failureRate()).isNaN();

        ticker.advance(Duration.ofSeconds(1));
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        succeed(cb, 1);
        assertThat(cb.metrics().effectiveCalls()).as("the probe alone").isEqualTo(1.0);
        succeed(cb, 1);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(cb.metrics().effectiveCalls()).isZero();
        succeed(cb, 3);
        cb.reset();
        assertThat(cb.metrics().effectiveCalls()).as("reset clears it too").isZero();
    }

    // ---- the hot path ----

    @Test
    void theClosedSuccessPathAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CircuitBreaker untimed = CircuitBreaker.builder("alloc-decaying").window(Window.decaying(HALF_LIFE)).build();
        CircuitBreaker timed = CircuitBreaker.builder("alloc-decaying-timed").window(Window.decaying(HALF_LIFE))
                .tripper(Tripper.minRequests(100).and(Tripper.failureRate(0.5).or(Tripper.slowRate(0.5, Duration.ofSeconds(1)))))
                .build();
        Supplier<String> task = () -> "ok";
        Runnable noop = () -> { };
        for (CircuitBreaker cb : List.of(untimed, timed)) {
            for (int i = 0; i < 200_000; i++) { // warm up past JIT compilation
                cb.get(task);
                cb.run(noop);
                cb.recordSuccess(cb.tryAcquirePermission(), 0);
            }
            long id = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                cb.get(task);
                cb.run(noop);
                cb.recordSuccess(cb.tryAcquirePermission(), 0);
            }
            long allocated = mx.getThreadAllocatedBytes(id) - before;
            assertThat(allocated).as("bytes allocated by 300,000 successful calls on %s", cb.name()).isLessThan(1_024);
            assertThat(cb.state()).isEqualTo(State.CLOSED);
        }
    }
}
