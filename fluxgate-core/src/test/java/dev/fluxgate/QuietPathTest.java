package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * The quiet path: once a count window is full of untimed successes, a success skips the lock and only
 * bumps a lifetime counter. These tests check that nothing it skips could have been observed.
 */
class QuietPathTest {

    private static CircuitBreaker breaker() {
        return CircuitBreaker.builder("quiet").window(Window.count(10))
                .tripper(Tripper.minRequests(10).and(Tripper.failureRate(0.5))).build();
    }

    @Test
    void failuresAfterManyQuietSuccessesTripAtExactlyTheThreshold() {
        CircuitBreaker cb = breaker();
        for (int i = 0; i < 100; i++) {
            CircuitBreakerTest.succeed(cb);
        }
        for (int i = 0; i < 4; i++) {
            CircuitBreakerTest.fail(cb);
        }
        Metrics m = cb.metrics();
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(m.calls()).isEqualTo(10);
        assertThat(m.failures()).isEqualTo(4);
        assertThat(m.successfulCalls()).isEqualTo(100);
        CircuitBreakerTest.fail(cb); // 5 of the last 10
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void aSuccessAfterAFailureLeavesTheQuietPathUntilTheFailureAgesOut() {
        CircuitBreaker cb = breaker();
        for (int i = 0; i < 20; i++) {
            CircuitBreakerTest.succeed(cb);
        }
        CircuitBreakerTest.fail(cb);
        for (int i = 0; i < 9; i++) {
            CircuitBreakerTest.succeed(cb);
        }
        assertThat(cb.metrics().failures()).isEqualTo(1); // still in the last 10
        CircuitBreakerTest.succeed(cb);
        assertThat(cb.metrics().failures()).isZero(); // aged out: only a recorded success can do that
        assertThat(cb.metrics().consecutiveFailures()).isZero();
    }

    @Test
    void aResetClosesTheQuietPathOfTheOldGeneration() {
        CircuitBreaker cb = breaker();
        for (int i = 0; i < 20; i++) {
            CircuitBreakerTest.succeed(cb);
        }
        cb.reset();
        for (int i = 0; i < 3; i++) {
            CircuitBreakerTest.succeed(cb);
        }
        assertThat(cb.metrics().calls()).isEqualTo(3);
        assertThat(cb.metrics().successfulCalls()).isEqualTo(23);
    }

    @RepeatedTest(5)
    void racingQuietSuccessesAndFailuresLoseNoOutcome() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        CircuitBreaker cb = CircuitBreaker.builder("quiet-race").window(Window.count(100))
                .tripper(Tripper.minRequests(100).and(Tripper.failureRate(0.5))).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier barrier = new CyclicBarrier(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    for (int i = 1; i <= perThread; i++) {
                        if (i % 1000 == 0) {
                            CircuitBreakerTest.fail(cb);
                        } else {
                            CircuitBreakerTest.succeed(cb);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Metrics m = cb.metrics();
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(m.failedCalls()).isEqualTo(threads * perThread / 1000);
        assertThat(m.successfulCalls() + m.failedCalls()).isEqualTo((long) threads * perThread);
        assertThat(m.calls()).isEqualTo(100);
        assertThat(m.failures()).isBetween(0, threads);
    }
}
