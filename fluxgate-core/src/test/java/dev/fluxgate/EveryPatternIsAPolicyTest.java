package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One way to compose and one way to decorate, for every pattern. */
class EveryPatternIsAPolicyTest {

    /** A pattern and how many calls it has seen go through it. */
    record Pattern(String name, Policy policy, LongSupplier callsSeen) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final AtomicLong OFF_THREAD = new AtomicLong();

    static Stream<Pattern> patterns() {
        CircuitBreaker breaker = CircuitBreaker.builder("b").build();
        Retry retry = Retry.builder("r").build();
        Bulkhead bulkhead = Bulkhead.of("bh", 2);
        ThreadPoolBulkhead pool = ThreadPoolBulkhead.of("tp", 1, 4);
        Timeout timeout = Timeout.builder("t").timeout(Duration.ofMinutes(1)).build();
        Hedge hedge = Hedge.builder("h").delay(Duration.ofMinutes(1)).build();
        RateLimiter limiter = RateLimiter.of("rl", 1_000, Duration.ofSeconds(1));
        AdaptiveBulkhead adaptive = AdaptiveBulkhead.builder("ab").build();
        Chaos chaos = Chaos.builder("c").exception(0.0).enabled(true).build(); // on, but injects nothing
        List<Object> nested = new CopyOnWriteArrayList<>();
        Resilience pipeline = Resilience.of(new Policy() {
            @Override
            public <T> T call(Callable<T> task) throws Exception {
                nested.add("in");
                return task.call();
            }

            @Override
            public <T> java.util.concurrent.CompletableFuture<T> callAsync(
                    Supplier<? extends java.util.concurrent.CompletionStage<T>> task) {
                nested.add("in");
                return task.get().toCompletableFuture();
            }
        });
        return Stream.of(
                new Pattern("breaker", breaker, () -> breaker.metrics().calls()),
                new Pattern("retry", retry, retry::successfulCallsWithoutRetry),
                new Pattern("bulkhead", bulkhead, bulkhead::permittedCalls),
                new Pattern("thread-pool bulkhead", pool, OFF_THREAD::get),
                new Pattern("timeout", timeout, OFF_THREAD::get),
                new Pattern("rate limiter", limiter, limiter::permittedCalls),
                new Pattern("pipeline", pipeline, () -> nested.size()),
                new Pattern("hedge", hedge, hedge::successfulCalls),
                new Pattern("adaptive bulkhead", adaptive, adaptive::permittedCalls),
                new Pattern("chaos", chaos, chaos::passedThrough));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patterns")
    void decorateRunsEachCallThroughThePattern(Pattern pattern) throws Exception {
        OFF_THREAD.set(0);
        Thread caller = Thread.currentThread();
        Runnable note = () -> {
            if (Thread.currentThread() != caller) {
                OFF_THREAD.incrementAndGet(); // the pools run the task on their own threads
            }
        };
        Supplier<String> s = pattern.policy().decorate(() -> {
            note.run();
            return "s";
        });
        Callable<String> c = pattern.policy().decorateCallable(() -> {
            note.run();
            return "c";
        });
        Runnable r = pattern.policy().decorate(note);
        assertThat(pattern.callsSeen().getAsLong()).as("decorating runs nothing").isZero();
        assertThat(s.get()).isEqualTo("s");
        assertThat(c.call()).isEqualTo("c");
        r.run();
        assertThat(s.get()).isEqualTo("s");
        assertThat(pattern.callsSeen().getAsLong()).isEqualTo(4);
        if (pattern.policy() instanceof ThreadPoolBulkhead pool) {
            pool.close();
        }
    }

    @Test
    void aDecoratedCallableRethrowsTheTasksCheckedExceptionAndAFallbackDecoratesToo() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.ofDefaults("b");
        IOException boom = new IOException("boom");
        Callable<String> failing = breaker.decorateCallable(() -> {
            throw boom;
        });
        assertThat(org.assertj.core.api.Assertions.catchThrowable(failing::call)).isSameAs(boom);
        assertThat(breaker.metrics().failures()).isEqualTo(1);

        Fallback<String> fallback = Fallback.of(e -> "answer to " + e.getMessage());
        Supplier<String> answered = fallback.decorate(() -> {
            throw new IllegalStateException("nope");
        });
        assertThat(answered.get()).isEqualTo("answer to nope");
    }

    @Test
    void aBreakerComposesInAPipelineWithoutAnAdapter() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("b").window(Window.count(2))
                .tripper(Tripper.failureStreak(1)).build();
        Retry retry = Retry.builder("r").maxAttempts(3).backoff(Backoff.none()).build();
        Bulkhead bulkhead = Bulkhead.of("bh", 1);
        Timeout timeout = Timeout.of(Duration.ofMinutes(1));
        Resilience pipeline = Resilience.of(retry, breaker, bulkhead, timeout);
        assertThat(pipeline.policies()).containsExactly(retry, breaker, bulkhead, timeout);
        AtomicLong attempts = new AtomicLong();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> pipeline.call(() -> {
            attempts.incrementAndGet();
            throw new IOException("down");
        }))).isInstanceOf(CallNotPermittedException.class).hasSuppressedException(new IOException("down"));
        assertThat(attempts).as("the open breaker stopped the second attempt").hasValue(1);
        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(Resilience.of(pipeline).decorate(() -> "x")).as("a pipeline nests and decorates").isNotNull();
    }
}
