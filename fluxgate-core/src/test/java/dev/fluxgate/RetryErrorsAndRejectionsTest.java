package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Regressions: an {@link Error} on the synchronous path skipped the retry's counters and listeners
 * (the async path counted it); and rejections were built with suppression off, so the failure that
 * opened a breaker was lost when a retry gave up on its rejection.
 */
class RetryErrorsAndRejectionsTest {

    private final TestTicker ticker = new TestTicker();

    /** An Error a task might throw (an assertion in a test double, a linkage problem). */
    private static final class Broken extends Error {
        private static final long serialVersionUID = 1L;

        Broken() {
            super("broken");
        }
    }

    private Retry retry(List<String> heard) {
        return Retry.builder("errors").maxAttempts(3).backoff(Backoff.none()).ticker(ticker)
                .sleeper(n -> ticker.advance(Duration.ofNanos(n)))
                .listener(new RetryListener() {
                    @Override
                    public void onNotRetried(Retry retry, int attempts, Throwable failure) {
                        heard.add("notRetried " + attempts + " " + failure.getClass().getSimpleName());
                    }

                    @Override
                    public void onRetry(Retry retry, int attempt, Throwable failure, Duration delay) {
                        heard.add("retry " + attempt);
                    }
                }).build();
    }

    @Test
    void aSyncErrorIsNotRetriedButCountedAndHeardLikeAnAsyncOne() throws Exception {
        List<String> syncHeard = new CopyOnWriteArrayList<>();
        Retry sync = retry(syncHeard);
        Broken first = new Broken();
        assertThatThrownBy(() -> sync.call(() -> {
            throw first;
        })).isSameAs(first);
        AtomicInteger attempts = new AtomicInteger();
        IOException flaky = new IOException("flaky");
        Broken later = new Broken();
        assertThatThrownBy(() -> sync.call(() -> {
            if (attempts.incrementAndGet() == 1) {
                throw flaky;
            }
            throw later;
        })).isSameAs(later);
        assertThat(attempts).hasValue(2);
        assertThat(later.getSuppressed()).containsExactly(flaky);
        assertThat(sync.failedCallsWithoutRetry()).isEqualTo(1);
        assertThat(sync.failedCallsWithRetry()).isEqualTo(1);
        assertThat(syncHeard).containsExactly("notRetried 1 Broken", "retry 1", "notRetried 2 Broken");

        // The same two calls, asynchronously: the same counts and events.
        List<String> asyncHeard = new CopyOnWriteArrayList<>();
        Retry async = retry(asyncHeard);
        assertThatThrownBy(() -> async.callAsync(() -> CompletableFuture.<String>failedFuture(new Broken()))
                .get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(Broken.class);
        AtomicInteger asyncAttempts = new AtomicInteger();
        assertThatThrownBy(() -> async.callAsync(() -> CompletableFuture.<String>failedFuture(
                asyncAttempts.incrementAndGet() == 1 ? new IOException("flaky") : new Broken()))
                .get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(Broken.class);
        assertThat(async.failedCallsWithoutRetry()).isEqualTo(sync.failedCallsWithoutRetry());
        assertThat(async.failedCallsWithRetry()).isEqualTo(sync.failedCallsWithRetry());
        assertThat(asyncHeard).containsExactlyElementsOf(syncHeard);
    }

    @Test
    void aRetryThatStopsAtAnOpenBreakerKeepsTheFailureThatOpenedIt() {
        CircuitBreaker cb = CircuitBreaker.builder("inventory").ticker(ticker).tripper(Tripper.failureStreak(1)).build();
        Resilience pipeline = Resilience.of(retry(new CopyOnWriteArrayList<>()), cb);
        IOException cause = new IOException("inventory down");
        assertThatThrownBy(() -> pipeline.call(() -> {
            throw cause;
        })).isInstanceOf(CallNotPermittedException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(cause));
    }

    @Test
    void aRetryExhaustedOnRejectionsKeepsEveryEarlierFailure() {
        CircuitBreaker cb = CircuitBreaker.builder("inventory").ticker(ticker).tripper(Tripper.failureStreak(1)).build();
        Retry retry = Retry.builder("inventory").maxAttempts(3).backoff(Backoff.none()).retryOnRejection(true)
                .sleeper(n -> { }).build();
        IOException cause = new IOException("inventory down");
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> Resilience.of(retry, cb)
                .call(() -> {
                    throw cause;
                }));
        assertThat(thrown).isInstanceOf(CallNotPermittedException.class);
        assertThat(thrown.getSuppressed()).hasSize(2);
        assertThat(thrown.getSuppressed()[0]).isSameAs(cause);
        assertThat(thrown.getSuppressed()[1]).isInstanceOf(CallNotPermittedException.class);
    }

    @Test
    void aRetryExhaustedOnAFullBulkheadKeepsTheEarlierFailure() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("db", 1);
        // Between the attempts someone else takes the only slot.
        Retry retry = Retry.builder("db").maxAttempts(2).backoff(Backoff.none())
                .sleeper(n -> bulkhead.acquirePermission()).build();
        IOException cause = new IOException("db down");
        assertThatThrownBy(() -> Resilience.of(retry, bulkhead).call(() -> {
            throw cause;
        })).isInstanceOf(BulkheadFullException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(cause));
        bulkhead.releasePermission();
    }

    @Test
    void aRejectionAcceptsSuppressedExceptionsAndHasNoStackTrace() {
        CallNotPermittedException rejection = new CallNotPermittedException("c", State.OPEN, Duration.ZERO);
        assertThat(rejection.getSuppressed()).isEmpty();
        assertThat(rejection.getStackTrace()).isEmpty();
        rejection.addSuppressed(new IOException("x"));
        assertThat(rejection.getSuppressed()).hasSize(1);
    }
}
