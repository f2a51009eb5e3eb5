package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.internal.CountWindow;
import dev.fluxgate.internal.MetricsSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Policies are values: equal configurations are equal (and hash alike), different ones are not, and
 * each reads as its factory. Also the small public value types around them.
 */
class ValueSemanticsTest {

    private static final Duration S1 = Duration.ofSeconds(1);
    private static final Duration S2 = Duration.ofSeconds(2);

    private static void equalValues(Object a, Object b) {
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo("not a policy").isNotEqualTo(null);
    }

    @Test
    void windowsAreValues() {
        equalValues(Window.count(10), Window.count(10));
        equalValues(Window.time(S2, S1), Window.time(S2, S1));
        assertThat(Window.count(10)).isNotEqualTo(Window.count(11));
        assertThat(Window.time(S2, S1)).isNotEqualTo(Window.time(Duration.ofSeconds(3), S1))
                .isNotEqualTo(Window.time(S2, Duration.ofMillis(500)));
        assertThat(Window.time(S2, S1).hashCode()).isNotEqualTo(Window.time(S2, Duration.ofMillis(500)).hashCode());
        assertThat(Window.time(S2, S1).span()).isEqualTo(S2);
        assertThat(Window.time(S2, S1).bucket()).isEqualTo(S1);
        assertThat(Window.count(7).span()).isZero();
        // A bucket equal to the span is one bucket; a span of exactly MAX_BUCKETS buckets is allowed.
        assertThat(Window.time(S1, S1).bucket()).isEqualTo(S1);
        assertThat(Window.time(Duration.ofMillis(10_000), Duration.ofMillis(1)).span()).isEqualTo(Duration.ofSeconds(10));
        assertThat(Window.time(Duration.ofMillis(9_999_500), Duration.ofMillis(1000)).span())
                .as("a span just short of 10,000 buckets rounds up to 10,000").isEqualTo(Duration.ofMillis(9_999_500));
    }

    @Test
    void cooldownsAreValues() {
        equalValues(Cooldown.fixed(S1), Cooldown.fixed(S1));
        equalValues(Cooldown.exponential(S1, 2.0, S2).withJitter(0.2), Cooldown.exponential(S1, 2.0, S2).withJitter(0.2));
        assertThat(Cooldown.fixed(S1)).isNotEqualTo(Cooldown.fixed(S2));
        assertThat(Cooldown.exponential(S1, 2.0, S2)).isNotEqualTo(Cooldown.exponential(S1, 3.0, S2))
                .isNotEqualTo(Cooldown.exponential(S1, 2.0, Duration.ofSeconds(3)))
                .isNotEqualTo(Cooldown.exponential(S1, 2.0, S2).withJitter(0.1));
        assertThat(Cooldown.fixed(S1).hashCode()).isNotEqualTo(Cooldown.fixed(S2).hashCode());
        assertThat(Cooldown.fixed(S1).withJitter(0.1).withJitter(0.3)).hasToString("fixed(1s).withJitter(0.3)");
        assertThat(Cooldown.fixed(S1).withJitter(0.1).withJitter(0)).hasToString("fixed(1s)");
        assertThat(Cooldown.fixed(S1).baseNanos()).isEqualTo(S1.toNanos());
        assertThat(Cooldown.none().baseNanos()).isZero();
        // Boundaries: multiplier exactly 1 and max exactly initial are allowed.
        assertThat(Cooldown.exponential(S1, 1.0, S1).delayNanos(5, Delays.NO_RANDOM)).isEqualTo(S1.toNanos());
    }

