package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Regression: a {@link RetryListener} that threw an {@link Error} escaped the retry (the listeners were
 * guarded against RuntimeExceptions only): a sync call failed with the listener's error instead of
 * retrying, and an async call's future failed with it after one attempt. RetryListener promises that a
 * listener that throws is ignored and does not disturb the call.
 */
class RetryListenerErrorTest {

    private static Retry retryWithBrokenListener() {
        return Retry.builder("broken-listener").maxAttempts(3).backoff(Backoff.none())
                .listener(new RetryListener() {
                    @Override
                    public void onAttempt(Retry retry, int attempt) {
                        throw new AssertionError("listener broke on attempt " + attempt);
                    }

                    @Override
                    public void onRetry(Retry retry, int attempt, Throwable failure, Duration delay) {
                        throw new AssertionError("listener broke on retry");
                    }
                }).build();
    }

    @Test
    void aListenerThrowingAnErrorDoesNotStopSyncRetries() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        String result = retryWithBrokenListener().call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aListenerThrowingAnErrorDoesNotFailAsyncRetries() {
        AtomicInteger attempts = new AtomicInteger();
        CompletableFuture<String> f = retryWithBrokenListener().callAsync(() -> attempts.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IOException("flaky"))
                : CompletableFuture.completedFuture("ok"));
        assertThat(f.join()).isEqualTo("ok");
        assertThat(attempts).hasValue(3);
    }
}
