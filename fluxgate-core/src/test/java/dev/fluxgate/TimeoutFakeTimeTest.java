package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A timeout's deadlines run on the scheduler it is given, for synchronous calls too, so a test drives
 * them with fake time. Regression: the synchronous path waited on the system clock whatever the
 * scheduler, so a test had to sleep through the timeout.
 */
class TimeoutFakeTimeTest {

    private final TestTicker ticker = new TestTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);

    @Test
    void aSyncCallTimesOutExactlyWhenFakeTimeReachesTheLimit() throws Exception {
        Timeout timeout = Timeout.of(Duration.ofSeconds(2)).withScheduler(scheduler);
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                outcome.complete(new AssertionError("returned " + timeout.call(() -> {
                    started.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                    return "late";
                })));
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        caller.start();
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(scheduler.awaitScheduled()).as("the deadline is on the scheduler").isTrue();

        scheduler.advance(Duration.ofMillis(1_999));
        assertThat(outcome).as("one millisecond short of the limit").isNotDone();
        assertThat(scheduler.pending()).isEqualTo(1);

        scheduler.advance(Duration.ofMillis(1));
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class)
                .hasMessageContaining("2s");
        // The caller hears of the timeout first; the worker's interrupt lands a moment later.
        assertThat(interrupted.await(10, TimeUnit.SECONDS)).as("the task was interrupted").isTrue();
        caller.join(10_000);
        assertThat(timeout.timeouts()).isEqualTo(1);
    }

    @Test
    void aSyncCallThatFinishesInTimeCancelsItsDeadline() throws Exception {
        Timeout timeout = Timeout.of(Duration.ofSeconds(2)).withScheduler(scheduler);
        assertThat(timeout.call(() -> "fast")).isEqualTo("fast");
        assertThat(timeout.get(() -> "fast too")).isEqualTo("fast too");
        assertThat(scheduler.pending()).isZero();
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(timeout.timeouts()).isZero();
    }

    @Test
    void getAndRunMapTheFakeTimeTimeoutToTheUncheckedOne() throws Exception {
        Timeout timeout = Timeout.of(Duration.ofMillis(100)).withScheduler(scheduler);
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                timeout.run(() -> {
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        caller.start();
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100));
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutExceededException.class)
                .hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void anAsyncCallTimesOutOnFakeTimeAndItsTaskIsCancelled() {
        Timeout timeout = Timeout.of(Duration.ofSeconds(2)).withScheduler(scheduler);
        CompletableFuture<String> task = new CompletableFuture<>();
        CompletableFuture<String> result = timeout.callAsync(() -> task);
        scheduler.advance(Duration.ofMillis(1_999));
        assertThat(result).isNotDone();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(result).isCompletedExceptionally();
        assertThatThrownBy(() -> result.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TimeoutException.class);
        assertThat(task).isCancelled();
        assertThat(timeout.timeouts()).isEqualTo(1);
    }

    @Test
    void aBreakerOutsideCountsAFakeTimeTimeoutAsAFailure() throws Exception {
        CircuitBreaker cb = CircuitBreaker.builder("slow").ticker(ticker).tripper(Tripper.failureStreak(1)).build();
        Resilience pipeline = Resilience.of(cb, Timeout.of(Duration.ofSeconds(1)).withScheduler(scheduler));
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        new Thread(() -> {
            try {
                pipeline.call(() -> {
                    new CountDownLatch(1).await();
                    return "never";
                });
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        }).start();
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }
}
