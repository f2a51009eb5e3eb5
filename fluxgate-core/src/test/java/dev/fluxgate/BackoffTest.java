package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long MS = 1_000_000L;
    private static final RandomGenerator HALF = () -> Long.MIN_VALUE; // nextDouble() from nextLong()

    private static RandomGenerator fixed(double u) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return u;
            }
        };
    }

    @Test
    void constantWaitsTheSameEveryRetry() {
        Backoff b = Backoff.constant(Duration.ofMillis(50));
        assertThat(b.delayNanos(1, 0, null)).isEqualTo(50 * MS);
        assertThat(b.delayNanos(7, 50 * MS, null)).isEqualTo(50 * MS);
        assertThat(b).hasToString("constant(0.05s)");
    }

    @Test
    void linearGrowsByTheIncrementUpToTheCap() {
        Backoff b = Backoff.linear(Duration.ofMillis(100), Duration.ofMillis(50), Duration.ofMillis(220));
        assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(150));
        assertThat(b.delay(3)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.delay(4)).isEqualTo(Duration.ofMillis(220));
        assertThat(b.delay(1_000_000)).isEqualTo(Duration.ofMillis(220));
    }

    @Test
    void exponentialMultipliesUpToTheCapWithoutOverflow() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1));
        assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(b.delay(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.delay(5)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void fullJitterIsUniformBelowTheWait() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)).withFullJitter();
        assertThat(b.delayNanos(2, 0, fixed(0.0))).isZero();
        assertThat(b.delayNanos(2, 0, fixed(0.25))).isEqualTo(50 * MS);
        assertThat(b.delayNanos(2, 0, HALF)).isEqualTo(100 * MS);
    }

    @Test
    void equalJitterNeverGoesBelowHalfTheWait() {
        Backoff b = Backoff.constant(Duration.ofMillis(100)).withEqualJitter();
        assertThat(b.delayNanos(1, 0, fixed(0.0))).isEqualTo(50 * MS);
        assertThat(b.delayNanos(1, 0, fixed(0.5))).isEqualTo(75 * MS);
        assertThat(b.delayNanos(1, 0, fixed(0.999))).isBetween(99 * MS, 100 * MS);
    }

    @Test
    void decorrelatedJitterGrowsFromThePreviousWaitAndIsCapped() {
        Backoff b = Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofMillis(1000)).withDecorrelatedJitter();
        assertThat(b.delayNanos(1, 0, fixed(0.9))).isEqualTo(100 * MS); // first: [base, base)
        assertThat(b.delayNanos(2, 100 * MS, fixed(0.5))).isEqualTo(200 * MS); // [100, 300) at 0.5
        assertThat(b.delayNanos(3, 300 * MS, fixed(1.0))).isEqualTo(900 * MS);
        assertThat(b.delayNanos(4, 900 * MS, fixed(0.99))).isEqualTo(1000 * MS); // capped
    }

    @Test
    void seededJitterStaysWithinItsBounds() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        Backoff full = Backoff.exponential(Duration.ofMillis(10), 3.0, Duration.ofSeconds(5)).withFullJitter();
        Backoff equal = full.withEqualJitter();
        Backoff decorrelated = full.withDecorrelatedJitter();
        long previous = 0;
        for (int retry = 1; retry <= 2_000; retry++) {
            long cap = full.delay(Math.min(retry, 20)).toNanos();
            assertThat(full.delayNanos(retry, 0, random)).as("seed %d", seed).isBetween(0L, cap);
            assertThat(equal.delayNanos(retry, 0, random)).as("seed %d", seed).isBetween(cap / 2, cap);
            long d = decorrelated.delayNanos(retry, previous, random);
            assertThat(d).as("seed %d", seed).isBetween(10 * MS, Math.min(5_000 * MS, Math.max(10 * MS, 3 * previous)));
            previous = d;
        }
    }

    @Test
    void proportionalJitterIsSharedWithCooldown() {
        Backoff b = Backoff.exponential(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5)).withJitter(0.2);
        Cooldown c = Cooldown.exponential(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5)).withJitter(0.2);
        for (int n = 0; n < 8; n++) {
            for (double u : new double[] {0.0, 0.3, 0.5, 0.99}) {
                assertThat(b.delayNanos(n + 1, 0, fixed(u))).isEqualTo(c.delayNanos(n, fixed(u)));
            }
        }
        assertThat(b.delayNanos(1, 0, fixed(0.0))).isEqualTo(8_000 * MS);
        assertThat(b.delayNanos(1, 0, fixed(1.0))).isEqualTo(12_000 * MS);
    }

    @Test
    void cooldownKeepsItsSemanticsAndDescription() {
        Cooldown c = Cooldown.exponential(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5));
        assertThat(c.delayNanos(0, null)).isEqualTo(10_000 * MS);
        assertThat(c.delayNanos(3, null)).isEqualTo(80_000 * MS);
        assertThat(c.delayNanos(100, null)).isEqualTo(300_000 * MS);
        assertThat(c.withJitter(0.2)).hasToString("exponential(10s, 2.0, 5m).withJitter(0.2)");
        assertThat(Cooldown.manual().delayNanos(3, null)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void jitterDescriptionsReplaceEachOther() {
        Backoff b = Backoff.constant(Duration.ofMillis(100)).withFullJitter().withEqualJitter();
        assertThat(b).hasToString("constant(0.1s).withEqualJitter()");
        assertThat(b.withoutJitter()).isEqualTo(Backoff.constant(Duration.ofMillis(100)));
        assertThat(b.withoutJitter()).hasToString("constant(0.1s)");
    }

    @Test
    void factoriesRejectBadArgumentsNamingThem() {
        assertThatThrownBy(() -> Backoff.constant(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff wait");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofMillis(10), 0.5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiplier");
        assertThatThrownBy(() -> Backoff.exponential(Duration.ofSeconds(10), 2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backoff max");
        assertThatThrownBy(() -> Backoff.linear(Duration.ofSeconds(1), null, Duration.ofSeconds(1)))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("increment");
        assertThatThrownBy(() -> Backoff.none().withJitter(1.5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
        assertThatThrownBy(() -> Backoff.none().delayNanos(0, 0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry");
    }
}
