package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hedging on fake time: a {@link ManualScheduler} fires the delays, latches order the attempts, and
 * every attempt that blocks waits until it is interrupted, so a loser that is not cancelled would keep
 * its worker busy and fail the check that every worker finished.
 */
class HedgeTest {

    private static final long WAIT = 10;

    private final TestTicker ticker = new TestTicker();
    private final ManualScheduler scheduler = new ManualScheduler(ticker);
    private final ThreadPoolExecutor workers = new ThreadPoolExecutor(0, 16, 1, TimeUnit.SECONDS,
            new java.util.concurrent.SynchronousQueue<>());
    private final ExecutorService callers = Executors.newCachedThreadPool();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final HedgeListener heard = new HedgeListener() {
        @Override
        public void onHedge(Hedge hedge, int attempt, Duration delay) {
            events.add("hedge " + attempt + " after " + delay.toMillis() + " ms");
        }

        @Override
        public void onWon(Hedge hedge, int attempt, int started) {
            events.add("won by " + attempt + " of " + started);
        }

        @Override
        public void onCancelled(Hedge hedge, int attempt) {
            events.add("cancelled " + attempt);
        }

        @Override
        public void onFailed(Hedge hedge, int attempts, Throwable failure) {
            events.add("failed after " + attempts + ": " + failure.getMessage());
        }
    };

    /** The attempts of one call, told apart by the order they start in. */
    private static final class Attempts {
        final AtomicInteger started = new AtomicInteger();
        final List<CountDownLatch> startedLatches = List.of(new CountDownLatch(1), new CountDownLatch(1),
                new CountDownLatch(1), new CountDownLatch(1));
        final List<CountDownLatch> interrupted = List.of(new CountDownLatch(1), new CountDownLatch(1),
                new CountDownLatch(1), new CountDownLatch(1));
        final List<Behaviour> behaviours;

        Attempts(Behaviour... behaviours) {
            this.behaviours = List.of(behaviours);
        }

        Callable<String> task() {
            return () -> {
                int n = started.incrementAndGet();
                startedLatches.get(n - 1).countDown();
                try {
                    return behaviours.get(n - 1).call();
                } catch (InterruptedException e) {
                    interrupted.get(n - 1).countDown();
                    throw e;
                }
            };
        }

        void awaitStarted(int n) throws InterruptedException {
            assertThat(startedLatches.get(n - 1).await(WAIT, TimeUnit.SECONDS)).as("attempt %d started", n).isTrue();
        }

        void awaitInterrupted(int n) throws InterruptedException {
            assertThat(interrupted.get(n - 1).await(WAIT, TimeUnit.SECONDS)).as("attempt %d interrupted", n).isTrue();
        }
    }

    /** What one attempt does. */
    @FunctionalInterface
    interface Behaviour {
        String call() throws Exception;
    }

    /** Blocks until interrupted. */
    private static String hang() throws InterruptedException {
        new CountDownLatch(1).await();
        throw new AssertionError("unreachable");
    }

    private Hedge.Builder hedge() {
        return Hedge.builder("search").delay(Duration.ofMillis(100)).scheduler(scheduler).executor(workers)
                .ticker(ticker).listener(heard);
    }

    private <T> Future<T> inCaller(Callable<T> call) {
        return callers.submit(call);
    }

    @AfterEach
    void everyWorkerFinished() throws InterruptedException {
        workers.shutdown();
        assertThat(workers.awaitTermination(WAIT, TimeUnit.SECONDS)).as("no attempt left blocked").isTrue();
        callers.shutdown();
        assertThat(callers.awaitTermination(WAIT, TimeUnit.SECONDS)).as("no caller left blocked").isTrue();
    }

    // ---- sync ----

    @Test
    void aHedgeThatIsNotNeededStartsOnlyOneAttempt() throws Exception {
        Hedge h = hedge().build();
        Attempts attempts = new Attempts(() -> "fast");

        assertThat(h.call(attempts.task())).isEqualTo("fast");

        assertThat(attempts.started).hasValue(1);
        assertThat(scheduler.pending()).as("the timer was cancelled").isZero();
        assertThat(h.hedgedAttempts()).isZero();
        assertThat(h.successfulCalls()).isEqualTo(1);
        assertThat(events).as("a call that needed no hedge is heard by nobody").isEmpty();
    }

