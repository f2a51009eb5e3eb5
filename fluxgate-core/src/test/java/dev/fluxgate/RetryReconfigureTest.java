package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Live reconfiguration of a retry: running calls keep their rules, new calls take the new ones, counters and budget stay. */
class RetryReconfigureTest {

    private final TestTicker ticker = new TestTicker();
    private final Retry.Sleeper sleeper = nanos -> ticker.advance(Duration.ofNanos(nanos));

    private Retry.Builder rules(int attempts) {
        return Retry.builder("r").maxAttempts(attempts).backoff(Backoff.constant(Duration.ofMillis(10)))
                .ticker(ticker).sleeper(sleeper);
    }

    @Test
    void aCallRunningAcrossTheChangeFinishesUnderItsOldRulesAndTheNextCallUsesTheNewOnes() throws Exception {
        Retry retry = rules(3).build();
        CountDownLatch inFirstAttempt = new CountDownLatch(1);
        CountDownLatch reconfigured = new CountDownLatch(1);
        AtomicInteger attempts = new AtomicInteger();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> running = pool.submit(() -> retry.call(() -> {
                if (attempts.incrementAndGet() == 1) {
                    inFirstAttempt.countDown();
                    assertThat(reconfigured.await(30, TimeUnit.SECONDS)).isTrue();
                }
                throw new IOException("down");
            }));
            assertThat(inFirstAttempt.await(30, TimeUnit.SECONDS)).isTrue();
            Reconfiguration r = retry.reconfigure(rules(1));
            reconfigured.countDown();
            assertThatThrownBy(() -> running.get(30, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
            assertThat(r.changed()).containsExactly("maxAttempts");
            assertThat(attempts.get()).as("the running call kept maxAttempts 3").isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(retry.maxAttempts()).isEqualTo(1);
        attempts.set(0);
        assertThatThrownBy(() -> retry.call(() -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        assertThat(attempts.get()).as("a new call follows maxAttempts 1").isEqualTo(1);
        assertThat(retry.retries()).as("counters kept").isEqualTo(2);
        assertThat(retry.failedCallsWithRetry()).isEqualTo(1);
        assertThat(retry.failedCallsWithoutRetry()).isEqualTo(1);
    }

    @Test
    void theLowLevelAttemptsKeepTheRulesTheyStartedWith() {
        Retry retry = rules(2).build();
        Retry.Attempts call = retry.attempts();
        call.begin();
        retry.reconfigure(rules(5));
        assertThat(call.onFailure(new IOException("1"))).isPositive();
        call.begin();
        assertThat(call.onFailure(new IOException("2"))).as("stops after its own 2 attempts").isNegative();
        Retry.Attempts next = retry.attempts();
        for (int i = 1; i < 5; i++) {
            next.begin();
            assertThat(next.onFailure(new IOException("n"))).isPositive();
        }
    }

    @Test
    void theBudgetIsKeptAndABadConfigurationChangesNothing() {
        RetryBudget budget = RetryBudget.of(0.1, 1);
        Retry retry = rules(3).budget(budget).build();
        retry.reconfigure(rules(4));
        assertThat(retry.budget()).containsSame(budget);
        assertThatThrownBy(() -> retry.reconfigure(rules(Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> retry.reconfigure(Retry.builder("r").maxAttempts(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ticker");
        assertThat(retry.maxAttempts()).isEqualTo(4);
    }

    @Test
    void theRegistryReconfiguresARetryByName() {
        Registry<Retry, Retry.Builder> registry = Registry.ofRetries(rules(3));
        Retry retry = registry.get("a");
        assertThat(registry.reconfigure("a", b -> b.maxAttempts(7))).isPresent();
        assertThat(registry.get("a")).isSameAs(retry);
        assertThat(retry.maxAttempts()).isEqualTo(7);
    }
}
