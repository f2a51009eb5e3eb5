package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The contended success path, made deterministic: a time window reads the ticker while the breaker's
 * lock is held, so a ticker that blocks on demand holds the lock for as long as the test likes. Then
 * successes cannot take the lock and go to the striped buffers, tagged with their generation.
 * Buffered successes are never lost, are counted in the window they were admitted for, and are stale
 * (lifetime counters only) when the generation moved on before they were drained.
 */
class StripedSuccessPathTest {

    private static final int BUFFERED = 20; // more than the drain threshold of one stripe

    /** A ticker that blocks the next reader once armed, until released. */
    static final class GateTicker implements Ticker {
        final AtomicLong now = new AtomicLong(1_000_000_000L);
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public long read() {
            if (armed.compareAndSet(true, false)) {
                entered.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return now.get();
        }
    }

    private final GateTicker ticker = new GateTicker();

    private CircuitBreaker breaker(Tripper tripper) {
        return CircuitBreaker.builder("striped")
                .window(Window.time(Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .tripper(tripper)
                .ticker(ticker)
                .build();
    }

    /** Records a failure in another thread and waits until it holds the lock, blocked in the ticker. */
    private Thread failureHoldingTheLock(CircuitBreaker cb, long permit) throws InterruptedException {
        ticker.armed.set(true);
        Thread t = new Thread(() -> cb.recordError(permit, 0, new IOException("holding the lock")));
        t.start();
        assertThat(ticker.entered.await(30, TimeUnit.SECONDS)).isTrue();
        return t;
    }

    @Test
    void successesRecordedWhileTheLockIsBusyAreBufferedAndNeverLost() throws Exception {
        CircuitBreaker cb = breaker(Tripper.failureStreak(3));
        Thread holder = failureHoldingTheLock(cb, cb.acquirePermission());
        for (int i = 0; i < BUFFERED; i++) {
            cb.recordSuccess(cb.acquirePermission(), 0); // returns at once: the lock is busy
        }
        ticker.release.countDown();
        holder.join(30_000);

        Metrics m = cb.metrics();
        assertThat(m.calls()).isEqualTo(BUFFERED + 1);
        assertThat(m.failures()).isEqualTo(1);
        assertThat(m.consecutiveFailures()).as("the buffered successes came after the failure").isZero();
        assertThat(m.successfulCalls()).isEqualTo(BUFFERED);
        assertThat(m.staleCalls()).isZero();

        // Once the lock is free again the next successes find their way back to the window at once.
        for (int i = 0; i < 5; i++) {
            cb.recordSuccess(cb.acquirePermission(), 0);
        }
        assertThat(cb.metrics().calls()).isEqualTo(BUFFERED + 6);
    }

    @Test
    void bufferedSuccessesOfAGenerationThatEndedAreStale() throws Exception {
        CircuitBreaker cb = breaker(Tripper.failureStreak(1));
        long[] permits = new long[BUFFERED];
        for (int i = 0; i < BUFFERED; i++) {
            permits[i] = cb.acquirePermission(); // all admitted in CLOSED, generation 0
        }
        Thread holder = failureHoldingTheLock(cb, cb.acquirePermission()); // this failure will trip it
        for (long p : permits) {
            cb.recordSuccess(p, 0);
        }
        ticker.release.countDown();
        holder.join(30_000);

        assertThat(cb.state()).isEqualTo(State.OPEN);
        Metrics m = cb.metrics();
        assertThat(m.calls()).as("nothing leaks into the OPEN window").isZero();
        assertThat(m.staleCalls()).isEqualTo(BUFFERED);
        assertThat(m.successfulCalls()).isEqualTo(BUFFERED);
        assertThat(m.failedCalls()).isEqualTo(1);
    }

    @Test
    void aFullStripeDrainsAndDecidesWithoutWaitingForAReader() throws Exception {
        // minRequests alone trips on successes too: the drain must decide, not just count.
        CircuitBreaker cb = breaker(Tripper.minRequests(BUFFERED + 1));
        Thread holder = failureHoldingTheLock(cb, cb.acquirePermission());
        for (int i = 0; i < BUFFERED - 1; i++) {
            cb.recordSuccess(cb.acquirePermission(), 0);
        }
        ticker.release.countDown();
        holder.join(30_000);
        assertThat(cb.state()).isEqualTo(State.CLOSED); // 1 failure + 19 buffered = 20 calls, not yet 21
        cb.recordSuccess(cb.acquirePermission(), 0);     // buffered (still marked contended), stripe over threshold: drains
        assertThat(cb.state()).as("the drain decided").isEqualTo(State.OPEN);
    }
}
