package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Waiting for permits: synchronously through the sleeper, asynchronously through the scheduler; and stores that fail. */
class RateLimiterWaitTest {

    private final TestTicker ticker = new TestTicker();
    private final List<Long> slept = new CopyOnWriteArrayList<>();

    /** 10 per second, burst 1, waits up to {@code maxWaitMillis}; the sleeper advances the fake time. */
    private RateLimiter limiter(long maxWaitMillis) {
        return RateLimiter.builder("waits").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofMillis(maxWaitMillis))
                .sleeper(nanos -> {
                    slept.add(nanos);
                    ticker.advance(Duration.ofNanos(nanos));
                }).build();
    }

    @Test
    void acquireWaitsForAPermitFreeWithinTheMaximumWait() throws Exception {
        RateLimiter rl = limiter(250);
        assertThat(rl.call(() -> "first")).isEqualTo("first");
        assertThat(rl.call(() -> "second")).isEqualTo("second");
        rl.acquire();
        assertThat(slept).containsExactly(100_000_000L, 100_000_000L);
        assertThat(rl.totalWaitTime()).isEqualTo(Duration.ofMillis(200));
        assertThat(rl.permittedCalls()).isEqualTo(3);
    }

    @Test
    void reserveSaysHowLongToWaitWithoutWaitingAndCountsTheReservation() {
        RateLimiter rl = limiter(250);
        assertThat(rl.reserve(1)).isZero();
        assertThat(rl.reserve(1)).isEqualTo(100_000_000L);
        assertThat(rl.reserve(1)).isEqualTo(200_000_000L);
        assertThatThrownBy(() -> rl.reserve(1)).isInstanceOf(RateLimitedException.class)
                .hasMessageContaining("retry after 0.3s");
        assertThat(slept).as("reserve never sleeps").isEmpty();
        assertThat(rl.permittedCalls()).isEqualTo(3);
        assertThat(rl.rejectedCalls()).isEqualTo(1);
        assertThat(rl.totalWaitTime()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aPermitBeyondTheMaximumWaitIsRefusedAtOnceAndNothingIsTaken() {
        RateLimiter rl = limiter(99);
        rl.run(() -> { });
        assertThat(catchThrowable(() -> rl.call(() -> "late"))).isInstanceOf(RateLimitedException.class)
                .hasMessage("RateLimiter 'waits' has no 1 permit free within 0.099s (its maximum wait); retry after 0.1s");
        assertThat(slept).as("a refusal does not wait").isEmpty();
        ticker.advanceMillis(100);
        assertThat(rl.tryAcquire()).as("the refused caller took nothing").isTrue();
    }

    @Test
    void waitingCallersCountAgainstTheRateSoLaterCallersQueueBehindThem() throws Exception {
        java.util.concurrent.atomic.AtomicLong asked = new java.util.concurrent.atomic.AtomicLong();
        RateLimiter rl = RateLimiter.builder("queue").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofMillis(300)).sleeper(nanos -> asked.set(nanos)).build(); // does not move time
        rl.acquire();
        rl.acquire();
        assertThat(asked).hasValue(100_000_000L);
        rl.acquire();
        assertThat(asked).hasValue(200_000_000L);
        rl.acquire();
        assertThat(asked).hasValue(300_000_000L);
        RateLimitedException full = (RateLimitedException) catchThrowable(rl::acquire);
        assertThat(full.retryAfter()).as("behind three reservations").contains(Duration.ofMillis(400));
        assertThat(rl.tryAcquire()).isFalse();
        ticker.advanceMillis(400);
        assertThat(rl.tryAcquire()).as("the reservations are used up by now, and one more earned").isTrue();
        assertThat(rl.tryAcquire()).isFalse();
    }

    @Test
    void anInterruptedWaitThrowsInterruptedExceptionAndThePermitStaysSpent() {
        RateLimiter rl = RateLimiter.builder("interrupted").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).sleeper(nanos -> {
                    throw new InterruptedException("stop");
                }).build();
        rl.tryAcquire();
        Throwable thrown = catchThrowable(rl::acquire);
        assertThat(thrown).isInstanceOf(InterruptedException.class)
                .hasMessageContaining("RateLimiter 'interrupted': interrupted while waiting 0.1s for 1 permit(s)")
                .hasCauseInstanceOf(InterruptedException.class);
        AtomicInteger ran = new AtomicInteger();
        Throwable unchecked = catchThrowable(() -> rl.run(ran::incrementAndGet));
        assertThat(unchecked).isInstanceOf(CancellationException.class).hasCauseInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).as("run restores the interrupt flag").isTrue();
        assertThat(ran).hasValue(0);
        assertThat(rl.availablePermits()).as("two waits reserved two permits").isEqualTo(-2);
    }

    @Test
    void aPermitFreeNowIsTakenWhateverTheInterruptFlag() throws Exception {
        RateLimiter rl = limiter(0);
        Thread.currentThread().interrupt();
        try {
            assertThat(rl.call(() -> "ran")).isEqualTo("ran");
            assertThat(Thread.currentThread().isInterrupted()).as("left as it was").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theDefaultSleeperReallyWaitsOnTheSystemTicker() throws Exception {
        RateLimiter rl = RateLimiter.builder("real").rate(1_000, Duration.ofSeconds(1)).burst(1)
                .maxWait(Duration.ofSeconds(30)).build();
        long start = System.nanoTime();
        for (int i = 0; i < 6; i++) {
            rl.acquire();
        }
        assertThat(System.nanoTime() - start).as("five permits 1 ms apart").isGreaterThanOrEqualTo(4_000_000L);
    }

    // ---- async ----

    @Test
    void callAsyncStartsAtOnceWhenAPermitIsFree() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        RateLimiter rl = RateLimiter.builder("async").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).scheduler(scheduler).build();
        Thread caller = Thread.currentThread();
        CompletableFuture<Boolean> f = rl.callAsync(() -> CompletableFuture.completedFuture(Thread.currentThread() == caller));
        assertThat(f).isCompletedWithValue(true);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void callAsyncSchedulesTheStartWhenItMustWaitAndBlocksNoThread() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        RateLimiter rl = RateLimiter.builder("async").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).scheduler(scheduler).sleeper(nanos -> {
                    throw new AssertionError("callAsync must not sleep");
                }).build();
        rl.tryAcquire();
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<String> f = rl.callAsync(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture("later");
        });
        assertThat(f).isNotDone();
        assertThat(started).hasValue(0);
        assertThat(scheduler.pending()).isEqualTo(1);
        scheduler.advance(Duration.ofMillis(99));
        assertThat(started).hasValue(0);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(started).hasValue(1);
        assertThat(f).isCompletedWithValue("later");
        assertThat(rl.totalWaitTime()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void callAsyncFailsAtOnceBeyondTheMaximumWaitAndDoesNotStartTheTask() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        RateLimiter rl = RateLimiter.builder("async").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofMillis(50)).scheduler(scheduler).build();
        rl.tryAcquire();
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<String> f = rl.callAsync(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture("no");
        });
        assertThat(f).isCompletedExceptionally();
        assertThat(catchThrowable(f::join)).hasCauseInstanceOf(RateLimitedException.class);
        assertThat(started).hasValue(0);
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void cancellingAWaitingCallAsyncCancelsItsStart() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        RateLimiter rl = RateLimiter.builder("async").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).scheduler(scheduler).build();
        rl.tryAcquire();
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<String> f = rl.callAsync(() -> {
            started.incrementAndGet();
            return new CompletableFuture<>();
        });
        assertThat(f.cancel(true)).isTrue();
        assertThat(scheduler.pending()).isZero();
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(started).hasValue(0);
    }

    @Test
    void cancellingAStartedCallAsyncCancelsTheTasksFuture() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        RateLimiter rl = RateLimiter.builder("async").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).scheduler(scheduler).build();
        rl.tryAcquire();
        CompletableFuture<String> inner = new CompletableFuture<>();
        CompletableFuture<String> f = rl.callAsync(() -> inner);
        scheduler.advance(Duration.ofMillis(100));
        assertThat(f).isNotDone();
        f.cancel(true);
        assertThat(inner).isCancelled();
    }

    @Test
    void callAsyncFailsWithTheTasksOwnExceptionUnwrapped() throws Exception {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        RateLimiter rl = RateLimiter.builder("async").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).scheduler(scheduler).build();
        rl.tryAcquire();
        IllegalStateException boom = new IllegalStateException("boom");
        CompletableFuture<String> f = rl.callAsync(() -> CompletableFuture.supplyAsync(() -> {
            throw boom;
        }, Runnable::run));
        scheduler.advance(Duration.ofMillis(100));
        assertThat(catchThrowable(f::get)).isInstanceOf(ExecutionException.class).hasCauseReference(boom);
    }

    @Test
    void aSchedulerThatRefusesFailsTheFutureInsteadOfLeavingItHanging() {
        ScheduledExecutorService closed = Executors.newSingleThreadScheduledExecutor();
        closed.shutdown();
        RateLimiter rl = RateLimiter.builder("refused").rate(10, Duration.ofSeconds(1)).burst(1).ticker(ticker)
                .maxWait(Duration.ofSeconds(1)).scheduler(closed).build();
        rl.tryAcquire();
        CompletableFuture<String> f = rl.callAsync(() -> CompletableFuture.completedFuture("x"));
        assertThat(catchThrowable(f::join)).hasCauseInstanceOf(RejectedExecutionException.class);
    }

    @Test
    void theDefaultSchedulerStartsAWaitingTaskOffTheCallersThread() throws Exception {
        RateLimiter rl = RateLimiter.builder("default").rate(100, Duration.ofSeconds(1)).burst(1)
                .maxWait(Duration.ofSeconds(5)).build();
        rl.tryAcquire();
        Thread caller = Thread.currentThread();
        CompletableFuture<Boolean> f = rl.callAsync(() -> CompletableFuture.completedFuture(Thread.currentThread() != caller));
        assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
    }

    // ---- stores ----

    @Test
    void aStoreThatCannotAnswerPropagatesItsExceptionAndNothingIsCountedOrHeard() {
        IllegalStateException down = new IllegalStateException("store 'fleet' unreachable");
        AtomicInteger heard = new AtomicInteger();
        RateLimiter rl = RateLimiter.builder("remote").store(limit -> new RateLimiter.Store() {
            @Override
            public long tryReserve(int permits, long maxWaitNanos) {
                throw down;
            }

            @Override
            public long availablePermits() {
                throw down;
            }
        }).listener(new RateLimiterListener() {
            @Override
            public void onPermitted(RateLimiter limiter, int permits, Duration wait) {
                heard.incrementAndGet();
            }

            @Override
            public void onRejected(RateLimiter limiter, int permits, java.util.Optional<Duration> retryAfter) {
                heard.incrementAndGet();
            }
        }).build();
        assertThat(catchThrowable(rl::tryAcquire)).isSameAs(down);
        assertThat(catchThrowable(() -> rl.call(() -> "x"))).isSameAs(down);
        assertThat(catchThrowable(() -> rl.callAsync(() -> CompletableFuture.completedFuture("x")).join()))
                .hasCauseReference(down);
        assertThat(rl.permittedCalls() + rl.rejectedCalls()).isZero();
        assertThat(heard).hasValue(0);
    }

    @Test
    void aCustomStoreGetsTheConfiguredLimitAndItsAnswersDriveTheLimiter() throws Exception {
        List<RateLimiter.Limit> given = new CopyOnWriteArrayList<>();
        List<Long> answers = new CopyOnWriteArrayList<>(List.of(0L, 5_000_000L, RateLimiter.Store.refused(7_000_000L),
                RateLimiter.Store.NEVER));
        RateLimiter rl = RateLimiter.builder("custom").rate(20, Duration.ofSeconds(2)).burst(3).bursty()
                .maxWait(Duration.ofMillis(10)).sleeper(slept::add).store(limit -> {
                    given.add(limit);
                    return new RateLimiter.Store() {
                        @Override
                        public long tryReserve(int permits, long maxWaitNanos) {
                            assertThat(maxWaitNanos).isEqualTo(10_000_000L);
                            return answers.remove(0);
                        }

                        @Override
                        public long availablePermits() {
                            return 42;
                        }
                    };
                }).build();
        assertThat(given).containsExactly(new RateLimiter.Limit("custom", 20, Duration.ofSeconds(2), 3,
                RateLimiter.Shape.BURSTY, Ticker.system()));
        rl.acquire();
        rl.acquire();
        assertThat(slept).containsExactly(5_000_000L);
        RateLimitedException refused = (RateLimitedException) catchThrowable(rl::acquire);
        assertThat(refused.retryAfter()).contains(Duration.ofMillis(7));
        assertThat(((RateLimitedException) catchThrowable(rl::acquire)).retryAfter()).isEmpty();
        assertThat(rl.availablePermits()).isEqualTo(42);
        assertThatThrownBy(() -> RateLimiter.builder("null").store(limit -> null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("store factory returned null");
    }

    @Test
    void refusalAnswersRoundTripAndNeverCollideWithNever() {
        for (long wait : new long[] {0, 1, 123_456_789, Long.MAX_VALUE / 2, Long.MAX_VALUE - 3}) {
            long answer = RateLimiter.Store.refused(wait);
            assertThat(answer).isNegative().isNotEqualTo(RateLimiter.Store.NEVER);
            assertThat(RateLimiter.Store.retryAfterNanos(answer)).isEqualTo(wait);
        }
        assertThat(RateLimiter.Store.retryAfterNanos(RateLimiter.Store.refused(-5))).isZero();
        assertThat(RateLimiter.Store.refused(Long.MAX_VALUE)).isGreaterThan(Long.MIN_VALUE + 2);
    }
}
