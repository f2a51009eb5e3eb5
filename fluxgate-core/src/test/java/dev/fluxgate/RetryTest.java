package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RetryTest {

    private final TestTicker ticker = new TestTicker();
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    private final Retry.Sleeper sleeper = nanos -> {
        sleeps.add(nanos);
        ticker.advance(Duration.ofNanos(nanos));
    };

    private Retry.Builder retry() {
        return Retry.builder("test").ticker(ticker).sleeper(sleeper)
                .backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10)));
    }

    private static Callable failing(AtomicInteger calls, int failures, String result) {
        return () -> {
            int n = calls.incrementAndGet();
            if (n <= failures) {
                throw new IOException("boom " + n);
            }
            return result;
        };
    }

    interface Callable extends java.util.concurrent.Callable<String> {
    }

    @Test
    void succeedsAfterRetriesWaitingTheBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(4).build();

        assertThat(r.call(failing(calls, 2, "ok"))).isEqualTo("ok");

        assertThat(calls).hasValue(3);
        assertThat(sleeps).containsExactly(100_000_000L, 200_000_000L);
        assertThat(r.successfulCallsWithRetry()).isEqualTo(1);
        assertThat(r.retries()).isEqualTo(2);
    }

    @Test
    void exhaustionThrowsTheLastExceptionWithEveryEarlierOneSuppressed() {
        AtomicInteger calls = new AtomicInteger();
        List<String> events = new CopyOnWriteArrayList<>();
        Retry r = retry().maxAttempts(3).listener(new RetryListener() {
            @Override
            public void onAttempt(Retry retry, int attempt) {
                events.add("attempt " + attempt);
            }

            @Override
            public void onRetry(Retry retry, int attempt, Throwable failure, Duration delay) {
                events.add("retry " + attempt + " " + failure.getMessage() + " " + delay.toMillis());
            }

            @Override
            public void onExhausted(Retry retry, int attempts, Throwable lastFailure) {
                events.add("exhausted " + attempts + " " + lastFailure.getMessage());
            }
        }).build();

        assertThatThrownBy(() -> r.call(failing(calls, 10, "never")))
                .isInstanceOf(IOException.class).hasMessage("boom 3")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage)
                        .containsExactly("boom 1", "boom 2"));
        assertThat(events).containsExactly("attempt 1", "retry 1 boom 1 100", "attempt 2", "retry 2 boom 2 200",
                "attempt 3", "exhausted 3 boom 3");
        assertThat(r.failedCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void onlyConfiguredExceptionsAreRetriedAndAbortWins() {
        Retry r = retry().maxAttempts(5).retryOn(Tracker.typeOf(IOException.class))
                .abortOn(Tracker.typeOf(FileNotFoundException.class)).build();
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> r.call(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("not retried");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(calls).hasValue(1);

        calls.set(0);
        assertThatThrownBy(() -> r.call(() -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("retried");
            }
            throw new FileNotFoundException("aborts");
        })).isInstanceOf(FileNotFoundException.class)
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
        assertThat(calls).hasValue(3);
        assertThat(r.failedCallsWithoutRetry()).isEqualTo(1);
        assertThat(r.failedCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void retryableResultsAreRetriedAndTheLastOneReturnedWhenExhausted() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(3).retryOnResult(v -> "busy".equals(v)).build();
        assertThat(r.call(() -> calls.incrementAndGet() < 2 ? "busy" : "done")).isEqualTo("done");
        calls.set(0);
        assertThat(r.call(() -> calls.incrementAndGet() > 0 ? "busy" : "x")).isEqualTo("busy");
        assertThat(calls).hasValue(3);
    }

    @Test
    void maxDurationStopsBeforeARetryThatWouldStartTooLate() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(Integer.MAX_VALUE).maxDuration(Duration.ofMillis(700))
                .backoff(Backoff.constant(Duration.ofMillis(200))).build();
        assertThatThrownBy(() -> r.call(() -> {
            calls.incrementAndGet();
            ticker.advance(Duration.ofMillis(50)); // each attempt takes 50 ms
            throw new IOException("slow failure");
        })).isInstanceOf(IOException.class);
        // attempts start at 0, 250, 500; a fourth would start at 750 > 700
        assertThat(calls).hasValue(3);
        assertThat(sleeps).hasSize(2);
    }

    @Test
    void rejectionsAreNotRetriedUnlessAsked() {
        CallNotPermittedException rejected = new CallNotPermittedException("cb", State.OPEN, Duration.ofSeconds(3));
        AtomicInteger calls = new AtomicInteger();
        Retry plain = retry().maxAttempts(3).build();
        assertThatThrownBy(() -> plain.call(() -> {
            calls.incrementAndGet();
            throw rejected;
        })).isSameAs(rejected);
        assertThat(calls).hasValue(1);

        calls.set(0);
        Retry asked = retry().maxAttempts(3).retryOnRejection(true).build();
        assertThatThrownBy(() -> asked.call(() -> {
            calls.incrementAndGet();
            throw rejected;
        })).isSameAs(rejected);
        assertThat(calls).hasValue(3);
        assertThat(sleeps).containsExactly(100_000_000L, 200_000_000L);
    }

    @Test
    void waitsForTheBreakersRetryAfterWhenAsked() throws Exception {
        CircuitBreaker cb = CircuitBreaker.builder("cb").ticker(ticker)
                .tripper(Tripper.failureStreak(1)).permit(Permit.all())
                .cooldown(Cooldown.fixed(Duration.ofSeconds(5))).build();
        assertThatThrownBy(() -> cb.call(() -> {
            throw new IOException("trip");
        })).isInstanceOf(IOException.class);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        ticker.advance(Duration.ofSeconds(1));

        Retry r = retry().maxAttempts(2).waitForRetryAfter(true).build();
        assertThat(r.call(() -> cb.call(() -> "recovered"))).isEqualTo("recovered");
        assertThat(sleeps).containsExactly(Duration.ofSeconds(4).toNanos());
    }

    @Test
    void doesNotWaitForABreakerThatOnlyAManualCommandReopens() {
        CallNotPermittedException forced = new CallNotPermittedException("cb", State.FORCED_OPEN);
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(5).waitForRetryAfter(true).build();
        assertThatThrownBy(() -> r.call(() -> {
            calls.incrementAndGet();
            throw forced;
        })).isSameAs(forced);
        assertThat(calls).hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void interruptDuringTheWaitStopsRetryingAndKeepsTheFlag() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = Retry.builder("t").maxAttempts(5).backoff(Backoff.constant(Duration.ofHours(1))).build();
        Thread.currentThread().interrupt(); // the real sleeper sees it at once
        try {
            assertThatThrownBy(() -> r.call(failing(calls, 10, "x")))
                    .isInstanceOf(IOException.class)
                    .satisfies(e -> assertThat(e.getSuppressed()).hasAtLeastOneElementOfType(InterruptedException.class));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(calls).hasValue(1);
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void errorsAreNeverRetried() {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().maxAttempts(3).build();
        assertThatThrownBy(() -> r.run(() -> {
            calls.incrementAndGet();
            throw new AssertionError("bug");
        })).isInstanceOf(AssertionError.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void getThrowsTheUncheckedExceptionUnchanged() {
        AtomicInteger calls = new AtomicInteger();
        UncheckedIOException boom = new UncheckedIOException(new IOException("x"));
        Retry r = retry().maxAttempts(2).build();
        assertThatThrownBy(() -> r.get(() -> {
            calls.incrementAndGet();
            throw boom;
        })).isSameAs(boom);
        assertThat(calls).hasValue(2);
    }

    @Test
    void asyncRetrySucceedsWithoutBlockingItsOnlyThread() throws Exception {
        ScheduledExecutorService single = Executors.newSingleThreadScheduledExecutor();
        try {
            Retry r = Retry.builder("async").maxAttempts(3).scheduler(single)
                    .backoff(Backoff.constant(Duration.ofMillis(300))).build();
            List<String> events = new CopyOnWriteArrayList<>();
            AtomicInteger calls = new AtomicInteger();
            CountDownLatch firstFailed = new CountDownLatch(1);
            AtomicReference<Thread> attemptThread = new AtomicReference<>();

            // The first attempt runs on the caller; the later ones on the single scheduler thread.
            CompletableFuture<String> result = r.callAsync(() -> {
                int n = calls.incrementAndGet();
                events.add("attempt " + n);
                if (n > 1) {
                    attemptThread.set(Thread.currentThread());
                }
                if (n < 3) {
                    CompletableFuture<String> f = new CompletableFuture<>();
                    single.execute(() -> {
                        f.completeExceptionally(new IOException("fail " + n));
                        firstFailed.countDown();
                    });
                    return f;
                }
                return CompletableFuture.completedFuture("third time");
            });

            assertThat(firstFailed.await(5, TimeUnit.SECONDS)).isTrue();
            // While the retry waits, the only thread is free: work submitted now runs before the next
            // attempt. A retry that slept on that thread would run attempt 2 first.
            CompletableFuture<String> other = CompletableFuture.supplyAsync(() -> {
                events.add("other work");
                return "free";
            }, single);

            assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("third time");
            assertThat(other.get(5, TimeUnit.SECONDS)).isEqualTo("free");
            assertThat(events).containsExactly("attempt 1", "other work", "attempt 2", "attempt 3");
            assertThat(attemptThread.get()).isNotSameAs(Thread.currentThread());
            assertThat(r.successfulCallsWithRetry()).isEqualTo(1);
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void manyAsyncRetriesShareOneThreadConcurrently() throws Exception {
        ScheduledExecutorService single = Executors.newSingleThreadScheduledExecutor();
        try {
            Retry r = Retry.builder("async").maxAttempts(3).scheduler(single)
                    .backoff(Backoff.constant(Duration.ofMillis(200))).build();
            int n = 50;
            CompletableFuture<?>[] all = new CompletableFuture<?>[n];
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                AtomicInteger calls = new AtomicInteger();
                all[i] = r.callAsync(() -> calls.incrementAndGet() < 3
                        ? CompletableFuture.failedFuture(new IOException("again"))
                        : CompletableFuture.completedFuture("ok"));
            }
            CompletableFuture.allOf(all).get(10, TimeUnit.SECONDS);
            // Blocking waits would take 50 * 2 * 200 ms = 20 s on one thread; scheduled ones overlap.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            assertThat(r.successfulCallsWithRetry()).isEqualTo(n);
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void byDefaultLaterAttemptsRunOffTheSharedTimerThread() throws Exception {
        Retry r = Retry.builder("async").maxAttempts(2).backoff(Backoff.constant(Duration.ofMillis(1))).build();
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<String> secondThread = new AtomicReference<>();
        String result = r.<String>callAsync(() -> {
            if (calls.incrementAndGet() == 1) {
                return CompletableFuture.failedFuture(new IOException("first"));
            }
            secondThread.set(Thread.currentThread().getName());
            return CompletableFuture.completedFuture("second");
        }).get(5, TimeUnit.SECONDS);
        assertThat(result).isEqualTo("second");
        assertThat(secondThread.get()).doesNotStartWith("fluxgate-scheduler");
    }

    @Test
    void aThrowingResultPredicateCompletesTheAsyncFutureWithTheResultInsteadOfHangingIt() throws Exception {
        // The one rule for plugged-in code: a predicate that throws means "do not retry", logged.
        IllegalStateException broken = new IllegalStateException("predicate bug");
        AtomicInteger attempts = new AtomicInteger();
        Retry r = Retry.builder("async").maxAttempts(3).backoff(Backoff.none()).retryOnResult(v -> {
            throw broken;
        }).build();
        CompletableFuture<String> f = r.callAsync(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.completedFuture("x");
        });
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("x");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void asyncExhaustionFailsTheFutureWithSuppressedAttempts() {
        Retry r = Retry.builder("async").maxAttempts(3).backoff(Backoff.none()).build();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> f = r.callAsync(() -> {
            int n = calls.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("boom " + n));
        });
        assertThatThrownBy(() -> f.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class).hasMessage("boom 3")
                .satisfies(e -> assertThat(e.getSuppressed()).hasSize(2));
    }

    @Test
    void asyncSupplierThatThrowsCountsAsAFailedAttempt() throws Exception {
        Retry r = Retry.builder("async").maxAttempts(2).backoff(Backoff.none()).build();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> f = r.callAsync(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("sync throw");
            }
            return CompletableFuture.completedFuture("ok");
        });
        assertThat(f.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
    }

    @Test
    void cancellingTheAsyncResultStopsTheRetries() throws Exception {
        Retry r = Retry.builder("async").maxAttempts(10).backoff(Backoff.constant(Duration.ofMillis(50))).build();
        AtomicInteger calls = new AtomicInteger();
        CompletableFuture<String> inFlight = new CompletableFuture<>();
        CompletableFuture<String> f = r.callAsync(() -> {
            calls.incrementAndGet();
            return inFlight;
        });
        f.cancel(true);
        assertThat(inFlight).isCancelled();
        assertThat(calls).hasValue(1);
    }

    @Test
    void buildRejectsAnEndlessRetry() {
        assertThatThrownBy(() -> Retry.builder("x").maxAttempts(Integer.MAX_VALUE).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDuration");
        assertThatThrownBy(() -> Retry.builder("x").maxAttempts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAttempts");
    }
}
