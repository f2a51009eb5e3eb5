package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Backoffs as values (equality, hash, boundaries of their arguments), as Cooldown's in ValueSemanticsTest. */
class BackoffValueTest {

    private static final Duration MS100 = Duration.ofMillis(100);
    private static final Duration S1 = Duration.ofSeconds(1);

    @Test
    void equalBackoffsHaveEqualHashesAndDifferentOnesAreNotEqual() {
        Backoff b = Backoff.exponential(MS100, 2.0, S1).withFullJitter();
        Backoff same = Backoff.exponential(MS100, 2.0, S1).withFullJitter();
        assertThat(b).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(b).isNotEqualTo("exponential").isNotEqualTo(null)
                .isNotEqualTo(Backoff.exponential(MS100, 2.0, S1))
                .isNotEqualTo(Backoff.exponential(MS100, 2.0, S1).withEqualJitter())
                .isNotEqualTo(Backoff.exponential(MS100, 3.0, S1).withFullJitter())
                .isNotEqualTo(Backoff.exponential(MS100, 2.0, Duration.ofSeconds(2)).withFullJitter())
                .isNotEqualTo(Backoff.exponential(Duration.ofMillis(200), 2.0, S1).withFullJitter());
        assertThat(Backoff.linear(MS100, MS100, S1)).isNotEqualTo(Backoff.linear(MS100, Duration.ofMillis(50), S1))
                .isNotEqualTo(Backoff.exponential(MS100, 1.0, S1));
        assertThat(Backoff.constant(MS100).withJitter(0.1)).isNotEqualTo(Backoff.constant(MS100).withJitter(0.2));
        assertThat(Backoff.constant(MS100).hashCode()).isNotEqualTo(Backoff.constant(S1).hashCode());
    }

    @Test
    void aMultiplierOfExactlyOneIsAllowedAndKeepsTheWaitConstant() {
        Backoff b = Backoff.exponential(MS100, 1.0, S1);
        assertThat(b.delay(1)).isEqualTo(MS100);
        assertThat(b.delay(10)).isEqualTo(MS100);
    }

    @Test
    void aMaximumEqualToTheInitialWaitIsAllowed() {
        assertThat(Backoff.exponential(MS100, 2.0, MS100).delay(5)).isEqualTo(MS100);
        assertThat(Backoff.linear(MS100, MS100, MS100).delay(5)).isEqualTo(MS100);
    }

    @Test
    void jitterRatiosOfExactlyZeroAndOneAreAllowed() {
        Backoff b = Backoff.constant(S1);
        assertThat(b.withJitter(0)).isEqualTo(b).hasToString("constant(1s)");
        Backoff full = b.withJitter(1.0);
        assertThat(full).hasToString("constant(1s).withJitter(1.0)");
        // wait * (1 ± 1): anywhere in [0, 2 s]
        assertThat(full.delayNanos(1, 0, () -> Long.MAX_VALUE)).isBetween(0L, 2 * S1.toNanos());
    }

    @Test
    void theLongestDurationIsAValidWait() {
        assertThat(Backoff.constant(Tripper.MAX_DURATION).delay(1)).isEqualTo(Tripper.MAX_DURATION);
    }
}
