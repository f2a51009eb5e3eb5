package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class TimeoutTest {

    @Test
    void aBuiltTimeoutHasItsNameAndDurationAndTheBuilderRejectsBadInput() throws Exception {
        Timeout named = Timeout.builder("inventory").timeout(Duration.ofMillis(300)).build();
        assertThat(named.name()).isEqualTo("inventory");
        assertThat(named.timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(named.toString()).isEqualTo("Timeout(inventory, 0.3s)");
        assertThat(named.withScheduler(Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        })).name()).as("copies keep the name").isEqualTo("inventory");
        assertThat(Timeout.builder("d").build().timeout()).isEqualTo(Timeout.DEFAULT_TIMEOUT);
        assertThat(Timeout.of(Duration.ofSeconds(2)).name()).isEqualTo("timeout");
        assertThatThrownBy(() -> Timeout.builder(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> Timeout.builder(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> Timeout.builder("t").timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
        assertThat(named.call(() -> "fast")).isEqualTo("fast");
    }

    @Test
    void aFastCallReturnsItsResult() throws Exception {
        assertThat(Timeout.of(Duration.ofSeconds(5)).call(() -> "fast")).isEqualTo("fast");
    }

    @Test
    void aSlowCallIsInterruptedAndItsThreadEnds() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        AtomicReference<Thread> worker = new AtomicReference<>();
        Timeout timeout = Timeout.of(Duration.ofMillis(50));

        assertThatThrownBy(() -> timeout.call(() -> {
            worker.set(Thread.currentThread());
            try {
                never.await();
            } catch (InterruptedException e) {
                interrupted.set(true);
            } finally {
                ended.countDown();
            }
            return "late";
        })).isInstanceOf(TimeoutException.class).hasMessageContaining("0.05s");

        assertThat(ended.await(5, TimeUnit.SECONDS)).as("the task was stopped").isTrue();
        assertThat(interrupted).isTrue();
        assertThat(worker.get()).isNotSameAs(Thread.currentThread());
        assertThat(timeout.timeouts()).isEqualTo(1);
    }

    @Test
    void theDefaultWorkersAreVirtualThreadsWhereTheJdkHasThem() throws Exception {
        Thread worker = Timeout.of(Duration.ofSeconds(5)).call(Thread::currentThread);
        boolean virtual = Runtime.version().feature() >= 21
                && (Boolean) Thread.class.getMethod("isVirtual").invoke(worker);
        assertThat(virtual).isEqualTo(Runtime.version().feature() >= 21);
        assertThat(worker.isDaemon()).isTrue();
    }

    @Test
    void aDedicatedPoolGetsItsThreadBackAfterATimeout() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Timeout timeout = Timeout.of(Duration.ofMillis(30)).withExecutor(one);
            for (int i = 0; i < 3; i++) { // with a leaked thread the second call would time out in the queue
                assertThatThrownBy(() -> timeout.run(() -> {
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                })).isInstanceOf(TimeoutExceededException.class).hasCauseInstanceOf(TimeoutException.class);
                // a generous limit: only a thread still stuck in the timed-out task would fail this
                assertThat(Timeout.of(Duration.ofSeconds(5)).withExecutor(one).get(() -> "pool free")).isEqualTo("pool free");
            }
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void theTasksOwnExceptionPassesUnchanged() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Timeout.of(Duration.ofSeconds(5)).call(() -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void asyncTimeoutFailsWithTimeoutExceptionAndCancelsTheTask() {
        Timeout timeout = Timeout.of(Duration.ofMillis(2));
        for (int i = 0; i < 50; i++) { // repeated: whoever sees the timeout must also see the task cancelled
            CompletableFuture<String> task = new CompletableFuture<>();
            CompletableFuture<String> result = timeout.callAsync(() -> task);
            assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
            assertThat(task).isCancelled();
        }
        assertThat(timeout.timeouts()).isEqualTo(50);
    }

    @Test
    void asyncTimeoutDoesNotRunDependentStagesOnTheSharedTimerThread() throws Exception {
        AtomicReference<String> thread = new AtomicReference<>();
        CompletableFuture<String> result = Timeout.of(Duration.ofMillis(10))
                .callAsync(CompletableFuture<String>::new)
                .whenComplete((v, e) -> thread.set(Thread.currentThread().getName()));
        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).hasCauseInstanceOf(TimeoutException.class);
        assertThat(thread.get()).doesNotStartWith("fluxgate-scheduler");
    }

    @Test
    void asyncCompletionBeforeTheTimeWins() throws Exception {
        Timeout timeout = Timeout.of(Duration.ofSeconds(5));
        assertThat(timeout.callAsync(() -> CompletableFuture.completedFuture("ok")).get(1, TimeUnit.SECONDS)).isEqualTo("ok");
        assertThat(timeout.timeouts()).isZero();
    }

    @Test
    void cancellingTheAsyncResultCancelsTheTask() {
        CompletableFuture<String> task = new CompletableFuture<>();
        Timeout.of(Duration.ofSeconds(5)).callAsync(() -> task).cancel(true);
        assertThat(task).isCancelled();
    }

    @Test
    void aTimeoutCountsAsAFailureForABreakerOutsideIt() {
        CircuitBreaker cb = CircuitBreaker.builder("slow").tripper(Tripper.failureStreak(2)).build();
        Timeout timeout = Timeout.of(Duration.ofMillis(20));
        Resilience pipeline = Resilience.of(cb, timeout);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> pipeline.call(() -> {
                new CountDownLatch(1).await();
                return "never";
            })).isInstanceOf(TimeoutException.class);
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void rejectsANonPositiveTimeout() {
        assertThatThrownBy(() -> Timeout.of(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }
}
