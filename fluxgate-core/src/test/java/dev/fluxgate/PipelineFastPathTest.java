package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The paths that run without a continuation object per policy (Resilience's cursor through Retry,
 * the breaker, Bulkhead and Fallback; their own {@code get}) and Timeout's completed-stage path behave
 * exactly as the policies' {@code call} always did.
 */
class PipelineFastPathTest {

    @Test
    void everyRetryAttemptGoesThroughTheBreakerAndTheBulkheadAndTheFallbackSeesTheOutcome() {
        CircuitBreaker breaker = CircuitBreaker.builder("b").build();
        Bulkhead bulkhead = Bulkhead.of("bh", 1);
        Retry retry = Retry.builder("r").maxAttempts(3).backoff(Backoff.none()).build();
        Resilience pipeline = Resilience.of(Fallback.of(e -> "fallback"), retry, breaker, bulkhead);
        AtomicInteger attempts = new AtomicInteger();
        List<Integer> freeSlotsSeen = new ArrayList<>();

        String answer = pipeline.get(() -> {
            freeSlotsSeen.add(bulkhead.availablePermits());
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("attempt " + attempts.get());
            }
            return "ok";
        });

        assertThat(answer).isEqualTo("ok");
        assertThat(freeSlotsSeen).containsExactly(0, 0, 0); // each attempt held the one slot
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(2);
        assertThat(breaker.metrics().successfulCalls()).isEqualTo(1);
        assertThat(retry.successfulCallsWithRetry()).isEqualTo(1);
        assertThat(retry.retries()).isEqualTo(2);

        assertThat(pipeline.<String>get(() -> {
            throw new IllegalStateException("always");
        })).isEqualTo("fallback");
        assertThat(retry.failedCallsWithRetry()).isEqualTo(1);
        assertThat(breaker.metrics().failedCalls()).isEqualTo(5);
    }

    @Test
    void anOpenBreakerInThePipelineRejectsWithoutRunningTheTaskAndIsNotRetried() {
        CircuitBreaker breaker = CircuitBreaker.builder("b").build();
        breaker.forceOpen();
        Retry retry = Retry.builder("r").maxAttempts(3).backoff(Backoff.none()).build();
        AtomicInteger runs = new AtomicInteger();

        assertThatThrownBy(() -> Resilience.of(retry, breaker, Bulkhead.of("bh", 1)).get(runs::incrementAndGet))
                .isInstanceOf(CallNotPermittedException.class);
        assertThat(runs).hasValue(0);
        assertThat(retry.retries()).isZero();
    }

    @Test
    void aPolicyOfAnotherKindBetweenThePatternsStillRunsTheRestOfThePipeline() throws Exception {
        List<String> seen = new ArrayList<>();
        Policy tracing = new Policy() {
            @Override
            public <T> T call(Callable<T> task) throws Exception {
                seen.add("in");
                T result = task.call();
                seen.add("out");
                return result;
            }

            @Override
            public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
                return task.get().toCompletableFuture();
            }
        };
        Bulkhead bulkhead = Bulkhead.of("bh", 1);
        Resilience pipeline = Resilience.of(Retry.builder("r").backoff(Backoff.none()).build(), tracing, bulkhead);

        assertThat(pipeline.call(() -> {
            seen.add("task, free slots " + bulkhead.availablePermits());
            return 42;
        })).isEqualTo(42);
        assertThat(seen).containsExactly("in", "task, free slots 0", "out");
    }

    @Test
    void getMapsACheckedExceptionOfThePoliciesAndLetsTheTasksUncheckedOnesThrough() {
        Retry retry = Retry.builder("r").maxAttempts(2).backoff(Backoff.none()).build();
        IllegalStateException own = new IllegalStateException("own");
        assertThatThrownBy(() -> retry.get(() -> {
            throw own;
        })).isSameAs(own);
        assertThat(own.getSuppressed()).isEmpty(); // the same exception twice is not attached to itself

        Error error = new AssertionError("not retried");
        AtomicInteger runs = new AtomicInteger();
        assertThatThrownBy(() -> Bulkhead.of("bh", 1).get(() -> {
            runs.incrementAndGet();
            throw error;
        })).isSameAs(error);
        assertThatThrownBy(() -> retry.get(() -> {
            runs.incrementAndGet();
            throw error;
        })).isSameAs(error);
        assertThat(runs).hasValue(2); // an Error is never retried

        // A policy's checked exception: a checked task exception inside a nested call() surfaces wrapped.
        Resilience inner = Resilience.of(retry);
        assertThatThrownBy(() -> Fallback.of(e -> {
            throw new IllegalArgumentException("no answer");
        }).get(() -> Calls.unchecked(() -> inner.call(() -> {
            throw new IOException("io");
        })))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> inner.get(() -> Calls.unchecked(() -> {
            throw new IOException("io");
        }))).isInstanceOf(CompletionException.class).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aTimeoutAroundACompletedStageAnswersWithACopyAndNoTimer() {
        Timeout timeout = Timeout.of(Duration.ofSeconds(1));
        CompletableFuture<String> done = CompletableFuture.completedFuture("v");

        CompletableFuture<String> result = timeout.callAsync(() -> done);

        assertThat(result).isNotSameAs(done).isCompletedWithValue("v");
        result.obtrudeValue("changed");
        assertThat(done.join()).isEqualTo("v"); // the task's own future is never handed out
        IOException io = new IOException("io");
        assertThatThrownBy(() -> timeout.callAsync(() -> CompletableFuture.failedFuture(io)).join())
                .isInstanceOf(CompletionException.class).hasCause(io);
        assertThat(timeout.timeouts()).isZero();
    }
}
