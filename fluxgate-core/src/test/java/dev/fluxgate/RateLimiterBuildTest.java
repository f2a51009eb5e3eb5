package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Bad configuration is rejected at build(), naming the parameter and its range, in whatever order it was set. */
class RateLimiterBuildTest {

    private static void rejects(Consumer<RateLimiter.Builder> config, String message) {
        RateLimiter.Builder b = RateLimiter.builder("bad");
        config.accept(b); // setters take anything: the check is at build()
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void rejectsABadRateNamingItsRange() {
        rejects(b -> b.rate(0, Duration.ofSeconds(1)), "permits must be >= 1, was 0");
        rejects(b -> b.rate(-3, Duration.ofSeconds(1)), "permits must be >= 1, was -3");
        rejects(b -> b.rate(1, Duration.ZERO), "period must be positive and at most 3650 days, was PT0S");
        rejects(b -> b.rate(1, Duration.ofMillis(-1)), "period must be positive and at most 3650 days, was PT-0.001S");
        rejects(b -> b.rate(1, Duration.ofDays(3651)), "period must be positive and at most 3650 days, was PT87624H");
        rejects(b -> b.rate(2, Duration.ofNanos(1)), "rate must be at most one permit per nanosecond, was 2 per 1ns");
    }

    @Test
    void rejectsARateTooFineToCountExactly() {
        // a prime number of permits over ten years: permits x period in nanoseconds overflows a long
        rejects(b -> b.rate(999_999_937, Duration.ofDays(3650)),
                "rate 999999937 per 87600h is too fine to count exactly: permits x period in nanoseconds"
                        + " (in lowest terms) must be at most 9223372036854775807");
    }

    @Test
    void rejectsABadBurst() {
        rejects(b -> b.burst(0), "burst must be >= 1, was 0");
        rejects(b -> b.burst(-2), "burst must be >= 1, was -2");
        rejects(b -> b.rate(1, Duration.ofDays(1)).burst(Integer.MAX_VALUE),
                "burst must refill within 3650 days at 1 per 24h, was 2147483647");
    }

    @Test
    void rejectsABadMaximumWait() {
        rejects(b -> b.maxWait(Duration.ofMillis(-1)),
                "maxWait must be zero or positive and at most 3650 days, was PT-0.001S");
        rejects(b -> b.maxWait(Duration.ofDays(3651)),
                "maxWait must be zero or positive and at most 3650 days, was PT87624H");
    }

    @Test
    void theLastSettingWinsSoALaterFixMakesItValid() {
        RateLimiter rl = RateLimiter.builder("fixed").burst(0).rate(0, Duration.ZERO)
                .rate(5, Duration.ofSeconds(1)).burst(2).build();
        assertThat(rl.limit().burst()).isEqualTo(2);
    }

    @Test
    void nullsAndBadNamesAreRejectedAtOnceNamingTheParameter() {
        assertThatThrownBy(() -> RateLimiter.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> RateLimiter.builder(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name must not be blank");
        RateLimiter.Builder b = RateLimiter.builder("n");
        assertThatThrownBy(() -> b.rate(1, null)).isInstanceOf(NullPointerException.class).hasMessage("period");
        assertThatThrownBy(() -> b.maxWait(null)).isInstanceOf(NullPointerException.class).hasMessage("maxWait");
        assertThatThrownBy(() -> b.shape(null)).isInstanceOf(NullPointerException.class).hasMessage("shape");
        assertThatThrownBy(() -> b.ticker(null)).isInstanceOf(NullPointerException.class).hasMessage("ticker");
        assertThatThrownBy(() -> b.sleeper(null)).isInstanceOf(NullPointerException.class).hasMessage("sleeper");
        assertThatThrownBy(() -> b.scheduler(null)).isInstanceOf(NullPointerException.class).hasMessage("scheduler");
        assertThatThrownBy(() -> b.store(null)).isInstanceOf(NullPointerException.class).hasMessage("factory");
        assertThatThrownBy(() -> b.listener(null)).isInstanceOf(NullPointerException.class).hasMessage("listener");
        assertThatThrownBy(() -> RateLimiter.perKey(null)).isInstanceOf(NullPointerException.class).hasMessage("limit");
    }

    @Test
    void perKeyRejectsABadCapIdleTimeOrStore() {
        RateLimiter.Builder limit = RateLimiter.builder("keys");
        assertThatThrownBy(() -> RateLimiter.perKey(limit).maxKeys(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxKeys must be >= 1, was 0");
        assertThatThrownBy(() -> RateLimiter.perKey(limit).evictAfterIdle(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("evictAfterIdle must be zero or positive and at most 3650 days, was PT-1S");
        assertThatThrownBy(() -> RateLimiter.perKey(RateLimiter.builder("bad").burst(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("burst must be >= 1, was -1");
        assertThatThrownBy(() -> RateLimiter.perKey(RateLimiter.builder("remote").store(l -> null)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("store: a per-key limit is kept in this process");
    }

    @Test
    void theRegistryRejectsImpossibleDefaultsAtOnce() {
        assertThatThrownBy(() -> Registry.ofRateLimiters(RateLimiter.builder("d").rate(0, Duration.ofSeconds(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("permits must be >= 1, was 0");
        assertThat(Registry.ofRateLimiters().get("x").limit().permits()).isEqualTo(100);
    }
}
