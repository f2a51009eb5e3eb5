package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * What a retry counts, waits and tells its listeners on the paths the main retry tests do not walk:
 * retried results, a first-attempt success, an interrupted wait, a retry due exactly at the deadline,
 * a scheduler that refuses, the defaults. Written from pitest's surviving mutants (RELIABILITY.md).
 */
class RetryAccountingTest {

    private final TestTicker ticker = new TestTicker();
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    private final Retry.Sleeper sleeper = nanos -> {
        sleeps.add(nanos);
        ticker.advance(Duration.ofNanos(nanos));
    };
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final RetryListener recorder = new RetryListener() {
        @Override
        public void onAttempt(Retry retry, int attempt) {
            events.add("attempt " + attempt);
        }

        @Override
        public void onRetry(Retry retry, int attempt, Throwable failure, Duration delay) {
            events.add("retry " + attempt + " " + (failure == null ? "result" : failure.getMessage()) + " "
                    + delay.toMillis() + "ms");
        }

        @Override
        public void onSuccessAfterRetries(Retry retry, int attempts) {
            events.add("success after " + attempts);
        }

        @Override
        public void onExhausted(Retry retry, int attempts, Throwable lastFailure) {
            events.add("exhausted " + attempts + " " + (lastFailure == null ? "result" : lastFailure.getMessage()));
        }

        @Override
        public void onNotRetried(Retry retry, int attempts, Throwable failure) {
            events.add("not retried " + attempts + " " + failure.getMessage());
        }
    };

