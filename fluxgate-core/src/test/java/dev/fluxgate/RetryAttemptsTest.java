package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link Retry#attempts()}: the decisions of one call, for integrations that wait their own way. */
class RetryAttemptsTest {

    private final TestTicker ticker = new TestTicker();

    private Retry.Builder retry() {
        return Retry.builder("attempts").ticker(ticker).maxAttempts(3)
                .backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1)));
    }

    @Test
    void failuresAreAnsweredWithTheBackoffThenAStopWithEarlierFailuresSuppressed() {
        List<Integer> heard = new CopyOnWriteArrayList<>();
        Retry retry = retry().listener(new RetryListener() {
            @Override
            public void onAttempt(Retry r, int attempt) {
                heard.add(attempt);
            }
        }).build();
        Retry.Attempts attempts = retry.attempts();
        IOException first = new IOException("1");
        IOException second = new IOException("2");
        IOException third = new IOException("3");

        assertThat(attempts.begin()).isEqualTo(1);
        assertThat(attempts.onFailure(first)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(attempts.begin()).isEqualTo(2);
        assertThat(attempts.onFailure(second)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(attempts.begin()).isEqualTo(3);
        assertThat(attempts.onFailure(third)).isNegative();

        assertThat(third.getSuppressed()).containsExactly(first, second);
        assertThat(heard).containsExactly(1, 2, 3);
        assertThat(retry.retries()).isEqualTo(2);
        assertThat(retry.failedCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void anAcceptedResultStopsAndCountsASuccessAndANullResultReachesThePredicate() {
        List<Object> tested = new CopyOnWriteArrayList<>();
        Retry retry = retry().retryOnResult(r -> {
            tested.add(String.valueOf(r));
            return "busy".equals(r);
        }).build();
        Retry.Attempts attempts = retry.attempts();

        attempts.begin();
        assertThat(attempts.onResult("busy")).isEqualTo(Duration.ofMillis(100).toNanos());
        attempts.begin();
        assertThat(attempts.onResult(null)).isNegative();

        assertThat(tested).containsExactly("busy", "null");
        assertThat(retry.successfulCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void maxDurationIsMeasuredOnTheRetrysTickerFromTheCallsStart() {
        Retry retry = retry().maxAttempts(10).maxDuration(Duration.ofMillis(250)).build();
        Retry.Attempts attempts = retry.attempts();

        attempts.begin();
        assertThat(attempts.onFailure(new IOException("1"))).isEqualTo(Duration.ofMillis(100).toNanos());
        ticker.advance(Duration.ofMillis(100));
        attempts.begin();
        // The next attempt would start 300 ms after the first: past the 250 ms allowed.
        assertThat(attempts.onFailure(new IOException("2"))).isNegative();
    }

    @Test
    void onFailureRejectsNull() {
        assertThatThrownBy(() -> retry().build().attempts().onFailure(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("error");
    }

    @Test
    void recordTimeoutCountsInTimeouts() {
        Timeout timeout = Timeout.of(Duration.ofSeconds(1));

        timeout.recordTimeout();

        assertThat(timeout.timeouts()).isEqualTo(1);
    }
}
