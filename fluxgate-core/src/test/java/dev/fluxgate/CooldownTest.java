package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CooldownTest {

    private final SplittableRandom random = new SplittableRandom(7);

    @Test
    void exponentialGrowsWithReopensUpToTheMax() {
        Cooldown c = Cooldown.exponential(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(50));
        assertThat(c.delayNanos(0, random)).isEqualTo(Duration.ofSeconds(10).toNanos());
        assertThat(c.delayNanos(1, random)).isEqualTo(Duration.ofSeconds(20).toNanos());
        assertThat(c.delayNanos(2, random)).isEqualTo(Duration.ofSeconds(40).toNanos());
        assertThat(c.delayNanos(3, random)).isEqualTo(Duration.ofSeconds(50).toNanos());
        assertThat(c.delayNanos(1000, random)).isEqualTo(Duration.ofSeconds(50).toNanos());
    }

    @Test
    void jitterStaysWithinItsRatioAndVaries() {
        Cooldown c = Cooldown.fixed(Duration.ofSeconds(10)).withJitter(0.2);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < 1000; i++) {
            long d = c.delayNanos(0, random);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isGreaterThanOrEqualTo(Duration.ofSeconds(8).toNanos());
        assertThat(max).isLessThanOrEqualTo(Duration.ofSeconds(12).toNanos());
        assertThat(max - min).isGreaterThan(Duration.ofSeconds(3).toNanos());
    }

    @Test
    void noneAndManualAreTheExtremes() {
        assertThat(Cooldown.none().delayNanos(5, random)).isZero();
        assertThat(Cooldown.manual().isManual()).isTrue();
        assertThat(Cooldown.manual().delayNanos(0, random)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void toStringReadsLikeTheFactory() {
        assertThat(Cooldown.exponential(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5)).withJitter(0.2))
                .hasToString("exponential(10s, 2.0, 5m).withJitter(0.2)");
        assertThat(Cooldown.fixed(Duration.ofSeconds(60))).hasToString("fixed(1m)");
    }

    @Test
    void badArgumentsNameTheParameterAndRange() {
        assertThatThrownBy(() -> Cooldown.fixed(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cooldown wait must be a positive duration");
        assertThatThrownBy(() -> Cooldown.exponential(Duration.ofSeconds(1), 0.5, Duration.ofSeconds(2)))
                .hasMessageContaining("cooldown multiplier must be finite and >= 1");
        assertThatThrownBy(() -> Cooldown.exponential(Duration.ofSeconds(1), Double.NaN, Duration.ofSeconds(2)))
                .hasMessageContaining("cooldown multiplier");
        assertThatThrownBy(() -> Cooldown.exponential(Duration.ofSeconds(10), 2, Duration.ofSeconds(2)))
                .hasMessageContaining("cooldown max must be >= initial");
        assertThatThrownBy(() -> Cooldown.fixed(Duration.ofSeconds(1)).withJitter(1.5))
                .hasMessageContaining("jitter ratio must be in [0, 1]");
        assertThatThrownBy(() -> Cooldown.fixed(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("cooldown wait");
    }
}
