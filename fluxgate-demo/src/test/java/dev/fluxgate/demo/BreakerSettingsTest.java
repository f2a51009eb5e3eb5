package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.State;
import dev.fluxgate.Window;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The demo breaker closes when its probes' failure rate is under the same threshold it opens at.
 * Regression: it needed every probe to succeed, so at 25% failures (the partial recovery) only one
 * half-open period in four closed it, and the protected callers' success rate there fell to 4% (72%
 * without the breaker) on the default run.
 */
class BreakerSettingsTest {

    private static BreakerSettings settings(double failureRate, int probes) {
        return new BreakerSettings(Window.count(20), 10, failureRate, Duration.ofSeconds(1), probes);
    }

    @Test
    void theSuccessesThatCloseItAreTheFewestThatKeepTheProbesUnderTheThreshold() {
        assertThat(settings(0.5, 5).successesToClose()).isEqualTo(3);
        assertThat(settings(0.3, 5).successesToClose()).isEqualTo(4);
        assertThat(settings(0.5, 1).successesToClose()).isEqualTo(1);
        assertThat(settings(1.0, 5).successesToClose()).isEqualTo(1);
        assertThat(settings(0.5, 5).describe().get("half-open")).contains("3 successes close it");
    }

    /** A demo breaker (threshold 50%, 5 probes) opened by failures and then past its cooldown, on fake time. */
    private static CircuitBreaker halfOpenBreaker() {
        AtomicLong nanos = new AtomicLong();
        CircuitBreaker breaker = settings(0.5, 5).builder("demo").ticker(nanos::get).build();
        for (int i = 0; i < 10; i++) {
            breaker.recordError(breaker.tryAcquirePermission(), 0, new IOException("down"));
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        nanos.addAndGet(Duration.ofSeconds(2).toNanos()); // past the 1 s cooldown and its 20% jitter
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        return breaker;
    }

    @Test
    void aHalfOpenPeriodWithOneFailedProbeOfFiveStillClosesTheBreaker() {
        CircuitBreaker breaker = halfOpenBreaker();
        breaker.recordError(breaker.tryAcquirePermission(), 0, new IOException("one probe fails"));
        for (int i = 0; i < 3; i++) {
            breaker.recordSuccess(breaker.tryAcquirePermission(), 0);
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aHalfOpenPeriodWithThreeFailedProbesOfFiveReopensIt() {
        CircuitBreaker breaker = halfOpenBreaker();
        for (int i = 0; i < 3; i++) {
            breaker.recordError(breaker.tryAcquirePermission(), 0, new IOException("probe " + i));
        }
        breaker.recordSuccess(breaker.tryAcquirePermission(), 0);
        breaker.recordSuccess(breaker.tryAcquirePermission(), 0);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
    }
}
