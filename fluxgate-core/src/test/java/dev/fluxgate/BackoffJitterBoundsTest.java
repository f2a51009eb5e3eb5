package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Bounds of every delay the library computes, over many retries and reopens, with the random source
 * at its extremes (0 and just below 1) and seeded in between: growth is monotone and capped, jitter
 * stays inside its documented interval, nothing is negative and nothing overflows.
 */
class BackoffJitterBoundsTest {

    /** Always draws {@code value}. */
    private static RandomGenerator constant(double value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    private static List<RandomGenerator> sources(long seed) {
        return List.of(constant(0.0), constant(Math.nextDown(1.0)), constant(0.5), new Random(seed));
    }

    private static long seed() {
        Long fixed = Long.getLong("fluxgate.seed");
        return fixed != null ? fixed : System.nanoTime();
    }

    @Test
    void cooldownWaitsGrowMonotonicallyToTheirCapAndJitterStaysWithinTheRatio() {
        long seed = seed();
        long initial = Duration.ofMillis(250).toNanos();
        long max = Duration.ofSeconds(30).toNanos();
        Cooldown plain = Cooldown.exponential(Duration.ofNanos(initial), 1.7, Duration.ofNanos(max));
        long previous = 0;
        for (int reopens = 0; reopens < 200; reopens++) {
            long w = plain.delayNanos(reopens, Delays.NO_RANDOM);
            double expected = Math.min(initial * Math.pow(1.7, reopens), (double) max);
            assertThat((double) w).as("reopens " + reopens).isCloseTo(expected, org.assertj.core.data.Offset.offset(2.0));
            assertThat(w).isGreaterThanOrEqualTo(previous).isLessThanOrEqualTo(max);
            previous = w;
        }
        for (double ratio : new double[] {0.0, 0.1, 0.5, 1.0}) {
            Cooldown jittered = plain.withJitter(ratio);
            for (RandomGenerator r : sources(seed)) {
                for (int reopens = 0; reopens < 40; reopens++) {
                    double base = plain.delayNanos(reopens, Delays.NO_RANDOM);
                    long w = jittered.delayNanos(reopens, r);
                    assertThat(w).as("seed " + seed + ", ratio " + ratio + ", reopens " + reopens)
                            .isBetween((long) Math.floor(base * (1 - ratio)), (long) Math.ceil(base * (1 + ratio)))
                            .isNotNegative();
                }
            }
        }
    }

    @Test
    void fixedNoneAndManualCooldownsAreExact() {
        assertThat(Cooldown.fixed(Duration.ofSeconds(3)).delayNanos(17, Delays.NO_RANDOM))
                .isEqualTo(Duration.ofSeconds(3).toNanos());
        assertThat(Cooldown.none().delayNanos(5, Delays.NO_RANDOM)).isZero();
        assertThat(Cooldown.manual().delayNanos(0, Delays.NO_RANDOM)).isEqualTo(Long.MAX_VALUE);
        // Huge waits saturate rather than overflow.
        Cooldown huge = Cooldown.exponential(Duration.ofDays(1000), 1000.0, Duration.ofDays(100_000));
        assertThat(huge.delayNanos(Integer.MAX_VALUE, Delays.NO_RANDOM)).isEqualTo(Duration.ofDays(100_000).toNanos());
    }

    @Test
    void backoffGrowthIsMonotoneAndCappedForEveryShape() {
        Duration initial = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(5);
        List<Backoff> shapes = List.of(Backoff.constant(initial), Backoff.linear(initial, Duration.ofMillis(70), max),
                Backoff.exponential(initial, 2.0, max));
        for (Backoff b : shapes) {
            long previous = 0;
            for (int retry = 1; retry < 300; retry++) {
                long w = b.delayNanos(retry, 0, Delays.NO_RANDOM);
                assertThat(w).as(b + " retry " + retry).isGreaterThanOrEqualTo(previous)
                        .isLessThanOrEqualTo(max.toNanos()).isGreaterThanOrEqualTo(initial.toNanos());
                assertThat(b.delay(retry)).isEqualTo(Duration.ofNanos(w));
                previous = w;
            }
        }
        assertThat(Backoff.exponential(initial, 2.0, max).delayNanos(Integer.MAX_VALUE, 0, Delays.NO_RANDOM))
                .isEqualTo(max.toNanos());
    }

    @Test
    void backoffJitterStaysInsideItsDocumentedInterval() {
        long seed = seed();
        Duration initial = Duration.ofMillis(100);
        Duration max = Duration.ofSeconds(5);
        Backoff exp = Backoff.exponential(initial, 2.0, max);
        for (RandomGenerator r : sources(seed)) {
            for (int retry = 1; retry < 60; retry++) {
                long wait = exp.delayNanos(retry, 0, Delays.NO_RANDOM);
                String at = "seed " + seed + ", retry " + retry;
                assertThat(exp.withFullJitter().delayNanos(retry, 0, r)).as("full: " + at)
                        .isBetween(0L, wait);
                assertThat(exp.withEqualJitter().delayNanos(retry, 0, r)).as("equal: " + at)
                        .isBetween(wait / 2, wait);
                assertThat(exp.withJitter(0.25).delayNanos(retry, 0, r)).as("proportional: " + at)
                        .isBetween((long) Math.floor(wait * 0.75), (long) Math.ceil(wait * 1.25));
            }
            long previous = 0;
            Backoff decorrelated = exp.withDecorrelatedJitter();
            for (int retry = 1; retry < 60; retry++) {
                long w = decorrelated.delayNanos(retry, previous, r);
                long upper = Math.min(max.toNanos(), Math.max(initial.toNanos(), 3 * previous));
                assertThat(w).as("decorrelated: seed " + seed + ", retry " + retry + " after " + previous)
                        .isBetween(Math.min(initial.toNanos(), max.toNanos()), upper);
                previous = w;
            }
        }
    }

    @Test
    void fullJitterSpreadsOverTheWholeInterval() {
        long seed = seed();
        Random r = new Random(seed);
        Backoff b = Backoff.constant(Duration.ofSeconds(1)).withFullJitter();
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            long w = b.delayNanos(1, 0, r);
            min = Math.min(min, w);
            max = Math.max(max, w);
        }
        // 2000 uniform draws: both ends of [0, 1 s) are reached within 1% (failure odds ~ 2e-9).
        assertThat(min).as("seed " + seed).isLessThan(Duration.ofMillis(10).toNanos());
        assertThat(max).as("seed " + seed).isGreaterThan(Duration.ofMillis(990).toNanos());
    }
}