    @Test
    void aSlowFirstAttemptGetsOneHedgeAfterTheDelayWhichWinsAndTheLoserIsInterrupted() throws Exception {
        Hedge h = hedge().build();
        Attempts attempts = new Attempts(HedgeTest::hang, () -> "hedged");

        Future<String> call = inCaller(() -> h.call(attempts.task()));
        attempts.awaitStarted(1);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(99));
        assertThat(attempts.started).as("no hedge before the delay").hasValue(1);
        scheduler.advance(Duration.ofMillis(1));

        assertThat(call.get(WAIT, TimeUnit.SECONDS)).isEqualTo("hedged");
        attempts.awaitInterrupted(1);
        assertThat(attempts.started).hasValue(2);
        assertThat(events).containsExactly("hedge 2 after 100 ms", "cancelled 1", "won by 2 of 2");
        assertThat(h.hedgedAttempts()).isEqualTo(1);
        assertThat(h.hedgeWins()).isEqualTo(1);
        assertThat(h.cancelledAttempts()).isEqualTo(1);
        assertThat(h.successfulCalls()).isEqualTo(1);
        assertThat(h.failedCalls()).as("the loser is not a failure").isZero();
    }

    @Test
    void maxAttemptsBoundsTheAttemptsStartedExactly() throws Exception {
        CountDownLatch third = new CountDownLatch(1);
        Hedge h = hedge().maxAttempts(3).build();
        Attempts attempts = new Attempts(HedgeTest::hang, HedgeTest::hang, () -> {
            third.await();
            return "third";
        });

        Future<String> call = inCaller(() -> h.call(attempts.task()));
        for (int n = 1; n <= 3; n++) {
            attempts.awaitStarted(n);
            if (n < 3) {
                assertThat(scheduler.awaitScheduled()).isTrue();
                scheduler.advance(Duration.ofMillis(100));
            }
        }
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(scheduler.pending()).as("no timer after the last attempt").isZero();
        third.countDown();

        assertThat(call.get(WAIT, TimeUnit.SECONDS)).isEqualTo("third");
        attempts.awaitInterrupted(1);
        attempts.awaitInterrupted(2);
        assertThat(attempts.started).hasValue(3);
        assertThat(events).containsExactly("hedge 2 after 100 ms", "hedge 3 after 100 ms", "cancelled 1",
                "cancelled 2", "won by 3 of 3");
    }

    @Test
    void theFirstAttemptStillWinsWhenItAnswersAfterTheHedgeStarted() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        Hedge h = hedge().build();
        Attempts attempts = new Attempts(() -> {
            first.await();
            return "first";
        }, HedgeTest::hang);

        Future<String> call = inCaller(() -> h.call(attempts.task()));
        attempts.awaitStarted(1);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100));
        attempts.awaitStarted(2);
        first.countDown();

        assertThat(call.get(WAIT, TimeUnit.SECONDS)).isEqualTo("first");
        attempts.awaitInterrupted(2);
        assertThat(events).containsExactly("hedge 2 after 100 ms", "cancelled 2", "won by 1 of 2");
        assertThat(h.hedgeWins()).isZero();
    }

    @Test
    void aFailedAttemptLetsTheOthersRunAndTheCallFailsWithTheLastFailureOnceAllHaveFailed() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        Hedge h = hedge().build();
        Attempts attempts = new Attempts(() -> {
            first.await();
            throw new IOException("first");
        }, () -> {
            throw new IOException("second");
        });

        Future<String> call = inCaller(() -> h.call(attempts.task()));
        attempts.awaitStarted(1);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100));
        attempts.awaitStarted(2);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (workers.getCompletedTaskCount() < 1 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // wait for the condition: the second attempt failed and posted its outcome
        }
        assertThat(call.isDone()).as("the first is still in flight").isFalse();
        first.countDown();

        assertThatThrownBy(() -> call.get(WAIT, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IOException.class).hasMessage("first")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second"));
        assertThat(events).containsExactly("hedge 2 after 100 ms", "failed after 2: first");
        assertThat(h.failedCalls()).isEqualTo(1);
        assertThat(h.cancelledAttempts()).isZero();
    }

    @Test
    void aHedgeDoesNotRetryAFirstAttemptThatFailsBeforeTheDelay() {
        Hedge h = hedge().maxAttempts(3).build();
        Attempts attempts = new Attempts(() -> {
            throw new IOException("down");
        });

        assertThatThrownBy(() -> h.call(attempts.task())).isInstanceOf(IOException.class).hasMessage("down");
        assertThat(attempts.started).hasValue(1);
        assertThat(scheduler.pending()).isZero();
        assertThat(events).containsExactly("failed after 1: down");
    }

    @Test
    void anErrorOfTheTaskReachesTheCallerAsItIs() {
        Hedge h = hedge().build();
        assertThatThrownBy(() -> h.call(() -> {
            throw new StackOverflowError("deep");
        })).isInstanceOf(StackOverflowError.class).hasMessage("deep");
    }

    @Test
    void anInterruptedCallerCancelsEveryAttemptAndThrowsInterruptedException() throws Exception {
        Hedge h = hedge().build();
        Attempts attempts = new Attempts(HedgeTest::hang, HedgeTest::hang);
        AtomicInteger interruptedCallers = new AtomicInteger();
        Thread caller = new Thread(() -> {
            try {
                h.call(attempts.task());
            } catch (InterruptedException e) {
                interruptedCallers.incrementAndGet();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        caller.start();
        attempts.awaitStarted(1);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100));
        attempts.awaitStarted(2);
        caller.interrupt();
        caller.join(TimeUnit.SECONDS.toMillis(WAIT));

        assertThat(interruptedCallers).hasValue(1);
        attempts.awaitInterrupted(1);
        attempts.awaitInterrupted(2);
        assertThat(h.cancelledAttempts()).isEqualTo(2);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void withoutASchedulerTheDelayIsWaitedOnTheSystemClock() throws Exception {
        Hedge h = Hedge.builder("search").delay(Duration.ofMillis(1)).executor(workers).build();
        Attempts attempts = new Attempts(HedgeTest::hang, () -> "hedged");

        assertThat(h.call(attempts.task())).isEqualTo("hedged");
        attempts.awaitInterrupted(1);
        assertThat(attempts.started).hasValue(2);
    }

    @Test
    void anExecutorThatRefusesAHedgeFailsThatAttemptOnly() throws Exception {
        AtomicInteger submissions = new AtomicInteger();
        ExecutorService refusesTheSecond = new java.util.concurrent.AbstractExecutorService() {
            @Override
            public void execute(Runnable command) {
                if (submissions.incrementAndGet() == 2) {
                    throw new RejectedExecutionException("full");
                }
                workers.execute(command);
            }

            @Override
            public void shutdown() {
            }

            @Override
            public List<Runnable> shutdownNow() {
                return List.of();
            }

            @Override
            public boolean isShutdown() {
                return false;
            }

            @Override
            public boolean isTerminated() {
                return false;
            }

            @Override
            public boolean awaitTermination(long timeout, TimeUnit unit) {
                return false;
            }
        };
        CountDownLatch first = new CountDownLatch(1);
        Hedge h = hedge().executor(refusesTheSecond).build();
        Attempts attempts = new Attempts(() -> {
            first.await();
            return "first";
        });

        Future<String> call = inCaller(() -> h.call(attempts.task()));
        attempts.awaitStarted(1);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100));
        first.countDown();

        assertThat(call.get(WAIT, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(submissions).hasValue(2);
    }

    @Test
    void aThrowingListenerChangesNothing() throws Exception {
        Hedge h = hedge().listener(new HedgeListener() {
            @Override
            public void onHedge(Hedge hedge, int attempt, Duration delay) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void onWon(Hedge hedge, int attempt, int started) {
                throw new OutOfMemoryError("not really");
            }
        }).build();
        Attempts attempts = new Attempts(HedgeTest::hang, () -> "hedged");

        Future<String> call = inCaller(() -> h.call(attempts.task()));
        attempts.awaitStarted(1);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100));

        assertThat(call.get(WAIT, TimeUnit.SECONDS)).isEqualTo("hedged");
        assertThat(events).as("the listener added first still heard everything")
                .containsExactly("hedge 2 after 100 ms", "cancelled 1", "won by 2 of 2");
    }

    // ---- async ----

    @Test
    void anAsyncHedgeThatIsNotNeededSchedulesNothing() {
        Hedge h = hedge().build();
        AtomicInteger supplied = new AtomicInteger();

        CompletableFuture<String> f = h.callAsync(() -> {
            supplied.incrementAndGet();
            return CompletableFuture.completedFuture("fast");
        });

        assertThat(f).isCompletedWithValue("fast");
        assertThat(supplied).hasValue(1);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void anAsyncFirstAttemptThatAnswersBeforeTheDelayCancelsTheTimer() {
        Hedge h = hedge().build();
        CompletableFuture<String> first = new CompletableFuture<>();

        CompletableFuture<String> f = h.callAsync(() -> first);
        assertThat(scheduler.pending()).isEqualTo(1);
        first.complete("first");

        assertThat(f).isCompletedWithValue("first");
        assertThat(scheduler.pending()).isZero();
        assertThat(h.hedgedAttempts()).isZero();
    }

    @Test
    void anAsyncHedgeStartsAfterTheDelayWinsAndTheLosersFutureIsCancelled() {
        Hedge h = hedge().maxAttempts(3).build();
        List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();
        CompletableFuture<String> f = h.callAsync(() -> {
            CompletableFuture<String> a = new CompletableFuture<>();
            attempts.add(a);
            return a;
        });

        scheduler.advance(Duration.ofMillis(99));
        assertThat(attempts).hasSize(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(attempts).hasSize(2);
        attempts.get(1).complete("hedged");

        assertThat(f).isCompletedWithValue("hedged");
        assertThat(attempts.get(0)).isCancelled();
        scheduler.advance(Duration.ofSeconds(10));
        assertThat(attempts).as("no third attempt after the win").hasSize(2);
        assertThat(scheduler.pending()).isZero();
        assertThat(events).containsExactly("hedge 2 after 100 ms", "cancelled 1", "won by 2 of 2");
    }

    @Test
    void anAsyncCallFailsWithTheLastFailureOnceEveryStartedAttemptFailed() {
        Hedge h = hedge().maxAttempts(3).build();
        List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();
        CompletableFuture<String> f = h.callAsync(() -> {
            CompletableFuture<String> a = new CompletableFuture<>();
            attempts.add(a);
            return a;
        });
        scheduler.advance(Duration.ofMillis(100));
        attempts.get(1).completeExceptionally(new IOException("second"));
        assertThat(f).isNotDone();
        attempts.get(0).completeExceptionally(new IOException("first"));

        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::join).cause().isInstanceOf(IOException.class).hasMessage("first")
                .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second"));
        assertThat(scheduler.pending()).as("attempt 3 never starts").isZero();
        assertThat(attempts).hasSize(2);
    }

    @Test
    void cancellingTheAsyncResultCancelsEveryAttemptAndTheTimer() {
        Hedge h = hedge().maxAttempts(3).build();
        List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();
        CompletableFuture<String> f = h.callAsync(() -> {
            CompletableFuture<String> a = new CompletableFuture<>();
            attempts.add(a);
            return a;
        });
        scheduler.advance(Duration.ofMillis(100));

        f.cancel(true);

        assertThat(attempts).hasSize(2).allSatisfy(a -> assertThat(a).isCancelled());
        assertThat(scheduler.pending()).isZero();
        assertThat(h.cancelledAttempts()).isEqualTo(2);
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    }

    // ---- the delay ----

    @Test
    void aPercentileDelayFollowsTheRecentLatenciesOfFirstAttempts() throws Exception {
        Hedge h = Hedge.builder("search").percentileDelay(0.9, Duration.ofSeconds(5)).latencySamples(10)
                .minSamples(10).executor(workers).ticker(ticker).build();
        assertThat(h.currentDelay()).isEqualTo(Duration.ofSeconds(5));
        for (int ms = 10; ms >= 1; ms--) {
            long took = ms;
            assertThat(h.<String>call(() -> {
                ticker.advanceMillis(took);
                return "ok";
            })).isEqualTo("ok");
            if (ms > 1) {
                assertThat(h.currentDelay()).as("the fallback until 10 samples").isEqualTo(Duration.ofSeconds(5));
            }
        }
        assertThat(h.currentDelay()).as("p90 of 1..10 ms, nearest rank").isEqualTo(Duration.ofMillis(9));
        assertThat(h.percentile()).hasValue(0.9);
        assertThat(h).hasToString("Hedge(search, 2 attempts, p90 of recent latencies)");
    }

    @Test
    void latencySamplesKeepOnlyTheLastOnesAndRefreshEveryQuarter() {
        LatencySamples s = new LatencySamples(0.5, 8, 4, 999);
        for (long v : new long[] {1, 2, 3}) {
            s.record(v);
        }
        assertThat(s.estimateNanos()).as("fallback below minSamples").isEqualTo(999);
        s.record(4);
        assertThat(s.estimateNanos()).as("median of 1..4, nearest rank").isEqualTo(2);
        for (long v = 100; v < 108; v++) {
            s.record(v); // the ring of 8 now holds only these
        }
        assertThat(s.estimateNanos()).isEqualTo(103);
        assertThat(s.recorded()).isEqualTo(12);
    }

    // ---- in a pipeline ----

    @Test
    void aBreakerInsideTheHedgeGivesEachAttemptItsOwnPermit() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("search").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.failureStreak(1)).cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                .permit(Permit.all()).maxHalfOpenCalls(1).build();
        assertThatThrownBy(() -> breaker.call(() -> {
            throw new IOException("trip");
        })).isInstanceOf(IOException.class);
        ticker.advance(Duration.ofSeconds(10)); // the next call is the one half-open probe
        CountDownLatch probe = new CountDownLatch(1);
        Hedge h = hedge().build();
        Resilience pipeline = Resilience.of(h, breaker);
        Attempts attempts = new Attempts(() -> {
            probe.await();
            return "probe";
        });

        Future<String> call = inCaller(() -> pipeline.call(attempts.task()));
        attempts.awaitStarted(1);
        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100)); // the hedge asks the breaker for a permit of its own
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT);
        while (breaker.metrics().rejectedCalls() == 0 && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(100_000); // wait for the condition: the hedged attempt's rejection
        }
        probe.countDown();

        assertThat(call.get(WAIT, TimeUnit.SECONDS)).isEqualTo("probe");
        assertThat(attempts.started).as("the rejected hedge never ran the task").hasValue(1);
        assertThat(breaker.metrics().rejectedCalls()).isEqualTo(1);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(events).as("the rejected hedge failed, so there was nothing to cancel")
                .containsExactly("hedge 2 after 100 ms", "won by 1 of 2");
    }

    @Test
    void anAsyncLoserInsideABreakerIsReleasedNotRecorded() {
        CircuitBreaker breaker = CircuitBreaker.builder("search").ticker(ticker).build();
        Hedge h = hedge().build();
        List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();
        CompletableFuture<String> f = Resilience.of(h, breaker).callAsync(() -> {
            CompletableFuture<String> a = new CompletableFuture<>();
            attempts.add(a);
            return a;
        });
        scheduler.advance(Duration.ofMillis(100));
        attempts.get(1).complete("hedged");

        assertThat(f).isCompletedWithValue("hedged");
        assertThat(attempts.get(0)).isCancelled();
        assertThat(breaker.metrics().calls()).as("the winner only").isEqualTo(1);
        assertThat(breaker.metrics().failures()).isZero();
    }

    @Test
    void aSyncLoserInsideABreakerThatIgnoresInterruptsIsNotAFailure() throws Exception {
        CircuitBreaker breaker = CircuitBreaker.builder("search").ticker(ticker)
                .tracker(Tracker.not(Tracker.typeOf(InterruptedException.class))).build();
        Hedge h = hedge().build();
        Attempts attempts = new Attempts(HedgeTest::hang, () -> "hedged");

        Future<String> call = inCaller(() -> Resilience.of(h, breaker).call(attempts.task()));
        attempts.awaitStarted(1);
        assertThat(scheduler.awaitScheduled()).isTrue();
        scheduler.advance(Duration.ofMillis(100));
        assertThat(call.get(WAIT, TimeUnit.SECONDS)).isEqualTo("hedged");
        attempts.awaitInterrupted(1);
        workers.shutdown();
        assertThat(workers.awaitTermination(WAIT, TimeUnit.SECONDS)).isTrue(); // the loser's outcome is in

        assertThat(breaker.metrics().calls()).isEqualTo(1);
        assertThat(breaker.metrics().failures()).isZero();
    }

    // ---- configuration ----

    @Test
    void buildRejectsBadInputNamingTheParameter() {
        assertThatThrownBy(() -> Hedge.builder("h").maxAttempts(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxAttempts").hasMessageContaining("[1, 10]");
        assertThatThrownBy(() -> Hedge.builder("h").maxAttempts(11)).hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> Hedge.builder("h").delay(Duration.ZERO)).hasMessageContaining("delay");
        assertThatThrownBy(() -> Hedge.builder("h").delay(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("delay");
        assertThatThrownBy(() -> Hedge.builder("h").percentileDelay(0, Duration.ofMillis(1)))
                .hasMessageContaining("percentile").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> Hedge.builder("h").percentileDelay(1.5, Duration.ofMillis(1)))
                .hasMessageContaining("percentile");
        assertThatThrownBy(() -> Hedge.builder("h").percentileDelay(0.9, Duration.ofMillis(-1)))
                .hasMessageContaining("fallbackDelay");
        assertThatThrownBy(() -> Hedge.builder("h").latencySamples(9)).hasMessageContaining("latencySamples");
        assertThatThrownBy(() -> Hedge.builder("h").minSamples(0)).hasMessageContaining("minSamples");
        assertThatThrownBy(() -> Hedge.builder("h").latencySamples(10).minSamples(11).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minSamples");
        assertThatThrownBy(() -> Hedge.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hedge.builder("h").executor(null)).hasMessage("executor");
        assertThatThrownBy(() -> Hedge.builder("h").scheduler(null)).hasMessage("scheduler");
    }

    @Test
    void ofIsTwoAttemptsAfterAFixedDelay() {
        Hedge h = Hedge.of(Duration.ofMillis(250));
        assertThat(h.name()).isEqualTo("hedge");
        assertThat(h.maxAttempts()).isEqualTo(2);
        assertThat(h.currentDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(h.percentile()).isEmpty();
        assertThat(h).hasToString("Hedge(hedge, 2 attempts, 0.25s)");
    }

    @Test
    void aRegistryOfHedgesSharesTheDefaultsAndDropsListenersOnRemove() throws Exception {
        Registry<Hedge, Hedge.Builder> hedges = Registry.ofHedges(Hedge.builder("d").maxAttempts(3).listener(heard)
                .scheduler(scheduler).executor(workers));
        Hedge search = hedges.get("search");
        assertThat(search.maxAttempts()).isEqualTo(3);
        assertThat(hedges.get("other", b -> b.maxAttempts(2)).maxAttempts()).isEqualTo(2);
        hedges.remove("search");
        Attempts attempts = new Attempts(() -> {
            throw new IOException("down");
        });
        assertThatThrownBy(() -> search.call(attempts.task())).isInstanceOf(IOException.class);
        assertThat(events).as("its listeners went with it").isEmpty();
    }
}
