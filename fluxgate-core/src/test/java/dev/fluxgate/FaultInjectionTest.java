package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Faults in everything the breaker calls out to: listeners, trackers, result predicates, random
 * sources, clocks, fallbacks and tasks that throw (an {@link Error} too), interrupted callers and
 * tasks that never finish. After each fault: the caller sees its own outcome, no probe lease is held,
 * the breaker's lock is free (another thread can read the metrics at once), and the breaker still
 * moves through its states.
 */
class FaultInjectionTest {

    /** An Error that is not a VirtualMachineError, so the JVM carries on. */
    static final class InjectedError extends Error {
        private static final long serialVersionUID = 1L;

        InjectedError(String where) {
            super("injected fault in " + where);
        }
    }

    static final class InjectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InjectedException(String where) {
            super("injected fault in " + where);
        }
    }

    private static final Logger BREAKER_LOG = Logger.getLogger(CircuitBreaker.class.getName());
    private static Level saved;

    @BeforeAll
    static void quiet() {
        saved = BREAKER_LOG.getLevel();
        BREAKER_LOG.setLevel(Level.OFF); // every fault below is logged by design
    }

    @AfterAll
    static void restore() {
        BREAKER_LOG.setLevel(saved);
    }

    static Stream<Supplier<Throwable>> faults() {
        return Stream.of(() -> new InjectedException("a policy"), () -> new InjectedError("a policy"),
                () -> new StackOverflowError("deep"));
    }

    private final TestTicker ticker = new TestTicker();

    private CircuitBreaker.Builder breaker() {
        return CircuitBreaker.builder("faults")
                .window(Window.count(4))
                .tripper(Tripper.failureStreak(2))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1)))
                .permit(Permit.all())
                .maxHalfOpenCalls(1)
                .ticker(ticker);
    }

    /** Trips the breaker and lets the cooldown pass, so the next call is the one probe. */
    private static void toHalfOpenNext(CircuitBreaker cb, TestTicker ticker) {
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cb.call(() -> {
                throw new IOException("down");
            })).isInstanceOf(IOException.class);
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
        ticker.advance(Duration.ofSeconds(1));
    }

    /** The lock is free and no lease is held: another thread reads the metrics at once. */
    private static void assertNotWedged(CircuitBreaker cb) throws Exception {
        Metrics m = CompletableFuture.supplyAsync(cb::metrics).get(10, TimeUnit.SECONDS);
        assertThat(m.probesInUse()).as("probe leases held").isZero();
    }

    /** A HALF_OPEN breaker with one slot still admits a probe, i.e. no slot leaked. */
    private static void assertProbeSlotFree(CircuitBreaker cb) {
        if (cb.state() == State.HALF_OPEN) {
            long p = cb.tryAcquirePermission();
            assertThat(p).as("the one probe slot is free").isNotEqualTo(CircuitBreaker.NO_PERMISSION);
            cb.releasePermission(p);
        }
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aListenerThatThrowsDisturbsNeitherCallerNorBreakerNorOtherListeners(Supplier<Throwable> fault) throws Exception {
        List<String> heard = new ArrayList<>();
        Listener bad = new Listener() {
            @Override
            public void onTransition(Transition t) {
                throw sneaky(fault.get());
            }

            @Override
            public void onSuccess(CircuitBreaker b, long d) {
                throw sneaky(fault.get());
            }

            @Override
            public void onFailure(CircuitBreaker b, long d, Throwable f) {
                throw sneaky(fault.get());
            }

            @Override
            public void onIgnored(CircuitBreaker b, long d, Throwable e) {
                throw sneaky(fault.get());
            }

            @Override
            public void onRejected(CircuitBreaker b, State s) {
                throw sneaky(fault.get());
            }
        };
        CircuitBreaker cb = breaker().tracker(Tracker.typeOf(IOException.class)).listener(bad)
                .listener(t -> heard.add(t.from() + "->" + t.to())).build();

        assertThat(cb.get(() -> "ok")).isEqualTo("ok");
        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalStateException("ignored");
        })).isInstanceOf(IllegalStateException.class);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> cb.call(() -> {
                throw new IOException("down");
            })).isInstanceOf(IOException.class);
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThatThrownBy(() -> cb.get(() -> "x")).isInstanceOf(CallNotPermittedException.class);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(cb.get(() -> "probe")).isEqualTo("probe");
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(heard).containsExactly("CLOSED->OPEN", "OPEN->HALF_OPEN", "HALF_OPEN->CLOSED");
        assertNotWedged(cb);
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aListenerThatThrowsOnTheProbeTransitionsLeavesNoLeaseHeld(Supplier<Throwable> fault) throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        CircuitBreaker cb = breaker().listener(t -> {
            if (armed.get()) {
                throw sneaky(fault.get());
            }
        }).build();
        toHalfOpenNext(cb, ticker);
        armed.set(true);
        // OPEN -> HALF_OPEN and HALF_OPEN -> CLOSED both notify the throwing listener.
        assertThat(cb.get(() -> "probe")).isEqualTo("probe");
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertNotWedged(cb);
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aTrackerThatThrowsCountsTheFailureAndFreesTheProbe(Supplier<Throwable> fault) throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        CircuitBreaker cb = breaker().maxHalfOpenCalls(2).closeAfterSuccesses(2).tripper(Tripper.failureStreak(2))
                .tracker(e -> {
                    if (armed.get()) {
                        throw sneaky(fault.get());
                    }
                    return true;
                }).build();
        toHalfOpenNext(cb, ticker);
        armed.set(true);
        IOException own = new IOException("the task's own");
        assertThatThrownBy(() -> cb.call(() -> {
            throw own;
        })).isSameAs(own);
        assertThat(cb.metrics().failedCalls()).isEqualTo(3); // counted as a failure
        assertNotWedged(cb);
        assertProbeSlotFree(cb);
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aResultPredicateThatThrowsCountsAFailureAndTheCallerStillGetsTheResult(Supplier<Throwable> fault)
            throws Exception {
        CircuitBreaker cb = breaker().maxHalfOpenCalls(2).closeAfterSuccesses(2).failureOnResult(r -> {
            if ("poison".equals(r)) {
                throw sneaky(fault.get());
            }
            return false;
        }).build();
        toHalfOpenNext(cb, ticker);
        assertThat(cb.get(() -> "poison")).isEqualTo("poison");
        assertThat(cb.metrics().failedCalls()).isEqualTo(3);
        assertNotWedged(cb);
        assertProbeSlotFree(cb);
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aTaskThatThrowsAnythingGivesItsProbeBack(Supplier<Throwable> fault) throws Exception {
        CircuitBreaker cb = breaker().tracker(Tracker.typeOf(IOException.class)).build();
        toHalfOpenNext(cb, ticker);
        Throwable thrown = fault.get();
        assertThatThrownBy(() -> cb.call(() -> {
            throw sneaky(thrown);
        })).isSameAs(thrown);
        assertThat(cb.state()).as("an untracked outcome neither closes nor reopens").isEqualTo(State.HALF_OPEN);
        assertNotWedged(cb);
        assertProbeSlotFree(cb);
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aFallbackThatThrowsLeavesTheOutcomeRecordedAndNoLeaseHeld(Supplier<Throwable> fault) throws Exception {
        CircuitBreaker cb = breaker().maxHalfOpenCalls(2).closeAfterSuccesses(2).build();
        toHalfOpenNext(cb, ticker);
        Throwable thrown = fault.get();
        assertThatThrownBy(() -> cb.get(() -> {
            throw new IllegalStateException("task");
        }, e -> {
            throw sneaky(thrown);
        })).isSameAs(thrown);
        assertThat(cb.metrics().failedCalls()).as("the probe's failure was recorded").isEqualTo(3);
        assertNotWedged(cb);
        assertProbeSlotFree(cb);
        assertThat(cb.get(() -> "recovered", e -> "fallback")).isEqualTo("recovered");
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aRandomSourceThatThrowsNeverTakesASlotNorKeepsTheLock(Supplier<Throwable> fault) throws Exception {
        AtomicInteger failing = new AtomicInteger();
        RandomGenerator flaky = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 42;
            }

            @Override
            public double nextDouble() {
                if (failing.get() > 0) {
                    failing.decrementAndGet();
                    throw sneaky(fault.get());
                }
                return 0.0;
            }
        };
        CircuitBreaker cb = breaker().permit(Permit.random(0.5))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1)).withJitter(0.5)).random(flaky).build();
        // Jitter is drawn under the lock when the breaker trips.
        cb.run(() -> { });
        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalStateException("1");
        })).isInstanceOf(IllegalStateException.class);
        failing.set(1);
        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalStateException("2");
        })).as("the caller keeps its own exception").isInstanceOf(IllegalStateException.class).hasMessage("2");
        assertNotWedged(cb);
        assertThat(cb.state()).as("tripped, without jitter").isEqualTo(State.OPEN);
        // The permit's draw throws in HALF_OPEN before any slot is taken: answered with the middle of the
        // range, 0.5, which random(0.5) does not admit.
        ticker.advance(Duration.ofSeconds(2));
        failing.set(1);
        assertThatThrownBy(() -> cb.run(() -> { })).isInstanceOfSatisfying(CallNotPermittedException.class,
                e -> assertThat(e.state()).isEqualTo(State.HALF_OPEN));
        assertNotWedged(cb);
        assertThat(cb.get(() -> "probe")).isEqualTo("probe");
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aClockThatThrowsOnceLeavesTheBreakerConsistent() throws Exception {
        AtomicBoolean fail = new AtomicBoolean();
        InstantSource clock = () -> {
            if (fail.getAndSet(false)) {
                throw new InjectedException("clock");
            }
            return Instant.EPOCH;
        };
        CircuitBreaker cb = breaker().clock(clock).build();
        cb.run(() -> { });
        fail.set(true);
        for (int i = 0; i < 2; i++) {
            try {
                cb.run(() -> {
                    throw new IllegalStateException("down");
                });
            } catch (RuntimeException expected) {
                // the task's failure, or the clock's while the trip was published
            }
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertNotWedged(cb);
        ticker.advance(Duration.ofSeconds(1));
        assertThat(cb.get(() -> "probe")).isEqualTo("probe");
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void anInterruptedCallerRunsItsCallKeepsItsInterruptAndLeavesNoLease() throws Exception {
        // Three slots: after a success and a failure the period has not settled all its probes, so it stays open to one more.
        CircuitBreaker cb = breaker().maxHalfOpenCalls(3).closeAfterSuccesses(2).build();
        toHalfOpenNext(cb, ticker);
        Thread.currentThread().interrupt();
        try {
            assertThat(cb.get(() -> "probe")).isEqualTo("probe");
            assertThat(Thread.currentThread().isInterrupted()).as("interrupt status kept").isTrue();
            assertThatThrownBy(() -> cb.call(() -> {
                throw new InterruptedException("task interrupted");
            })).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertNotWedged(cb);
        assertProbeSlotFree(cb);
    }

    @Test
    void aProbeThatNeverCompletesLosesItsSlotAfterTheHalfOpenTimeout() throws Exception {
        CircuitBreaker cb = breaker().halfOpenTimeout(Duration.ofSeconds(5)).build();
        toHalfOpenNext(cb, ticker);
        CompletableFuture<String> never = new CompletableFuture<>();
        CompletableFuture<String> hung = cb.callAsync(() -> never);
        assertThat(cb.metrics().probesInUse()).isEqualTo(1);

        ticker.advance(Duration.ofMillis(4_999));
        assertThat(cb.tryAcquirePermission()).as("still leased").isEqualTo(CircuitBreaker.NO_PERMISSION);
        ticker.advance(Duration.ofMillis(1));
        assertThat(cb.get(() -> "fresh probe")).isEqualTo("fresh probe");
        assertThat(cb.state()).isEqualTo(State.CLOSED);

        never.completeExceptionally(new IOException("finally failed"));
        assertThat(hung).isCompletedExceptionally();
        assertThat(cb.state()).as("the late failure is stale").isEqualTo(State.CLOSED);
        assertThat(cb.metrics().staleCalls()).isEqualTo(1);
        assertThat(cb.metrics().calls()).isZero();
    }

    @Test
    void aSyncTaskThatHangsIsFreedByTheHalfOpenTimeoutToo() throws Exception {
        CircuitBreaker cb = breaker().halfOpenTimeout(Duration.ofSeconds(5)).build();
        toHalfOpenNext(cb, ticker);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread t = new Thread(() -> cb.run(() -> {
            running.countDown();
            await(release);
        }));
        t.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        ticker.advance(Duration.ofSeconds(5));
        assertThat(cb.get(() -> "fresh probe")).isEqualTo("fresh probe");
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        release.countDown();
        t.join(10_000);
        assertThat(cb.metrics().staleCalls()).isEqualTo(1);
    }

    // ---- the other patterns ----

    @ParameterizedTest
    @MethodSource("faults")
    void aBulkheadGivesItsSlotBackWhateverTheTaskThrows(Supplier<Throwable> fault) throws Exception {
        Bulkhead bulkhead = Bulkhead.of("faults", 1);
        Throwable thrown = fault.get();
        assertThatThrownBy(() -> bulkhead.call(() -> {
            throw sneaky(thrown);
        })).isSameAs(thrown);
        CompletableFuture<String> never = new CompletableFuture<>();
        CompletableFuture<String> async = bulkhead.callAsync(() -> never);
        assertThat(bulkhead.availablePermits()).isZero();
        async.cancel(true);
        assertThat(bulkhead.availablePermits()).as("cancellation frees the slot").isEqualTo(1);
        assertThatThrownBy(() -> bulkhead.callAsync(() -> {
            throw sneaky(fault.get());
        }).join()).isNotNull();
        assertThat(bulkhead.availablePermits()).as("a task that throws before returning a future").isEqualTo(1);
    }

    @Test
    void anInterruptedBulkheadWaiterTakesNoSlot() throws Exception {
        Bulkhead bulkhead = Bulkhead.builder("faults").maxConcurrentCalls(1).maxWait(Duration.ofSeconds(30)).build();
        assertThat(bulkhead.tryAcquirePermission()).isTrue();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(bulkhead::acquirePermission).isInstanceOf(InterruptedException.class);
        } finally {
            Thread.interrupted();
        }
        bulkhead.releasePermission();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("faults")
    void aRetryListenerThatThrowsDoesNotDisturbTheRetries(Supplier<Throwable> fault) throws Exception {
        Retry retry = Retry.builder("faults").maxAttempts(3).backoff(Backoff.none())
                .listener(new RetryListener() {
                    @Override
                    public void onRetry(Retry r, int attempt, Throwable failure, Duration delay) {
                        throw sneaky(fault.get());
                    }

                    @Override
                    public void onSuccessAfterRetries(Retry r, int attempts) {
                        throw sneaky(fault.get());
                    }
                }).build();
        AtomicInteger attempts = new AtomicInteger();
        assertThat(retry.call(() -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("flaky");
            }
            return "third time";
        })).isEqualTo("third time");
        assertThat(attempts).hasValue(3);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
