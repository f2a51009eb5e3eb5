package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The limiter's division by a reciprocal agrees with {@code /} on every non-negative long. */
class LocalPermitsDivisorTest {

    private static final long[] DIVISORS = {1, 2, 3, 5, 7, 10, 64, 1_000, 1_000_000_007L, 10_000_000L,
            1_000_000_000L, 86_400_000_000_000L, 315_360_000_000_000_000L, (1L << 62) - 1, 1L << 62,
            Long.MAX_VALUE - 1, Long.MAX_VALUE};

    @Test
    void dividesExactlyAtTheEdgesOfEachDivisor() {
        for (long d : DIVISORS) {
            LocalPermits.Divisor divisor = new LocalPermits.Divisor(d);
            for (long x : new long[] {0, 1, d - 1, d, d + 1, 2 * d - 1, 2 * d, Long.MAX_VALUE, Long.MAX_VALUE - 1,
                    Long.MAX_VALUE / d * d, Long.MAX_VALUE / d * d - 1}) {
                if (x >= 0) {
                    assertThat(divisor.divide(x)).as("%d / %d", x, d).isEqualTo(x / d);
                }
            }
        }
    }

    @Test
    void dividesExactlyOnRandomDividendsAndDivisors() {
        SplittableRandom random = new SplittableRandom(12);
        for (int i = 0; i < 20_000; i++) {
            // Divisors of every magnitude, dividends around multiples of them and anywhere.
            long d = Math.max(1, random.nextLong(Long.MAX_VALUE) >>> random.nextInt(63));
            LocalPermits.Divisor divisor = new LocalPermits.Divisor(d);
            for (int j = 0; j < 20; j++) {
                long x = random.nextBoolean() ? random.nextLong(Long.MAX_VALUE)
                        : Math.max(0, random.nextLong(Long.MAX_VALUE / d) * d + random.nextInt(3) - 1);
                assertThat(divisor.divide(x)).as("%d / %d", x, d).isEqualTo(x / d);
            }
        }
    }

    @Test
    void refusesADivisorBelowOne() {
        assertThatThrownBy(() -> new LocalPermits.Divisor(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("divisor must be >= 1");
    }
}
