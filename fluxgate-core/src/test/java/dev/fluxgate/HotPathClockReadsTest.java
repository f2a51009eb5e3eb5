package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the half-open path reads the ticker only where an answer depends on it, and the lease of a
 * hung period still counts from the newest slot; an already-completed async task is settled at once.
 */
class HotPathClockReadsTest {

    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: the tests compare outcomes, not traces
    private static final IOException DOWN = new IOException("down");

    /** A manual ticker that counts its reads. */
    private static final class CountingTicker implements Ticker {
        final TestTicker time = new TestTicker();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public long read() {
            reads.incrementAndGet();
            return time.read();
        }
    }

    private final CountingTicker ticker = new CountingTicker();

    private CircuitBreaker halfOpen(int maxHalfOpenCalls, Permit permit) {
        CircuitBreaker cb = CircuitBreaker.builder("clock").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.failureStreak(1)).cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                .permit(permit).maxHalfOpenCalls(maxHalfOpenCalls).closeAfterSuccesses(maxHalfOpenCalls)
                .halfOpenTimeout(Duration.ofSeconds(5)).build();
        cb.recordError(cb.acquirePermission(), 0, DOWN);
        ticker.time.advance(Duration.ofSeconds(10));
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        return cb;
    }

    @Test
    void aProbeThatLeavesASlotFreeReadsNoClockAndGivingItBackReadsNone() {
        CircuitBreaker cb = halfOpen(3, Permit.all());
        int before = ticker.reads.get();
        long p = cb.tryAcquirePermission();
        cb.releasePermission(p);
        long q = cb.tryAcquirePermission();
        assertThat(p).isNotEqualTo(CircuitBreaker.NO_PERMISSION);
        assertThat(q).isNotEqualTo(CircuitBreaker.NO_PERMISSION);
        assertThat(ticker.reads.get() - before).isZero();
    }

    @Test
    void theProbeThatTakesTheLastSlotAndARejectionWhenAllAreTakenReadOnceEach() {
        CircuitBreaker cb = halfOpen(2, Permit.all());
        cb.tryAcquirePermission();
        int before = ticker.reads.get();
        assertThat(cb.tryAcquirePermission()).isNotEqualTo(CircuitBreaker.NO_PERMISSION); // the last slot
        assertThat(ticker.reads.get() - before).isEqualTo(1);
        assertThat(cb.tryAcquirePermission()).isEqualTo(CircuitBreaker.NO_PERMISSION); // the lease check
        assertThat(ticker.reads.get() - before).isEqualTo(2);
    }

    @Test
    void aRampingPermitReadsTheClockOncePerProbe() {
        CircuitBreaker cb = halfOpen(3, Permit.rampUp(1.0, 1.0, Duration.ofSeconds(1)));
        int before = ticker.reads.get();
        cb.tryAcquirePermission();
        assertThat(ticker.reads.get() - before).as("ramp from 1 to 1 needs no time").isZero();
        CircuitBreaker ramping = halfOpen(3, Permit.rampUp(0.5, 1.0, Duration.ofSeconds(1)));
        ticker.time.advance(Duration.ofSeconds(1)); // fully ramped: admits
        before = ticker.reads.get();
        assertThat(ramping.tryAcquirePermission()).isNotEqualTo(CircuitBreaker.NO_PERMISSION);
        assertThat(ticker.reads.get() - before).isEqualTo(1);
    }

    @Test
    void theLeaseCountsFromTheProbeThatTookTheLastSlotNotFromEarlierOnes() {
        CircuitBreaker cb = halfOpen(3, Permit.all());
        long first = cb.acquirePermission(); // t = 0, hangs
        ticker.time.advance(Duration.ofSeconds(4));
        cb.acquirePermission(); // t = 4, hangs
        long third = cb.acquirePermission(); // t = 4: the period is full
        ticker.time.advance(Duration.ofSeconds(3));
        cb.releasePermission(third); // t = 7: a slot is free again
        ticker.time.advance(Duration.ofSeconds(2));
        cb.acquirePermission(); // t = 9: full again; the lease counts from here
        ticker.time.advance(Duration.ofMillis(4_999));
        assertThat(cb.tryAcquirePermission()).as("4.999 s after the newest slot").isEqualTo(CircuitBreaker.NO_PERMISSION);
        ticker.time.advance(Duration.ofMillis(1));
        long fresh = cb.tryAcquirePermission(); // 5 s after the newest slot: leases expired, a fresh period
        assertThat(fresh).isNotEqualTo(CircuitBreaker.NO_PERMISSION);
        cb.recordSuccess(first, 0);
        assertThat(cb.metrics().staleCalls()).isEqualTo(1);
        assertThat(cb.metrics().probesInUse()).isEqualTo(1);
    }

    /**
     * Regression: the probe that fills the period stamped its lease with the clock read before its permit
     * decided, so a thread stalled in between (here: 10 s inside the permit's random draw) dated the lease
     * back, and the very next call found the fresh probe's lease expired and started a new period.
     */
    @Test
    void theLeaseOfTheProbeThatFillsThePeriodCountsFromWhenItIsAdmittedNotFromBeforeItsPermitDecided() {
        RandomGenerator stallingDraw = new RandomGenerator() {
            @Override
            public long nextLong() {
                return 0;
            }

            @Override
            public double nextDouble() {
                ticker.time.advance(Duration.ofSeconds(10)); // the caller stalls after its first clock read
                return 0.0; // admitted: below any share
            }
        };
        CircuitBreaker cb = CircuitBreaker.builder("stall").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.failureStreak(1)).cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                .permit(Permit.rampUp(0.5, 1.0, Duration.ofMinutes(10))).random(stallingDraw)
                .maxHalfOpenCalls(1).closeAfterSuccesses(1).halfOpenTimeout(Duration.ofSeconds(5)).build();
        cb.recordError(cb.acquirePermission(), 0, DOWN);
        ticker.time.advance(Duration.ofSeconds(10));
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);

        long probe = cb.tryAcquirePermission(); // read at t, admitted at t + 10 s
        assertThat(probe).isNotEqualTo(CircuitBreaker.NO_PERMISSION);
        assertThat(cb.tryAcquirePermission()).as("the probe was admitted just now: its lease holds")
                .isEqualTo(CircuitBreaker.NO_PERMISSION);
        cb.recordSuccess(probe, 0);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(cb.metrics().staleCalls()).isZero();
    }

    @Test
    void anAlreadyCompletedTaskIsRecordedBeforeCallAsyncReturnsAndGetsItsOwnFuture() {
        CircuitBreaker cb = CircuitBreaker.builder("async").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.failureStreak(1)).failureOnResult("bad"::equals).build();
        CompletableFuture<String> done = CompletableFuture.completedFuture("ok");
        CompletableFuture<String> result = cb.callAsync(() -> done);
        assertThat(result).isNotSameAs(done).isCompletedWithValue("ok");
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);
        result.cancel(true); // already complete: changes nothing, releases nothing
        assertThat(done).isCompletedWithValue("ok");
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);

        CompletableFuture<String> bad = cb.callAsync(() -> CompletableFuture.completedFuture("bad"));
        assertThat(bad).isCompletedWithValue("bad"); // a result counted as a failure is still the result
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }
}