    @Test
    void permitsAreValuesAndRampLinearly() {
        equalValues(Permit.rampUp(0.1, 1.0, S1), Permit.rampUp(0.1, 1.0, S1));
        assertThat(Permit.rampUp(0.1, 1.0, S1)).isNotEqualTo(Permit.rampUp(0.2, 1.0, S1))
                .isNotEqualTo(Permit.rampUp(0.1, 0.9, S1)).isNotEqualTo(Permit.rampUp(0.1, 1.0, S2))
                .isNotEqualTo(Permit.all());
        assertThat(Permit.random(0.3).hashCode()).isNotEqualTo(Permit.random(0.4).hashCode());
        Permit ramp = Permit.rampUp(0.2, 1.0, Duration.ofNanos(1000));
        assertThat(ramp.share(0)).isEqualTo(0.2);
        assertThat(ramp.share(-5)).isEqualTo(0.2);
        assertThat(ramp.share(500)).isCloseTo(0.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(ramp.share(999)).isLessThan(1.0);
        assertThat(ramp.share(1000)).isEqualTo(1.0);
        assertThat(ramp.needsTime()).isTrue();
        assertThat(Permit.rampUp(0.5, 0.5, S1).needsTime()).isFalse();
        assertThat(Permit.all().needsTime()).isFalse();
        assertThat(Permit.random(0.5).needsTime()).isFalse();
        // A target equal to the initial share is allowed.
        assertThat(Permit.rampUp(0.5, 0.5, S1).share(0)).isEqualTo(0.5);
        // admits: share 1 never draws, share 0 never admits, otherwise draw < share.
        assertThat(Permit.all().admits(0, Delays.NO_RANDOM)).isTrue();
        assertThat(Permit.rampUp(0.0, 1.0, S1).admits(0, Delays.NO_RANDOM)).as("share 0 at the start").isFalse();
        assertThat(Permit.random(0.5).admits(0, () -> Long.MIN_VALUE)).as("0.5 is not below 0.5").isFalse();
        assertThat(Permit.random(0.5).admits(0, () -> 0L)).as("0.0 is below 0.5").isTrue();
    }

    @Test
    void trackersAreValuesAndReadAsTheirFactories() {
        equalValues(Tracker.typeOf(IOException.class), Tracker.typeOf(IOException.class));
        assertThat(Tracker.typeOf(IOException.class)).isNotEqualTo(Tracker.typeOf(UncheckedIOException.class))
                .isNotEqualTo(Tracker.all());
        assertThat(Tracker.typeOf(IOException.class).hashCode())
                .isNotEqualTo(Tracker.typeOf(UncheckedIOException.class).hashCode());
        assertThat(Tracker.none()).hasToString("none()");
        assertThat(Tracker.all()).hasToString("all()");
        assertThat(Tracker.not(Tracker.typeOf(IOException.class))).hasToString("not(typeOf(IOException))");
    }

    @Test
    @SuppressWarnings("CanonicalDuration") // the same threshold spelled in another unit, on purpose
    void trippersAreValues() {
        Duration slow = Duration.ofMillis(100);
        equalValues(Tripper.closed(), Tripper.closed());
        equalValues(Tripper.halfOpened(), Tripper.halfOpened());
        equalValues(Tripper.minRequests(10), Tripper.minRequests(10));
        equalValues(Tripper.failureRate(0.5), Tripper.failureRate(0.5));
        equalValues(Tripper.slowRate(0.5, slow), Tripper.slowRate(0.5, Duration.ofNanos(100_000_000)));
        equalValues(Tripper.failureStreak(3), Tripper.failureStreak(3));
        equalValues(Tripper.avgLatency(slow), Tripper.avgLatency(slow));
        equalValues(Tripper.not(Tripper.closed()), Tripper.closed().negate());
        equalValues(Tripper.minRequests(10).and(Tripper.failureRate(0.5)).or(Tripper.failureStreak(3)),
                Tripper.minRequests(10).and(Tripper.failureRate(0.5)).or(Tripper.failureStreak(3)));
        assertThat(Tripper.closed()).isNotEqualTo(Tripper.halfOpened());
        assertThat(Tripper.minRequests(10)).isNotEqualTo(Tripper.minRequests(11)).isNotEqualTo(Tripper.failureStreak(10));
        assertThat(Tripper.failureRate(0.5)).isNotEqualTo(Tripper.failureRate(0.6));
        assertThat(Tripper.slowRate(0.5, slow)).isNotEqualTo(Tripper.slowRate(0.6, slow))
                .isNotEqualTo(Tripper.slowRate(0.5, slow.plusNanos(1)));
        assertThat(Tripper.avgLatency(slow)).isNotEqualTo(Tripper.avgLatency(slow.plusNanos(1)));
        assertThat(Tripper.not(Tripper.closed())).isNotEqualTo(Tripper.closed());
        Tripper a = Tripper.failureStreak(1);
        Tripper b = Tripper.failureStreak(2);
        assertThat(a.and(b)).isNotEqualTo(a.or(b)).isNotEqualTo(b.and(a));
        assertThat(a.and(b).and(a)).as("grouping counts").isNotEqualTo(a.and(b.and(a)));
        assertThat(a.and(b).hashCode()).isNotEqualTo(a.or(b).hashCode()).isNotEqualTo(b.and(a).hashCode());
        assertThat(Tripper.failureRate(0.5).hashCode()).isNotEqualTo(Tripper.failureRate(0.6).hashCode());
    }

    @Test
    void trippersExplainThemselves() {
        Metrics m = new WindowFigures(10, 6, 6, Duration.ofMillis(200), 3);
        Duration slow = Duration.ofMillis(100);
        assertThat(Tripper.avgLatency(slow)).hasToString("avgLatency(0.1s)");
        assertThat(Tripper.avgLatency(slow).explain(State.CLOSED, m)).isEqualTo("avgLatency >= 0.1s (0.2s over 10 calls)");
        assertThat(Tripper.not(Tripper.failureStreak(2))).hasToString("not(failureStreak(2))");
        assertThat(Tripper.not(Tripper.failureStreak(2)).explain(State.CLOSED, m)).isEqualTo("not(failureStreak(2) (3 in a row))");
        Tripper either = Tripper.failureStreak(5).or(Tripper.failureRate(0.5));
        assertThat(either.explain(State.CLOSED, m)).as("names only the branch that fired")
                .isEqualTo("failureRate >= 0.5 (0.60 of 10 calls)");
        Tripper other = Tripper.failureRate(0.5).or(Tripper.failureStreak(5));
        assertThat(other.explain(State.CLOSED, m)).isEqualTo("failureRate >= 0.5 (0.60 of 10 calls)");
        Tripper both = Tripper.failureStreak(2).or(Tripper.failureRate(0.5));
        assertThat(both.explain(State.CLOSED, m)).isEqualTo("failureStreak(2) (3 in a row) or failureRate >= 0.5 (0.60 of 10 calls)");
        // Build-time facts travel through not() and composites.
        assertThat(Tripper.not(Tripper.slowRate(0.5, slow)).needsDurations()).isTrue();
        java.util.Set<Long> into = new java.util.TreeSet<>();
        Tripper.not(Tripper.failureStreak(1).or(Tripper.slowRate(0.5, slow))).slowThresholds(into);
        assertThat(into).containsExactly(slow.toNanos());
        // Exactly at the threshold trips (>=).
        assertThat(Tripper.avgLatency(Duration.ofMillis(200)).shouldTrip(State.CLOSED, m)).isTrue();
        assertThat(Tripper.failureRate(0.6).shouldTrip(State.CLOSED, m)).isTrue();
        assertThat(Tripper.slowRate(0.6, slow).shouldTrip(State.CLOSED, m)).isTrue();
    }

    @Test
    void metricsDefaultsAndSnapshotsReadWell() {
        Metrics m = new WindowFigures(10, 6, 0, Duration.ZERO, 0);
        assertThat(m.successes()).isEqualTo(4);
        MetricsSnapshot s = new CountWindow(4, new long[0]).snapshot(MetricsSnapshot.Lifetime.ZERO);
        assertThat(s.toString()).startsWith("Metrics[calls=0, failures=0, failureRate=NaN");
    }

    @Test
    void callNotPermittedCarriesItsRetryHint() {
        CallNotPermittedException open = new CallNotPermittedException("b", State.OPEN, Duration.ofSeconds(3));
        assertThat(open.retryAfter()).contains(Duration.ofSeconds(3));
        assertThat(open.getMessage()).contains("'b'", "OPEN", "PT3S");
        CallNotPermittedException forever = new CallNotPermittedException("b", State.FORCED_OPEN);
        assertThat(forever.retryAfter()).isEmpty();
        assertThat(forever.getMessage()).contains("until reset manually");
        CallNotPermittedException zero = new CallNotPermittedException("b", State.HALF_OPEN, Duration.ZERO);
        assertThat(zero.retryAfter()).contains(Duration.ZERO);
        CallNotPermittedException negative = new CallNotPermittedException("b", State.OPEN, Duration.ofSeconds(-1));
        assertThat(negative.retryAfter()).contains(Duration.ZERO);
        CallNotPermittedException huge = new CallNotPermittedException("b", State.OPEN,
                java.time.temporal.ChronoUnit.FOREVER.getDuration());
        assertThat(huge.retryAfter()).hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(Long.MAX_VALUE / 1_000_000));
    }
}