    private Retry.Builder retry() {
        return Retry.builder("acct").ticker(ticker).sleeper(sleeper).listener(recorder)
                .backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10)));
    }

    @Test
    void aRetriedResultWaitsTheBackoffAndIsCountedAndHeard() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(4).retryOnResult("busy"::equals).build();

        assertThat(r.call(() -> calls.incrementAndGet() < 3 ? "busy" : "done")).isEqualTo("done");

        assertThat(sleeps).containsExactly(100_000_000L, 200_000_000L);
        assertThat(r.retries()).isEqualTo(2);
        assertThat(r.successfulCallsWithRetry()).isEqualTo(1);
        assertThat(r.successfulCallsWithoutRetry()).isZero();
        assertThat(events).containsExactly("attempt 1", "retry 1 result 100ms", "attempt 2", "retry 2 result 200ms",
                "attempt 3", "success after 3");
    }

    @Test
    void resultRetriesThatRunOutCountAsAFailedCallAndAreHeardAsExhausted() throws Exception {
        Retry r = retry().maxAttempts(3).retryOnResult("busy"::equals).build();

        assertThat(r.call(() -> "busy")).isEqualTo("busy");

        assertThat(r.failedCallsWithRetry()).isEqualTo(1);
        assertThat(r.successfulCallsWithRetry()).isZero();
        assertThat(r.retries()).isEqualTo(2);
        assertThat(events).endsWith("attempt 3", "exhausted 3 result");
    }

    @Test
    void aFirstAttemptSuccessIsCountedWithoutRetryAndHeardByNoSuccessEvent() throws Exception {
        Retry r = retry().build();

        assertThat(r.call(() -> "ok")).isEqualTo("ok");
        assertThat(r.get(() -> "ok")).isEqualTo("ok");

        assertThat(r.successfulCallsWithoutRetry()).isEqualTo(2);
        assertThat(r.successfulCallsWithRetry()).isZero();
        assertThat(r.retries()).isZero();
        assertThat(events).containsExactly("attempt 1", "attempt 1");
    }

    @Test
    void anInterruptedWaitAfterAFailureCountsTheCallAsFailedAndIsHeard() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(5).sleeper(nanos -> {
            throw new InterruptedException("stop");
        }).build();
        try {
            assertThatThrownBy(() -> r.call(() -> {
                calls.incrementAndGet();
                throw new IOException("down");
            })).isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(calls).hasValue(1);
        assertThat(r.failedCallsWithoutRetry() + r.failedCallsWithRetry()).isEqualTo(1);
        assertThat(events).containsExactly("attempt 1", "retry 1 down 100ms", "exhausted 1 down");
    }

    @Test
    void anInterruptedWaitAfterARetriedResultReturnsThatResultAndKeepsTheFlag() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(5).retryOnResult("busy"::equals).sleeper(nanos -> {
            throw new InterruptedException("stop");
        }).build();
        String result;
        boolean interrupted;
        try {
            result = r.call(() -> {
                calls.incrementAndGet();
                return "busy";
            });
        } finally {
            interrupted = Thread.interrupted();
        }
        assertThat(result).isEqualTo("busy");
        assertThat(interrupted).isTrue();
        assertThat(calls).hasValue(1);
        assertThat(r.failedCallsWithoutRetry() + r.failedCallsWithRetry()).isEqualTo(1);
        assertThat(events).containsExactly("attempt 1", "retry 1 result 100ms", "exhausted 1 result");
    }

    @Test
    void aRetryDueExactlyAtTheDeadlineStillRuns() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(Integer.MAX_VALUE).maxDuration(Duration.ofMillis(300))
                .backoff(Backoff.constant(Duration.ofMillis(100))).build();

        assertThatThrownBy(() -> r.call(() -> {
            calls.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(IOException.class);

        // attempts start at 0, 100, 200 and 300 ms: the last exactly at the deadline, which is allowed
        assertThat(calls).hasValue(4);
    }

    @Test
    void oneAttemptIsAValidLimitAndMeansNoRetry() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(1).build();

        assertThatThrownBy(() -> r.call(() -> {
            calls.incrementAndGet();
            throw new IOException("down");
        })).isInstanceOf(IOException.class);

        assertThat(calls).hasValue(1);
        assertThat(r.failedCallsWithoutRetry()).isEqualTo(1);
        assertThat(events).containsExactly("attempt 1", "exhausted 1 down");
    }

    @Test
    void theGivenRandomSourceDrawsTheJitter() {
        RandomGenerator half = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                return 0.5;
            }
        };
        Retry r = retry().maxAttempts(3).random(half)
                .backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10)).withFullJitter())
                .build();

        assertThatThrownBy(() -> r.call(() -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class);

        assertThat(sleeps).containsExactly(50_000_000L, 100_000_000L);
    }

    @Test
    void theDefaultJitterSourceSpreadsTheWaits() {
        Backoff full = Backoff.constant(Duration.ofSeconds(1)).withFullJitter();
        long[] draws = new long[64];
        for (int i = 0; i < draws.length; i++) {
            draws[i] = full.delayNanos(1, 0, Calls.THREAD_LOCAL_RANDOM);
        }
        assertThat(java.util.Arrays.stream(draws).allMatch(d -> d >= 0 && d < 1_000_000_000L)).isTrue();
        assertThat(java.util.Arrays.stream(draws).distinct().count()).isGreaterThan(32);
        assertThat(java.util.stream.LongStream.generate(Calls.THREAD_LOCAL_RANDOM::nextLong).limit(64).distinct().count())
                .isGreaterThan(32);
        assertThat(Calls.THREAD_LOCAL_RANDOM).hasToString("ThreadLocalRandom");
    }

    @Test
    void theDefaultsAreThreeAttemptsAndAJitteredExponentialBackoff() {
        Retry r = Retry.ofDefaults("inventory");

        assertThat(r.name()).isEqualTo("inventory");
        assertThat(r.maxAttempts()).isEqualTo(3);
        assertThat(r.backoff()).isEqualTo(
                Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10)).withFullJitter());
    }

    @Test
    void aDecoratedSupplierRunsThroughTheRetry() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(3).build();

        String result = r.decorate(() -> {
            if (calls.incrementAndGet() < 2) {
                throw new IllegalStateException("flaky");
            }
            return "ok";
        }).get();

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(2);
        assertThat(r.successfulCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void aRemovedListenerHearsNothingMore() throws Exception {
        Retry r = retry().build();
        assertThat(r.removeListener(recorder)).isTrue();
        assertThat(r.removeListener(recorder)).isFalse();

        r.call(() -> "ok");

        assertThat(events).isEmpty();
    }

    @Test
    void anAsyncRetryWhoseSchedulerRefusesFailsWithTheLastFailureNotTheRefusal() throws Exception {
        ScheduledExecutorService closed = Executors.newSingleThreadScheduledExecutor();
        closed.shutdown();
        Retry r = Retry.builder("async").maxAttempts(3).backoff(Backoff.none()).scheduler(closed).build();
        IOException down = new IOException("down");

        CompletableFuture<String> result = r.callAsync(() -> CompletableFuture.failedFuture(down));

        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isSameAs(down);
        assertThat(down.getSuppressed()).singleElement().isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void anAsyncResultRetryWhoseSchedulerRefusesFailsWithTheRefusal() {
        ScheduledExecutorService closed = Executors.newSingleThreadScheduledExecutor();
        closed.shutdown();
        Retry r = Retry.builder("async").maxAttempts(3).backoff(Backoff.none()).scheduler(closed)
                .retryOnResult("busy"::equals).build();

        CompletableFuture<String> result = r.callAsync(() -> CompletableFuture.completedFuture("busy"));

        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void cancellingAnAsyncRetryDuringAnAttemptStopsWithoutAnotherRetry() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        CompletableFuture<String> attempt = new CompletableFuture<>();
        AtomicInteger attempts = new AtomicInteger();
        Retry r = Retry.builder("async").maxAttempts(5).backoff(Backoff.constant(Duration.ofSeconds(1)))
                .scheduler(scheduler).listener(recorder).build();

        CompletableFuture<String> result = r.callAsync(() -> {
            attempts.incrementAndGet();
            return attempt;
        });
        result.cancel(true);
        scheduler.advance(Duration.ofMinutes(1));

        assertThat(attempt).isCancelled(); // the attempt in flight is cancelled, and its failure is not retried
        assertThat(attempts).hasValue(1);
        assertThat(r.retries()).isZero();
        assertThat(events).containsExactly("attempt 1");
    }
}
