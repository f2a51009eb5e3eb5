package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A caller that really waits for a slot on the system clock (the default ticker): it gets the slot
 * freed while it waits, or gives up when the wait is over; and what a full bulkhead says.
 */
class BulkheadSystemClockWaitTest {

    /** Waits, on a condition and never on timing, until {@code thread} is parked in a timed wait. */
    private static void awaitTimedWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (thread.getState() != Thread.State.TIMED_WAITING) {
            assertThat(System.nanoTime()).as("waiter never started waiting").isLessThan(deadline);
            Thread.sleep(1);
        }
    }

    @Test
    void aCallerWaitingOnTheSystemClockGetsASlotFreedDuringItsWait() throws Exception {
        Bulkhead bulkhead = Bulkhead.builder("wait").maxConcurrentCalls(1).maxWait(Duration.ofMinutes(5)).build();
        bulkhead.acquirePermission();
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread waiter = new Thread(() -> {
            try {
                outcome.set(bulkhead.call(() -> "waited"));
            } catch (Exception e) {
                outcome.set(e);
            }
        });
        waiter.start();
        awaitTimedWaiting(waiter); // it is parked for a slot: the free slot path is not what is tested
        bulkhead.releasePermission();
        waiter.join(30_000);

        assertThat(outcome.get()).isEqualTo("waited");
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
        assertThat(bulkhead.permittedCalls()).isEqualTo(2);
        assertThat(bulkhead.rejectedCalls()).isZero();
    }

    @Test
    void aCallerWaitingOnTheSystemClockGivesUpWhenNoSlotFrees() throws Exception {
        Bulkhead bulkhead = Bulkhead.builder("busy").maxConcurrentCalls(1).maxWait(Duration.ofMillis(20)).build();
        bulkhead.acquirePermission();
        CountDownLatch ran = new CountDownLatch(1);

        assertThatThrownBy(() -> bulkhead.call(() -> {
            ran.countDown();
            return "never";
        })).isInstanceOf(BulkheadFullException.class)
                .hasMessage("Bulkhead 'busy' is full (1 concurrent calls, waited 0.02s)");

        assertThat(ran.getCount()).isOne();
        assertThat(bulkhead.availablePermits()).isZero(); // still the one slot taken above, none given back twice
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        bulkhead.releasePermission();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void aFullBulkheadThatDoesNotWaitSaysSoWithoutAWait() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("now", 1);
        bulkhead.acquirePermission();
        assertThatThrownBy(bulkhead::acquirePermission).isInstanceOf(BulkheadFullException.class)
                .hasMessage("Bulkhead 'now' is full (1 concurrent calls)");
    }

    @Test
    void concurrentCallsCountsTheSlotsInUse() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("count", 3);
        bulkhead.acquirePermission();
        assertThat(bulkhead.concurrentCalls()).isEqualTo(1);
        assertThat(bulkhead.availablePermits()).isEqualTo(2);
        bulkhead.releasePermission();
        assertThat(bulkhead.concurrentCalls()).isZero();
        assertThat(bulkhead).hasToString("Bulkhead(count, 3)");
    }
}
