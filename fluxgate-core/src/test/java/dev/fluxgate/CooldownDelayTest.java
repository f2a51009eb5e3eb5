package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Cooldown#withDelayFrom}: the breaker stays open as long as the failure that tripped it asked. */
class CooldownDelayTest {

    private static final Duration COOLDOWN = Duration.ofSeconds(60);

    /** A failure that says how long to wait; null: it asks nothing. */
    static final class Throttled extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Duration wait;

        Throttled(Duration wait) {
            super("throttled " + wait);
            this.wait = wait;
        }
    }

    private static final RetryDelay THROTTLED = RetryDelay.onFailure(Throttled.class, e -> Optional.ofNullable(e.wait));

    private final TestTicker ticker = new TestTicker();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();

    private CircuitBreaker.Builder breaker() {
        return CircuitBreaker.builder("delay").ticker(ticker).window(Window.count(10)).permit(Permit.all())
                .tripper(Tripper.failureStreak(1))
                .cooldown(Cooldown.fixed(COOLDOWN).withDelayFrom(THROTTLED, Duration.ofMinutes(5)))
                .listener(transitions::add);
    }

    private static void fail(CircuitBreaker cb, Exception e) {
        assertThatThrownBy(() -> cb.call(() -> {
            throw e;
        })).isSameAs(e);
    }

    private static Optional<Duration> retryAfter(CircuitBreaker cb) {
        return ((CallNotPermittedException) catchThrowable(() -> cb.run(() -> { }))).retryAfter();
    }

    @Test
    void opensForTheDelayTheTrippingFailureAsksFor() {
        CircuitBreaker cb = breaker().build();

        fail(cb, new Throttled(Duration.ofSeconds(7)));

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(retryAfter(cb)).contains(Duration.ofSeconds(7));
        ticker.advance(Duration.ofMillis(6_999));
        assertThat(retryAfter(cb)).contains(Duration.ofMillis(1));
        ticker.advance(Duration.ofMillis(1));
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertThat(transitions.get(0).reason()).contains("open 7s as the failure asked (onFailure(Throttled))");
        assertThat(transitions.get(1).reason()).contains("cooldown 7s elapsed");
    }

    @Test
    void aFailureThatAsksForNothingLeavesTheCooldownInCharge() {
        CircuitBreaker cb = breaker().build();

        fail(cb, new IOException("plain"));

        assertThat(retryAfter(cb)).contains(COOLDOWN);
        assertThat(transitions.get(0).reason()).doesNotContain("asked");
    }

    @Test
    void aLongerDelayIsClampedToTheCap() {
        CircuitBreaker cb = breaker().build();

        fail(cb, new Throttled(Duration.ofHours(1)));

        assertThat(retryAfter(cb)).as("clamped to 5 min, not a give-up: the breaker must wait something")
                .contains(Duration.ofMinutes(5));
        cb = breaker().build();
        fail(cb, new Throttled(RetryDelay.FOREVER));
        assertThat(retryAfter(cb)).contains(Duration.ofMinutes(5));
    }

    @Test
    void aShorterDelayThanTheCooldownIsHonouredToo() {
        CircuitBreaker cb = breaker().build();

        fail(cb, new Throttled(Duration.ZERO));

        assertThat(cb.state()).as("asked for no wait: probing at once").isEqualTo(State.HALF_OPEN);
    }

    @Test
    void theLastFailureBeforeTheTripDecides() {
        CircuitBreaker asksLast = breaker().tripper(Tripper.failureStreak(2)).build();
        fail(asksLast, new IOException("plain"));
        fail(asksLast, new Throttled(Duration.ofSeconds(7)));
        assertThat(retryAfter(asksLast)).contains(Duration.ofSeconds(7));

        CircuitBreaker asksFirst = breaker().tripper(Tripper.failureStreak(2)).build();
        fail(asksFirst, new Throttled(Duration.ofSeconds(7)));
        fail(asksFirst, new IOException("plain"));
        assertThat(retryAfter(asksFirst)).as("the later failure asked nothing").contains(COOLDOWN);
    }

    @Test
    void aTripOnASuccessUsesTheLastFailureRecordedBeforeIt() throws Exception {
        CircuitBreaker cb = breaker().tripper(Tripper.minRequests(3).and(Tripper.failureRate(0.5))).build();
        fail(cb, new Throttled(Duration.ofSeconds(3)));
        fail(cb, new Throttled(Duration.ofSeconds(9)));
        assertThat(cb.state()).isEqualTo(State.CLOSED);

        cb.call(() -> "ok"); // the third call: 2 of 3 failed

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(retryAfter(cb)).contains(Duration.ofSeconds(9));
    }

    @Test
    void aDelayAskedInAnEarlierWindowDoesNotOutliveIt() throws Exception {
        // A slow success trips this breaker; the only failure that asked was in the window before reset().
        CircuitBreaker cb = breaker().tripper(Tripper.slowRate(1.0, Duration.ofSeconds(1))).build();
        fail(cb, new Throttled(Duration.ofSeconds(7)));
        assertThat(cb.state()).isEqualTo(State.CLOSED); // the failure was fast: slow rate 0
        cb.reset();

        cb.call(() -> {
            ticker.advance(Duration.ofSeconds(2));
            return "slow";
        });

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(retryAfter(cb)).contains(COOLDOWN);
    }

    @Test
    void aFailedProbeReopensForItsOwnDelayAndAnotherFallsBackToTheGrowingCooldown() {
        CircuitBreaker cb = breaker().cooldown(Cooldown.exponential(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(10))
                .withDelayFrom(THROTTLED, Duration.ofMinutes(5))).build();
        fail(cb, new IOException("plain"));
        assertThat(retryAfter(cb)).contains(Duration.ofSeconds(10));
        ticker.advance(Duration.ofSeconds(10));

        fail(cb, new Throttled(Duration.ofSeconds(3))); // the probe
        assertThat(retryAfter(cb)).contains(Duration.ofSeconds(3));
        ticker.advance(Duration.ofSeconds(3));

        fail(cb, new IOException("plain probe")); // the second reopen: 10 s * 2^2
        assertThat(retryAfter(cb)).contains(Duration.ofSeconds(40));
    }

    @Test
    void aResultCountedAsAFailureAsksThroughItsResponse() {
        InstantSource clock = InstantSource.fixed(Instant.parse("2025-03-04T10:00:00Z"));
        CircuitBreaker cb = breaker()
                .failureOnResult(r -> r instanceof java.net.http.HttpResponse<?> h && RetryAfter.asksToWait(h.statusCode()))
                .cooldown(Cooldown.fixed(COOLDOWN).withDelayFrom(RetryAfter.httpResponse(clock), Duration.ofMinutes(5)))
                .build();

        FakeHttpResponse answer = cb.get(() -> FakeHttpResponse.of(503, "Tue, 04 Mar 2025 10:02:00 GMT"));

        assertThat(answer.statusCode()).as("the caller still gets the response").isEqualTo(503);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(retryAfter(cb)).contains(Duration.ofMinutes(2));
    }

    @Test
    void callAsyncFailuresAskToo() {
        CircuitBreaker cb = breaker().build();

        CompletableFuture<String> f = cb.callAsync(() -> CompletableFuture.failedFuture(new Throttled(Duration.ofSeconds(11))));

        assertThat(f).isCompletedExceptionally();
        assertThat(retryAfter(cb)).contains(Duration.ofSeconds(11));
    }

    @Test
    void theFunctionRunsForFailuresOnlyNeverForSuccesses() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        CircuitBreaker cb = breaker().tripper(Tripper.failureStreak(3))
                .cooldown(Cooldown.fixed(COOLDOWN).withDelayFrom((result, failure) -> {
                    asked.incrementAndGet();
                    return Optional.empty();
                }, Duration.ofMinutes(1))).build();

        for (int i = 0; i < 100; i++) {
            cb.call(() -> "ok");
        }
        assertThat(asked).hasValue(0);
        fail(cb, new IOException("one"));
        assertThat(asked).hasValue(1);
    }

    @Test
    void aRetryHonouringTheBreakerWaitsTheAskedOpenPeriod() throws Exception {
        CircuitBreaker cb = breaker().build();
        fail(cb, new Throttled(Duration.ofSeconds(12)));
        List<Long> slept = new CopyOnWriteArrayList<>();
        Retry retry = Retry.builder("r").maxAttempts(2).ticker(ticker).waitForRetryAfter(true)
                .backoff(Backoff.constant(Duration.ofMillis(100))).sleeper(n -> {
                    slept.add(n);
                    ticker.advance(Duration.ofNanos(n));
                }).build();

        assertThat(retry.call(() -> cb.call(() -> "recovered"))).isEqualTo("recovered");

        assertThat(slept).containsExactly(Duration.ofSeconds(12).toNanos());
    }

    // ---- the value ----

    @Test
    void withDelayFromRejectsBadInputAndAManualCooldown() {
        Cooldown fixed = Cooldown.fixed(COOLDOWN);
        assertThatThrownBy(() -> fixed.withDelayFrom(null, Duration.ofMinutes(1))).isInstanceOf(NullPointerException.class)
                .hasMessage("delay");
        assertThatThrownBy(() -> fixed.withDelayFrom(THROTTLED, null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> fixed.withDelayFrom(THROTTLED, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cooldown max delay");
        assertThatThrownBy(() -> fixed.withDelayFrom(THROTTLED, RetryDelay.FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cooldown max delay");
        assertThatThrownBy(() -> Cooldown.manual().withDelayFrom(THROTTLED, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("manual()");
    }

    @Test
    void describesItselfAndKeepsTheDelayThroughWithJitter() {
        Cooldown c = Cooldown.fixed(COOLDOWN).withDelayFrom(RetryAfter.httpResponse(), Duration.ofMinutes(5)).withJitter(0.2);
        assertThat(c).hasToString("fixed(1m).withJitter(0.2).withDelayFrom(RetryAfter.httpResponse(), 5m)");
        assertThat(c.delayFrom()).isSameAs(RetryAfter.httpResponse());
        assertThat(c.withJitter(0)).hasToString("fixed(1m).withDelayFrom(RetryAfter.httpResponse(), 5m)");
        assertThat(c.withDelayFrom(THROTTLED, Duration.ofSeconds(30)))
                .hasToString("fixed(1m).withJitter(0.2).withDelayFrom(onFailure(Throttled), 30s)");
        assertThat(c).isEqualTo(Cooldown.fixed(COOLDOWN).withJitter(0.2).withDelayFrom(RetryAfter.httpResponse(), Duration.ofMinutes(5)))
                .hasSameHashCodeAs(Cooldown.fixed(COOLDOWN).withJitter(0.2).withDelayFrom(RetryAfter.httpResponse(), Duration.ofMinutes(5)))
                .isNotEqualTo(Cooldown.fixed(COOLDOWN).withJitter(0.2))
                .isNotEqualTo(Cooldown.fixed(COOLDOWN).withJitter(0.2).withDelayFrom(RetryAfter.httpResponse(), Duration.ofMinutes(4)));
    }
}
