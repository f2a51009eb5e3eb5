package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What every policy shares: unwrapping an asynchronous failure to the task's own exception, a task
 * supplier that returns no stage, the timeout's deadline on a given scheduler, the pipeline's
 * decorators and descriptions, the system ticker.
 */
class PolicyPlumbingTest {

    @Test
    void anAsyncFailureIsUnwrappedToTheTasksOwnExceptionThroughEveryWrapper() {
        IOException own = new IOException("own");
        assertThat(Calls.unwrap(new CompletionException(own))).isSameAs(own);
        assertThat(Calls.unwrap(new ExecutionException(own))).isSameAs(own);
        assertThat(Calls.unwrap(new CompletionException(new ExecutionException(new CompletionException(own))))).isSameAs(own);
        CompletionException causeless = new CompletionException("no cause", null);
        assertThat(Calls.unwrap(causeless)).isSameAs(causeless);
        ExecutionException alsoCauseless = new ExecutionException("no cause", null);
        assertThat(Calls.unwrap(alsoCauseless)).isSameAs(alsoCauseless);
        assertThat(Calls.unwrap(own)).isSameAs(own);
    }

    @Test
    void aFallbackAnswersAnExecutionExceptionByTheTypeOfItsCause() throws Exception {
        Fallback<String> f = Fallback.<String>builder().on(IOException.class, e -> "answered " + e.getMessage()).build();
        CompletableFuture<String> r = f.callAsync(() -> CompletableFuture.failedFuture(
                new ExecutionException(new IOException("down"))));
        assertThat(r.get(5, TimeUnit.SECONDS)).isEqualTo("answered down");
    }

    @Test
    void aTaskSupplierReturningNoStageFailsTheCallInsteadOfHangingIt() {
        for (Policy policy : List.<Policy>of(Retry.builder("r").maxAttempts(1).build(), Bulkhead.of("b", 1),
                Timeout.of(Duration.ofMinutes(1)), Fallback.<String>builder().build())) {
            CompletableFuture<String> result = policy.callAsync(() -> null);
            assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).as("%s", policy)
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("null CompletionStage");
        }
    }

    @Test
    void getWrapsAPolicysCheckedExceptionThatIsNeitherATimeoutNorAnInterrupt() {
        IOException checked = new IOException("policy failed");
        Policy throwing = new Policy() {
            @Override
            public <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
                throw checked;
            }

            @Override
            public <T> CompletableFuture<T> callAsync(
                    java.util.function.Supplier<? extends java.util.concurrent.CompletionStage<T>> task) {
                return CompletableFuture.failedFuture(checked);
            }
        };
        assertThatThrownBy(() -> throwing.get(() -> "x")).isInstanceOf(CompletionException.class).hasCause(checked);
        assertThatThrownBy(() -> Resilience.of(throwing).get(() -> "x")).isInstanceOf(CompletionException.class)
                .hasCause(checked);
    }

    @Test
    void anAsyncCallThatFinishesInTimeOnAGivenSchedulerCompletesAndDropsItsDeadline() throws Exception {
        TestTicker ticker = new TestTicker();
        ManualScheduler scheduler = new ManualScheduler(ticker);
        Timeout timeout = Timeout.of(Duration.ofSeconds(2)).withScheduler(scheduler);
        CompletableFuture<String> task = new CompletableFuture<>();

        CompletableFuture<String> result = timeout.callAsync(() -> task);
        task.complete("in time");

        assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("in time");
        assertThat(scheduler.pending()).isZero();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(timeout.timeouts()).isZero();
    }

    @Test
    void theUncheckedTimeoutCarriesTheOriginal() {
        TimeoutException original = new TimeoutException("call did not complete within 2s");
        TimeoutExceededException e = new TimeoutExceededException(original);
        assertThat(e.timeout()).isSameAs(original);
        assertThat(e).hasMessage("call did not complete within 2s").hasCause(original);
    }

    @Test
    void aTimeoutDescribesItself() {
        Timeout t = Timeout.of(Duration.ofMillis(1500));
        assertThat(t.timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(t).hasToString("Timeout(timeout, 1.5s)"); // Timeout.of(d) is named "timeout"
    }

    @Test
    void thePipelinesDecoratorsRunTheTaskThroughEveryPolicy() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Resilience pipeline = Resilience.of(Retry.builder("r").maxAttempts(3).backoff(Backoff.none()).build());
        java.util.function.Supplier<String> flaky = () -> {
            if (calls.incrementAndGet() % 2 == 1) {
                throw new IllegalStateException("flaky");
            }
            return "ok " + calls.get();
        };

        assertThat(pipeline.decorate(flaky).get()).isEqualTo("ok 2");
        assertThat(pipeline.decorateCallable(flaky::get).call()).isEqualTo("ok 4");
        List<String> ran = new CopyOnWriteArrayList<>();
        pipeline.run(() -> {
            ran.add("run " + calls.incrementAndGet());
            if (ran.size() == 1) {
                throw new IllegalStateException("flaky");
            }
        });
        assertThat(ran).containsExactly("run 5", "run 6");
    }

    @Test
    void aPipelineDescribesItsPolicies() {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("payments");
        Resilience pipeline = Resilience.of(cb, Bulkhead.of("pool", 4), Timeout.of(Duration.ofSeconds(2)));
        assertThat(pipeline).hasToString("Resilience[" + cb + " -> Bulkhead(pool, 4) -> " + Timeout.of(Duration.ofSeconds(2))
                + "]");
        assertThat(Resilience.of()).hasToString("Resilience[]");
    }

    @Test
    void theSystemTickerMovesOnAndSaysWhatItIs() throws InterruptedException {
        Ticker system = Ticker.system();
        long start = system.read();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (system.read() == start) { // waits on the condition; nanoTime moves within microseconds
            assertThat(System.nanoTime()).as("the system ticker never moved").isLessThan(deadline);
            Thread.sleep(1);
        }
        assertThat(system.read()).isGreaterThan(start);
        assertThat(system).hasToString("Ticker.system()");
    }
}
