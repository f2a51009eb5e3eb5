package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    private static final int THREADS = 32;
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Runs {@code task} on every thread at once and returns the results. */
    private <T> List<T> race(int threads, java.util.concurrent.Callable<T> task) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(threads);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                barrier.await(10, TimeUnit.SECONDS);
                return task.call();
            }));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            results.add(f.get(30, TimeUnit.SECONDS));
        }
        return results;
    }

    @RepeatedTest(30)
    void exactlyMaxHalfOpenCallsProbesAreAdmittedUnderARace() throws Exception {
        TestTicker ticker = new TestTicker();
        List<Transition> transitions = new CopyOnWriteArrayList<>();
        CircuitBreaker cb = CircuitBreaker.builder("race").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.minRequests(1).and(Tripper.failureRate(1.0)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(1))).permit(Permit.all()).maxHalfOpenCalls(5)
                .listener(transitions::add).build();
        WindowTest.fail(cb);
        ticker.advance(Duration.ofSeconds(1));
        List<Long> permits = race(THREADS, cb::tryAcquirePermission);
        long admitted = permits.stream().filter(p -> p != CircuitBreaker.NO_PERMISSION).count();
        assertThat(admitted).isEqualTo(5);
        assertThat(cb.metrics().probesInUse()).isEqualTo(5);
        assertThat(cb.metrics().rejectedCalls()).isEqualTo(THREADS - 5);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN);
        // every probe settles; the first success closes, the rest are stale
        for (long p : permits) {
            if (p != CircuitBreaker.NO_PERMISSION) {
                cb.recordSuccess(p, 0);
            }
        }
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(cb.metrics().probesInUse()).isZero();
    }

    @RepeatedTest(20)
    void concurrentFailuresTripExactlyOnce() throws Exception {
        List<Transition> transitions = new CopyOnWriteArrayList<>();
        CircuitBreaker cb = CircuitBreaker.builder("trip").window(Window.count(20))
                .tripper(Tripper.minRequests(10).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofHours(1))).listener(transitions::add).build();
        race(THREADS, () -> {
            for (int i = 0; i < 20; i++) {
                try {
                    cb.run(() -> {
                        throw new IllegalStateException();
                    });
                } catch (RuntimeException expected) {
                    // rejected or failed
                }
            }
            return null;
        });
        assertThat(transitions).hasSize(1);
        assertThat(transitions.get(0).to()).isEqualTo(State.OPEN);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @RepeatedTest(5)
    void noOutcomeIsLostUnderConcurrentRecords() throws Exception {
        int perThread = 5_000;
        CircuitBreaker cb = CircuitBreaker.builder("count").window(Window.count(THREADS * perThread))
                .tripper(Tripper.minRequests(1).and(Tripper.failureRate(1.0))).build();
        cb.metricsOnly();
        race(THREADS, () -> {
            for (int i = 0; i < perThread; i++) {
                if (i % 10 == 0) {
                    WindowTest.fail(cb);
                } else {
                    cb.run(() -> { });
                }
            }
            return null;
        });
        Metrics m = cb.metrics();
        assertThat(m.calls()).isEqualTo(THREADS * perThread);
        assertThat(m.failures()).isEqualTo(THREADS * perThread / 10);
        assertThat(m.successfulCalls() + m.failedCalls()).isEqualTo((long) THREADS * perThread);
        assertThat(m.staleCalls()).isZero();
    }

    @RepeatedTest(5)
    void successesBufferedAcrossATransitionAreNotCountedInTheNewWindow() throws Exception {
        CircuitBreaker cb = CircuitBreaker.builder("fence").window(Window.count(1_000_000))
                .tripper(Tripper.minRequests(1).and(Tripper.failureRate(1.0))).build();
        AtomicInteger successes = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(THREADS);
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            workers.add(pool.submit(() -> {
                running.countDown();
                for (int i = 0; i < 2_000; i++) {
                    try {
                        cb.run(() -> { });
                        successes.incrementAndGet();
                    } catch (CallNotPermittedException e) {
                        // after the force-open
                    }
                }
            }));
        }
        running.await();
        cb.forceOpen();
        for (Future<?> w : workers) {
            w.get(30, TimeUnit.SECONDS);
        }
        Metrics m = cb.metrics();
        assertThat(m.calls()).isZero(); // the FORCED_OPEN window holds nothing admitted before it
        assertThat(m.successfulCalls()).isEqualTo(successes.get());
    }

    @Test
    void theClosedSuccessPathAllocatesNothing() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        CircuitBreaker count = CircuitBreaker.ofDefaults("alloc-count");
        CircuitBreaker time = CircuitBreaker.builder("alloc-time").window(Window.time(Duration.ofSeconds(60))).build();
        // A cooldown that asks failures for a delay does no work for successes.
        CircuitBreaker delayed = CircuitBreaker.builder("alloc-delay")
                .cooldown(Cooldown.fixed(Duration.ofSeconds(60)).withDelayFrom(RetryAfter.httpResponse(), Duration.ofMinutes(5)))
                .build();
        Supplier<String> task = () -> "ok";
        Runnable noop = () -> { };
        for (CircuitBreaker cb : List.of(count, time, delayed)) {
            for (int i = 0; i < 200_000; i++) { // warm up past JIT compilation
                cb.get(task);
                cb.run(noop);
                cb.recordSuccess(cb.tryAcquirePermission(), 0);
            }
            long id = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                cb.get(task);
                cb.run(noop);
                cb.recordSuccess(cb.tryAcquirePermission(), 0);
            }
            long allocated = mx.getThreadAllocatedBytes(id) - before;
            assertThat(allocated).as("bytes allocated by 300,000 successful calls on %s", cb.name())
                    .isLessThan(1_024);
        }
    }
}
