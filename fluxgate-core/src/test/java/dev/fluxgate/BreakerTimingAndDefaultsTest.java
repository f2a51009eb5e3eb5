package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * Durations a breaker measures on the paths the other tests do not time (a supplier, a failing
 * supplier, an async supplier that throws at once), the defaults it derives, and the cause its
 * tracker sees for an asynchronous failure.
 */
class BreakerTimingAndDefaultsTest {

    private final TestTicker ticker = new TestTicker();

    private CircuitBreaker timed() {
        return CircuitBreaker.builder("timed").ticker(ticker).window(Window.count(10))
                .slowCallThreshold(Duration.ofSeconds(1)).tripper(Tripper.failureStreak(10)).build();
    }

    @Test
    void aSuppliersCallIsTimedOnTheTicker() {
        CircuitBreaker cb = timed();
        cb.get(() -> {
            ticker.advance(Duration.ofMillis(250));
            return "ok";
        });
        assertThat(cb.metrics().averageDuration()).contains(Duration.ofMillis(250));
    }

    @Test
    void aFailingSuppliersCallIsTimedOnTheTicker() {
        CircuitBreaker cb = timed();
        assertThatThrownBy(() -> cb.get(() -> {
            ticker.advance(Duration.ofMillis(1500));
            throw new IllegalStateException("down");
        })).hasMessage("down");
        assertThat(cb.metrics().averageDuration()).contains(Duration.ofMillis(1500));
        assertThat(cb.metrics().slowCalls(Duration.ofSeconds(1))).isEqualTo(1);
    }

    @Test
    void anAsyncSupplierThatThrowsAtOnceIsTimedUntilItThrew() {
        CircuitBreaker cb = timed();
        CompletableFuture<String> f = cb.callAsync(() -> {
            ticker.advance(Duration.ofMillis(300));
            throw new IllegalStateException("could not start");
        });
        assertThat(f).isCompletedExceptionally();
        assertThat(cb.metrics().averageDuration()).contains(Duration.ofMillis(300));
        assertThat(cb.metrics().failures()).isEqualTo(1);
    }

    @Test
    void theHalfOpenTimeoutDefaultsToTheCooldownOrAMinuteWhenThereIsNone() {
        assertThat(CircuitBreaker.builder("fixed").cooldown(Cooldown.fixed(Duration.ofSeconds(10))).build()
                .configuration()).containsEntry("halfOpenTimeout", "PT10S");
        assertThat(CircuitBreaker.builder("none").cooldown(Cooldown.none()).build().configuration())
                .containsEntry("halfOpenTimeout", "PT1M");
        assertThat(CircuitBreaker.builder("manual").cooldown(Cooldown.manual()).build().configuration())
                .containsEntry("halfOpenTimeout", "PT1M");
        assertThat(CircuitBreaker.builder("given").halfOpenTimeout(Duration.ofSeconds(3)).build().configuration())
                .containsEntry("halfOpenTimeout", "PT3S");
    }

    @Test
    void theConfigurationSaysWhetherResultsAreClassified() {
        assertThat(CircuitBreaker.ofDefaults("plain").configuration()).containsEntry("failureOnResult", "none");
        assertThat(CircuitBreaker.builder("results").failureOnResult(r -> r == null).build().configuration())
                .containsEntry("failureOnResult", "a predicate");
    }

    @Test
    void theTrackerSeesTheCauseOfAnAsyncFailureThroughEveryWrapper() {
        CircuitBreaker cb = CircuitBreaker.builder("async").ticker(ticker).tracker(Tracker.typeOf(IOException.class))
                .tripper(Tripper.failureStreak(1)).build();

        cb.callAsync(() -> CompletableFuture.failedFuture(new CompletionException(new IllegalStateException("ignored"))));
        cb.callAsync(() -> CompletableFuture.failedFuture(new CompletionException("no cause", null)));
        assertThat(cb.state()).as("neither is an IOException").isEqualTo(State.CLOSED);

        cb.callAsync(() -> CompletableFuture.failedFuture(new ExecutionException(new IOException("down"))));
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }
}
