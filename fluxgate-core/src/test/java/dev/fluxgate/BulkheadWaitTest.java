package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The bulkhead's wait: measured on an injectable ticker (so a test drives it with fake time), and
 * interruptible only when a caller actually waits. Regressions: maxWait ran on real time only; and
 * an interrupted thread was told "is full" by a bulkhead with every slot free.
 */
class BulkheadWaitTest {

    private final TestTicker fake = new TestTicker();
    /** One permit per reading of the fake ticker, so that the test knows the waiter has looked at it. */
    private final Semaphore reads = new Semaphore(0);
    private final Ticker watched = () -> {
        reads.release();
        return fake.read();
    };

    private Bulkhead waiting(Duration maxWait) {
        return Bulkhead.builder("db").maxConcurrentCalls(1).maxWait(maxWait).ticker(watched).build();
    }

    @Test
    void aWaiterGivesUpWhenTheFakeTickerPassesMaxWaitAndNotBefore() throws Exception {
        Bulkhead bulkhead = waiting(Duration.ofMinutes(10));
        bulkhead.acquirePermission(); // the only slot is taken
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> bulkhead.get(() -> "never"),
                runnable -> new Thread(runnable).start());
        assertThat(reads.tryAcquire(2, 10, TimeUnit.SECONDS)).as("the waiter reads the ticker").isTrue();

        fake.advance(Duration.ofMinutes(10).minusNanos(1));
        reads.drainPermits();
        // Two more readings: the waiter has seen the time one nanosecond short of its limit and waits on.
        assertThat(reads.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        assertThat(waiter).isNotDone();

        fake.advance(Duration.ofNanos(1));
        assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(BulkheadFullException.class).hasMessageContaining("waited 10m");
        assertThat(bulkhead.rejectedCalls()).isEqualTo(1);
        bulkhead.releasePermission();
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void aWaiterGetsASlotFreedBeforeTheFakeDeadline() throws Exception {
        Bulkhead bulkhead = waiting(Duration.ofSeconds(1));
        bulkhead.acquirePermission();
        CompletableFuture<String> waiter = CompletableFuture.supplyAsync(() -> bulkhead.get(() -> "admitted"),
                runnable -> new Thread(runnable).start());
        assertThat(reads.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        fake.advance(Duration.ofMillis(999));
        bulkhead.releasePermission();
        assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("admitted");
        assertThat(bulkhead.availablePermits()).isEqualTo(1);
    }

    @Test
    void theTickerIsConfigurable() {
        assertThat(Bulkhead.builder("x").build().ticker()).isSameAs(Ticker.system());
        assertThat(waiting(Duration.ofSeconds(1)).ticker()).isSameAs(watched);
        assertThatThrownBy(() -> Bulkhead.builder("x").ticker(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("ticker");
    }

    @Test
    void anInterruptedThreadIsAdmittedByAsyncCallsWhenSlotsAreFreeAndKeepsItsFlag() throws Exception {
        Bulkhead bulkhead = Bulkhead.of("async", 2);
        Thread.currentThread().interrupt();
        try {
            CompletableFuture<String> f = bulkhead.callAsync(() -> CompletableFuture.completedFuture("ran"));
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(f.getNow("not done")).isEqualTo("ran");
            assertThat(bulkhead.tryAcquirePermission()).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            bulkhead.releasePermission();
        } finally {
            Thread.interrupted();
        }
        assertThat(bulkhead.rejectedCalls()).isZero();
        assertThat(bulkhead.availablePermits()).isEqualTo(2);
    }

    @Test
    void anInterruptedThreadIsAdmittedBySyncCallsThatDoNotWait() throws Exception {
        Bulkhead noWait = Bulkhead.of("sync", 1);
        Bulkhead mayWait = Bulkhead.builder("sync").maxConcurrentCalls(1).maxWait(Duration.ofHours(1)).build();
        Thread.currentThread().interrupt();
        try {
            assertThat(noWait.call(() -> "ran")).isEqualTo("ran");
            assertThat(mayWait.call(() -> "ran without waiting")).isEqualTo("ran without waiting");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            // Full and no wait allowed: a plain rejection, and the flag is left alone.
            noWait.acquirePermission();
            assertThatThrownBy(() -> noWait.call(() -> "x")).isInstanceOf(BulkheadFullException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            noWait.releasePermission();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void onlyAnActualWaitHonoursTheInterruptAndSaysSo() throws Exception {
        Bulkhead bulkhead = Bulkhead.builder("wait").maxConcurrentCalls(1).maxWait(Duration.ofHours(1)).build();
        bulkhead.acquirePermission();
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> bulkhead.call(() -> "x")).isInstanceOf(InterruptedException.class)
                    .hasMessageContaining("'wait'").hasMessageContaining("interrupted while waiting for a slot");
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> bulkhead.get(() -> "x")).isInstanceOf(CancellationException.class)
                    .hasCauseInstanceOf(InterruptedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
            bulkhead.releasePermission();
        }
        assertThat(bulkhead.rejectedCalls()).as("an interrupted wait is not a rejection").isZero();
    }

    @Test
    void anInterruptDuringAFakeTimeWaitEndsIt() throws Exception {
        Bulkhead bulkhead = waiting(Duration.ofHours(1));
        bulkhead.acquirePermission();
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                bulkhead.call(() -> "never");
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        waiter.start();
        assertThat(reads.tryAcquire(2, 10, TimeUnit.SECONDS)).isTrue();
        waiter.interrupt();
        assertThat(outcome.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        bulkhead.releasePermission();
    }
}
