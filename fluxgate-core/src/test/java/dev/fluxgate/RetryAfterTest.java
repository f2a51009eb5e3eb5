package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Regression: when forced open, {@code retryAfter()} was {@code ChronoUnit.FOREVER}'s duration, and
 * {@code retryAfter().toMillis()} in a fallback threw {@code ArithmeticException: long overflow}. Now
 * "no automatic recovery" is an empty {@code Optional}, and a present value always converts.
 */
class RetryAfterTest {

    private final TestTicker ticker = new TestTicker();

    private CircuitBreaker.Builder builder() {
        return CircuitBreaker.builder("retry-after").ticker(ticker).tripper(Tripper.failureStreak(1))
                .window(Window.count(5));
    }

    /** What a typical fallback does with the hint: milliseconds for a Retry-After header, -1 for none. */
    private static long fallbackMillis(CircuitBreaker cb) {
        return cb.get(() -> -2L, e -> e instanceof CallNotPermittedException rejected
                ? rejected.retryAfter().map(Duration::toMillis).orElse(-1L)
                : -3L);
    }

    @Test
    void forcedOpenHasNoRetryAfterAndAFallbackUsingItDoesNotOverflow() {
        CircuitBreaker cb = builder().build();
        cb.forceOpen();
        assertThat(fallbackMillis(cb)).isEqualTo(-1L);
        CallNotPermittedException e = (CallNotPermittedException) catchThrowable(() -> cb.run(() -> { }));
        assertThat(e.retryAfter()).isEmpty();
        assertThat(e.getMessage()).contains("FORCED_OPEN", "until reset manually");
    }

    @Test
    void aManualCooldownHasNoRetryAfter() {
        CircuitBreaker cb = builder().cooldown(Cooldown.manual()).build();
        WindowTest.fail(cb);
        ticker.advance(Duration.ofDays(10_000));
        assertThat(fallbackMillis(cb)).isEqualTo(-1L);
    }

    @Test
    void aVeryLongCooldownStillConvertsToMillis() {
        Duration twoCenturies = Duration.ofDays(365L * 200);
        CircuitBreaker cb = builder().cooldown(Cooldown.fixed(twoCenturies)).build();
        WindowTest.fail(cb);
        assertThat(fallbackMillis(cb)).isEqualTo(twoCenturies.toMillis());
    }

    @Test
    void openAndHalfOpenRejectionsCarryTheirWait() {
        CircuitBreaker cb = builder().cooldown(Cooldown.fixed(Duration.ofSeconds(10))).permit(Permit.all())
                .maxHalfOpenCalls(1).build();
        WindowTest.fail(cb);
        ticker.advance(Duration.ofSeconds(4));
        assertThat(fallbackMillis(cb)).isEqualTo(6_000L);
        ticker.advance(Duration.ofSeconds(6));
        long probe = cb.acquirePermission();
        CallNotPermittedException e = (CallNotPermittedException) catchThrowable(() -> cb.run(() -> { }));
        assertThat(e.state()).isEqualTo(State.HALF_OPEN);
        assertThat(e.retryAfter()).contains(Duration.ZERO);
        cb.releasePermission(probe);
    }
}
