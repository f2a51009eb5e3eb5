package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AsyncTest {

    private final TestTicker ticker = new TestTicker();

    private CircuitBreaker breaker() {
        return CircuitBreaker.builder("async").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.minRequests(2).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1))).permit(Permit.all()).maxHalfOpenCalls(1)
                .slowCallThreshold(Duration.ofMillis(10))
                .build();
    }

    @Test
    void successIsRecordedWithItsDurationBeforeTheFutureCompletes() throws Exception {
        CircuitBreaker cb = breaker();
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> f = cb.callAsync(() -> source);
        AtomicInteger callsSeenOnCompletion = new AtomicInteger(-1);
        f.thenRun(() -> callsSeenOnCompletion.set(cb.metrics().calls()));
        assertThat(f).isNotDone();
        ticker.advanceMillis(25);
        source.complete("ok");
        assertThat(f.get()).isEqualTo("ok");
        assertThat(callsSeenOnCompletion.get()).isEqualTo(1);
        assertThat(cb.metrics().slowCalls(Duration.ofMillis(10))).isEqualTo(1);
        assertThat(cb.metrics().averageDuration()).contains(Duration.ofMillis(25));
    }

    @Test
    void failureIsUnwrappedForTheTrackerAndTheFutureFailsWithTheOriginal() {
        CircuitBreaker cb = CircuitBreaker.builder("async").tracker(Tracker.typeOf(IOException.class)).build();
        IOException original = new IOException("down");
        CompletableFuture<String> f = cb.callAsync(() -> CompletableFuture.supplyAsync(() -> {
            throw new CompletionException(original);
        }));
        assertThat(f).failsWithin(Duration.ofSeconds(5)).withThrowableOfType(ExecutionException.class)
                .havingCause().isSameAs(original);
        assertThat(cb.metrics().failures()).isEqualTo(1);
    }

    @Test
    void aTaskThatThrowsBeforeReturningAStageFailsTheFuture() {
        CircuitBreaker cb = breaker();
        IllegalStateException boom = new IllegalStateException("no stage");
        CompletableFuture<String> f = cb.callAsync(() -> {
            throw boom;
        });
        assertThat(f).isCompletedExceptionally();
        assertThat(f.handle((v, e) -> e).join()).isSameAs(boom);
        assertThat(cb.metrics().failures()).isEqualTo(1);
    }

    @Test
    void rejectionFailsTheFutureWithoutThrowing() {
        CircuitBreaker cb = breaker();
        cb.forceOpen();
        CompletableFuture<String> f = cb.callAsync(() -> CompletableFuture.completedFuture("never"));
        assertThat(f.handle((v, e) -> e).join()).isInstanceOf(CallNotPermittedException.class);
    }

    @Test
    void cancelledProbeFreesItsHalfOpenSlot() {
        CircuitBreaker cb = breaker();
        openIt(cb);
        ticker.advance(Duration.ofSeconds(1));
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> probe = cb.callAsync(() -> source);
        assertThat(cb.metrics().probesInUse()).isEqualTo(1);
        assertThat(cb.callAsync(() -> CompletableFuture.completedFuture("x")).handle((v, e) -> e).join())
                .isInstanceOf(CallNotPermittedException.class);
        probe.cancel(true);
        assertThat(source).isCancelled();
        assertThat(cb.metrics().probesInUse()).isZero();
        source.complete("too late"); // ignored: already settled
        assertThat(cb.callAsync(() -> CompletableFuture.completedFuture("y")).join()).isEqualTo("y");
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void aTaskCancelledFromInsideReleasesTheSlotWithoutRecording() {
        CircuitBreaker cb = breaker();
        openIt(cb);
        ticker.advance(Duration.ofSeconds(1));
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletableFuture<String> probe = cb.callAsync(() -> source);
        source.cancel(true);
        assertThat(probe.handle((v, e) -> e).join()).isInstanceOf(CancellationException.class);
        assertThat(cb.metrics().probesInUse()).isZero();
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
    }

    private static void openIt(CircuitBreaker cb) {
        for (int i = 0; i < 2; i++) {
            cb.callAsync(() -> CompletableFuture.failedFuture(new IllegalStateException()));
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }
}
