package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ResilienceTest {

    private final TestTicker ticker = new TestTicker();

    /** A policy that records when it is entered, to check the order. */
    private static Policy tracing(String name, List<String> trace) {
        return new Policy() {
            @Override
            public <T> T call(Callable<T> task) throws Exception {
                trace.add(name + ">");
                try {
                    return task.call();
                } finally {
                    trace.add("<" + name);
                }
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                trace.add(name + ">");
                return task.get().toCompletableFuture().whenComplete((v, e) -> trace.add("<" + name));
            }
        };
    }

    @Test
    void policiesWrapInTheOrderGivenOutermostFirst() throws Exception {
        List<String> trace = new CopyOnWriteArrayList<>();
        Resilience r = Resilience.of(tracing("a", trace), null, tracing("b", trace), tracing("c", trace));
        assertThat(r.call(() -> {
            trace.add("task");
            return 1;
        })).isEqualTo(1);
        assertThat(trace).containsExactly("a>", "b>", "c>", "task", "<c", "<b", "<a");
        assertThat(r.policies()).hasSize(3);

        trace.clear();
        assertThat(r.callAsync(() -> CompletableFuture.completedFuture(2)).get(1, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(trace).containsExactly("a>", "b>", "c>", "<c", "<b", "<a");
    }

    @Test
    void anEmptyPipelineCallsTheTaskDirectly() throws Exception {
        Resilience none = Resilience.of();
        IOException boom = new IOException();
        assertThat(none.call(() -> "x")).isEqualTo("x");
        assertThatThrownBy(() -> none.call(() -> {
            throw boom;
        })).isSameAs(boom);
        CompletableFuture<String> task = new CompletableFuture<>();
        assertThat(none.callAsync(() -> task)).isSameAs(task);
    }

    @Test
    void recommendedOrderRetriesThroughTheBreakerAndFallsBackWhenItOpens() {
        CircuitBreaker cb = CircuitBreaker.builder("inventory").ticker(ticker)
                .tripper(Tripper.failureStreak(3)).cooldown(Cooldown.fixed(Duration.ofMinutes(1))).build();
        Retry retry = Retry.builder("inventory").maxAttempts(5).backoff(Backoff.constant(Duration.ofMillis(10)))
                .ticker(ticker).sleeper(n -> ticker.advance(Duration.ofNanos(n))).build();
        Bulkhead bulkhead = Bulkhead.of("inventory", 4);
        Resilience pipeline = Resilience.of(
                Fallback.<String>builder().on(CallNotPermittedException.class, e -> "cached").build(),
                retry, cb, bulkhead, Timeout.of(Duration.ofSeconds(5)));
        AtomicInteger calls = new AtomicInteger();

        String answer = pipeline.get(() -> {
            calls.incrementAndGet();
            throw new IllegalStateException("down");
        });

        // three attempts trip the breaker; the fourth is rejected, which the retry does not retry;
        // the fallback answers the rejection
        assertThat(answer).isEqualTo("cached");
        assertThat(calls).hasValue(3);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(bulkhead.availablePermits()).isEqualTo(4);
        assertThat(retry.failedCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void asyncPipelineComposesRetryBreakerAndBulkhead() throws Exception {
        CircuitBreaker cb = CircuitBreaker.builder("async").tripper(Tripper.failureStreak(10)).build();
        Retry retry = Retry.builder("async").maxAttempts(3).backoff(Backoff.none()).build();
        Bulkhead bulkhead = Bulkhead.of("async", 1);
        Resilience pipeline = Resilience.of(retry, cb, bulkhead, Timeout.of(Duration.ofSeconds(5)));
        AtomicInteger calls = new AtomicInteger();
        String result = pipeline.<String>callAsync(() -> calls.incrementAndGet() < 3
                ? CompletableFuture.failedFuture(new IOException("flaky"))
                : CompletableFuture.completedFuture("ok")).get(5, TimeUnit.SECONDS);
        assertThat(result).isEqualTo("ok");
        assertThat(cb.metrics().failedCalls()).isEqualTo(2);
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void timeoutInsideTheRetryBoundsEachAttempt() {
        AtomicInteger attempts = new AtomicInteger();
        Retry retry = Retry.builder("t").maxAttempts(2).backoff(Backoff.none())
                .listener(new RetryListener() {
                    @Override
                    public void onAttempt(Retry r, int attempt) {
                        attempts.incrementAndGet(); // counted here: under load a task may time out before it starts
                    }
                }).build();
        Resilience pipeline = Resilience.of(retry, Timeout.of(Duration.ofMillis(20)));
        assertThatThrownBy(() -> pipeline.run(() -> {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })).isInstanceOf(TimeoutExceededException.class)
                .satisfies(e -> assertThat(e.getCause().getSuppressed()).hasSize(1)
                        .allSatisfy(s -> assertThat(s).isInstanceOf(java.util.concurrent.TimeoutException.class)));
        assertThat(attempts).hasValue(2);
    }
}
