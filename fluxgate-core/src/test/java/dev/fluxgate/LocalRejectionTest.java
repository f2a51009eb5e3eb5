package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A policy's own rejection is a local decision: a breaker outside it does not count it as a failure. */
class LocalRejectionTest {

    private final TestTicker ticker = new TestTicker();

    /** Opens on the first tracked failure, so that any rejection counted as one shows at once. */
    private CircuitBreaker.Builder touchy(String name) {
        return CircuitBreaker.builder(name).ticker(ticker).tripper(Tripper.failureStreak(1))
                .cooldown(Cooldown.fixed(Duration.ofMinutes(1))).permit(Permit.all()).maxHalfOpenCalls(1);
    }

    /**
     * The reported case: 14 concurrent calls against a bulkhead of 10, the breaker outside it. The 4
     * rejections used to count as failures, open the breaker and reject every later caller.
     */
    @Test
    void bulkheadRejectionsOfRacingCallsDoNotOpenTheBreakerOutsideIt() throws Exception {
        CircuitBreaker cb = touchy("payments").build();
        Bulkhead bulkhead = Bulkhead.of("payments", 10);
        Resilience pipeline = Resilience.of(cb, bulkhead);
        int callers = 14;
        CyclicBarrier start = new CyclicBarrier(callers);
        CountDownLatch arrived = new CountDownLatch(callers); // inside the bulkhead, or rejected by it
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fullRejections = new AtomicInteger();
        List<CompletableFuture<String>> outcomes = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            outcomes.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                    return pipeline.call(() -> {
                        arrived.countDown();
                        release.await();
                        return "paid";
                    });
                } catch (BulkheadFullException e) {
                    fullRejections.incrementAndGet();
                    arrived.countDown();
                    return "full";
                } catch (Exception e) {
                    arrived.countDown();
                    return e.toString();
                }
            }, runnable -> new Thread(runnable).start()));
        }
        assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
        // 10 calls are still inside the bulkhead; the 4 rejected ones have settled their permits.
        assertThat(fullRejections).hasValue(4);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        release.countDown();
        List<String> results = new ArrayList<>();
        for (CompletableFuture<String> outcome : outcomes) {
            results.add(outcome.get(10, TimeUnit.SECONDS));
        }
        assertThat(results).filteredOn("paid"::equals).hasSize(10);
        assertThat(results).filteredOn("full"::equals).hasSize(4);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        Metrics m = cb.metrics();
        assertThat(m.failures()).isZero();
        assertThat(m.failedCalls()).isZero();
        assertThat(m.ignoredCalls()).isEqualTo(4);
        assertThat(m.calls()).isEqualTo(10);
        assertThat(m.rejectedCalls()).isZero();
        // And the next caller is served, not refused by an open breaker.
        assertThat(pipeline.get(() -> "next")).isEqualTo("next");
    }

    @Test
    void asyncBulkheadRejectionsInAPipelineDoNotOpenTheBreaker() throws Exception {
        CircuitBreaker cb = touchy("async").build();
        Resilience pipeline = Resilience.of(cb, Bulkhead.of("async", 2));
        CompletableFuture<String> first = new CompletableFuture<>();
        CompletableFuture<String> second = new CompletableFuture<>();
        CompletableFuture<String> a = pipeline.callAsync(() -> first);
        CompletableFuture<String> b = pipeline.callAsync(() -> second);
        for (int i = 0; i < 3; i++) {
            CompletableFuture<String> rejected = pipeline.callAsync(() -> CompletableFuture.completedFuture("x"));
            assertThatThrownBy(() -> rejected.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(BulkheadFullException.class);
        }
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(cb.metrics().ignoredCalls()).isEqualTo(3);
        first.complete("a");
        second.complete("b");
        assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("a");
        assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("b");
        assertThat(cb.metrics().failedCalls()).isZero();
    }

    @Test
    void anInnerBreakersRejectionIsNotAFailureOfTheOuterOne() throws Exception {
        CircuitBreaker outer = touchy("outer").build();
        CircuitBreaker inner = touchy("inner").build();
        inner.forceOpen();
        Resilience pipeline = Resilience.of(outer, inner);
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> pipeline.call(() -> "never")).isInstanceOf(CallNotPermittedException.class)
                    .satisfies(e -> assertThat(((CallNotPermittedException) e).breakerName()).isEqualTo("inner"));
        }
        assertThat(outer.state()).isEqualTo(State.CLOSED);
        assertThat(outer.metrics().ignoredCalls()).isEqualTo(5);
        assertThat(outer.metrics().failedCalls()).isZero();
    }

    @Test
    void aHalfOpenProbeThatMeetsAFullBulkheadGivesItsSlotBackAndDecidesNothing() throws Exception {
        CircuitBreaker cb = touchy("probe").build();
        Bulkhead bulkhead = Bulkhead.of("probe", 1);
        Resilience pipeline = Resilience.of(cb, bulkhead);
        assertThatThrownBy(() -> pipeline.call(() -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        ticker.advance(Duration.ofMinutes(1));

        bulkhead.acquirePermission(); // someone else holds the only slot
        assertThatThrownBy(() -> pipeline.call(() -> "probe")).isInstanceOf(BulkheadFullException.class);
        assertThat(cb.state()).as("a full bulkhead says nothing about the service").isEqualTo(State.HALF_OPEN);
        assertThat(cb.metrics().probesInUse()).isZero();
        bulkhead.releasePermission();

        assertThat(pipeline.call(() -> "probe")).isEqualTo("probe"); // the single probe slot was free again
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void thePermitApiIgnoresEveryLocalRejectionWithoutAskingTheTracker() {
        AtomicInteger asked = new AtomicInteger();
        CircuitBreaker cb = touchy("permits").tracker(error -> {
            asked.incrementAndGet();
            return true;
        }).build();
        cb.recordError(cb.acquirePermission(), 0, new BulkheadFullException("db", "full"));
        cb.recordError(cb.acquirePermission(), 0, new CallNotPermittedException("inner", State.OPEN, Duration.ZERO));
        cb.recordError(cb.acquirePermission(), 0, new LoadShed()); // an application's own rejection
        assertThat(asked).hasValue(0);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(cb.metrics().ignoredCalls()).isEqualTo(3);

        cb.recordError(cb.acquirePermission(), 0, new IOException("a real failure"));
        assertThat(asked).hasValue(1);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void trackLocalRejectionsTrueLetsTheTrackerCountThemAsBefore() throws Exception {
        CircuitBreaker cb = touchy("strict").trackLocalRejections(true).build();
        assertThat(cb.configuration()).containsEntry("trackLocalRejections", "true");
        Bulkhead bulkhead = Bulkhead.of("strict", 1);
        bulkhead.acquirePermission();
        assertThatThrownBy(() -> Resilience.of(cb, bulkhead).call(() -> "x"))
                .isInstanceOf(BulkheadFullException.class);
        assertThat(cb.state()).isEqualTo(State.OPEN);

        // The tracker still decides: one that only tracks I/O failures ignores rejections anyway.
        CircuitBreaker io = touchy("io").trackLocalRejections(true).tracker(Tracker.typeOf(IOException.class)).build();
        io.recordError(io.acquirePermission(), 0, new BulkheadFullException("db", "full"));
        assertThat(io.state()).isEqualTo(State.CLOSED);
        assertThat(io.metrics().ignoredCalls()).isEqualTo(1);
    }

    @Test
    void theDefaultIsDocumentedInTheConfiguration() {
        assertThat(CircuitBreaker.ofDefaults("d").configuration()).containsEntry("trackLocalRejections", "false");
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreaker.builder("base").trackLocalRejections(true));
        assertThat(registry.get("copy").configuration()).containsEntry("trackLocalRejections", "true");
    }

    @Test
    void rejectionsAreOneTypeWithoutStackTraces() {
        assertThat(new BulkheadFullException("b", "full")).isInstanceOf(RejectedException.class)
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
        assertThat(new CallNotPermittedException("c", State.OPEN, Duration.ZERO)).isInstanceOf(RejectedException.class)
                .satisfies(e -> assertThat(e.getStackTrace()).isEmpty());
    }

    /** An application's own local rejection. */
    private static final class LoadShed extends RejectedException {
        private static final long serialVersionUID = 1L;

        LoadShed() {
            super("shed");
        }
    }
}
