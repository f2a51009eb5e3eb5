package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ConcurrentBindingTest {

    @Test
    void callsOnManyThreadsAreCountedExactlyWhileScrapesRun() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CircuitBreaker cb = CircuitBreaker.builder("busy").window(Window.count(100))
                .tripper(Tripper.minRequests(100).and(Tripper.failureRate(1.0))).build();
        CircuitBreakerMeters.create().bind(cb, prometheus);
        int threads = 8;
        int calls = 2_000;
        AtomicBoolean done = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        try {
            Future<?> scraper = pool.submit(() -> {
                while (!done.get()) {
                    assertThat(prometheus.scrape()).contains("fluxgate_circuitbreaker_state");
                }
            });
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                callers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        if (i % 4 == 0) {
                            try {
                                cb.run(() -> {
                                    throw new IllegalStateException("every fourth");
                                });
                            } catch (IllegalStateException expected) {
                                // counted as a failure
                            }
                        } else {
                            cb.run(() -> { });
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : callers) {
                f.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            scraper.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(prometheus.get("fluxgate.circuitbreaker.calls").tag("kind", "successful").timer().count())
                .isEqualTo((long) threads * calls * 3 / 4);
        assertThat(prometheus.get("fluxgate.circuitbreaker.calls").tag("kind", "failed").timer().count())
                .isEqualTo((long) threads * calls / 4);
    }

    @Test
    void concurrentAddsAndRemovesLeaveMetersForExactlyTheBreakersPresent() throws Exception {
        for (int round = 0; round < 3; round++) {
            addAndRemoveConcurrently(System.nanoTime());
        }
    }

    private static void addAndRemoveConcurrently(long seed) throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        CircuitBreakerMeters.create().bind(registry, prometheus);
        int threads = 6;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Random random = new Random(seed + t);
                workers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 500; i++) {
                        String name = "cb-" + random.nextInt(3);
                        if (random.nextBoolean()) {
                            registry.get(name);
                        } else {
                            registry.remove(name);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : workers) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Set<String> present = registry.all().stream().map(CircuitBreaker::name).collect(Collectors.toSet());
        Set<String> metered = prometheus.find("fluxgate.circuitbreaker.state").meters().stream()
                .map(Meter::getId).map(id -> id.getTag("name")).collect(Collectors.toSet());
        assertThat(metered).as("seed %d", seed).isEqualTo(present);
        for (String name : present) {
            assertThat(prometheus.find("fluxgate.circuitbreaker.state").tag("name", name).meters())
                    .as("seed %d", seed).hasSize(6);
        }
    }

    /** An entry listener, added before the binding, that holds one thread inside a chosen callback. */
    private static final class Stall implements Registry.EntryListener<CircuitBreaker> {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile boolean stallAdd;
        volatile boolean stallRemove;

        @Override
        public void onAdded(CircuitBreaker breaker) {
            if (stallAdd) {
                stallAdd = false;
                stall();
            }
        }

        @Override
        public void onRemoved(CircuitBreaker breaker) {
            if (stallRemove) {
                stallRemove = false;
                stall();
            }
        }

        private void stall() {
            entered.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aLateRemovalOfAnEvictedBreakerLeavesItsSuccessorsMeters() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        Stall stall = new Stall();
        registry.addEntryListener(stall);
        CircuitBreakerMeters.create().bind(registry, prometheus);
        registry.get("x");

        stall.stallRemove = true;
        ExecutorService remover = Executors.newSingleThreadExecutor();
        try {
            Future<?> removal = remover.submit(() -> registry.remove("x")); // stalls before our onRemoved
            assertThat(stall.entered.await(10, TimeUnit.SECONDS)).isTrue();
            CircuitBreaker successor = registry.get("x"); // bound while the old removal is still pending
            stall.release.countDown();
            removal.get(10, TimeUnit.SECONDS);

            successor.forceOpen();
            assertThat(prometheus.find("fluxgate.circuitbreaker.state").tag("name", "x").meters()).hasSize(6);
            assertThat(prometheus.get("fluxgate.circuitbreaker.state").tag("name", "x").tag("state", "forced_open")
                    .gauge().value()).isEqualTo(1.0);
        } finally {
            remover.shutdownNow();
        }
    }

    @Test
    void aLateAddOfAnEvictedBreakerDoesNotBindOverItsSuccessor() throws Exception {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        Stall stall = new Stall();
        registry.addEntryListener(stall);
        CircuitBreakerMeters.create().bind(registry, prometheus);

        stall.stallAdd = true;
        ExecutorService adder = Executors.newSingleThreadExecutor();
        try {
            Future<CircuitBreaker> add = adder.submit(() -> registry.get("x")); // stalls before our onAdded
            assertThat(stall.entered.await(10, TimeUnit.SECONDS)).isTrue();
            registry.remove("x");
            CircuitBreaker successor = registry.get("x");
            stall.release.countDown();
            CircuitBreaker evicted = add.get(10, TimeUnit.SECONDS);
            assertThat(evicted).isNotSameAs(successor);

            successor.forceOpen();
            assertThat(prometheus.get("fluxgate.circuitbreaker.state").tag("name", "x").tag("state", "forced_open")
                    .gauge().value()).isEqualTo(1.0);
            evicted.disable(); // the evicted breaker has no meters to move
            assertThat(prometheus.get("fluxgate.circuitbreaker.state").tag("name", "x").tag("state", "disabled")
                    .gauge().value()).isEqualTo(0.0);
        } finally {
            adder.shutdownNow();
        }
    }
}
