package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Live reconfiguration of a breaker: what carries over, what resets, and calls in flight across the change. */
class ReconfigurationTest {

    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: the tests compare outcomes, not traces
    private static final IOException DOWN = new IOException("down");

    private final TestTicker ticker = new TestTicker();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();
    private final List<Reconfiguration> reconfigurations = new CopyOnWriteArrayList<>();

    private CircuitBreaker.Builder config(int window, int minRequests) {
        return CircuitBreaker.builder("reconf").ticker(ticker).window(Window.count(window))
                .tripper(Tripper.minRequests(minRequests).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(10))).permit(Permit.all());
    }

    private CircuitBreaker breaker(CircuitBreaker.Builder b) {
        CircuitBreaker cb = b.build();
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition t) {
                transitions.add(t);
            }

            @Override
            public void onReconfigured(Reconfiguration r) {
                reconfigurations.add(r);
            }
        });
        return cb;
    }

    private static void fail(CircuitBreaker cb) {
        long p = cb.acquirePermission();
        cb.recordError(p, 0, DOWN);
    }

    private static void succeed(CircuitBreaker cb) {
        long p = cb.acquirePermission();
        cb.recordSuccess(p, 0);
    }

    @Test
    void aFittingWindowIsKeptAndJudgedByTheNewTripperAtOnce() {
        CircuitBreaker cb = breaker(config(10, 10));
        fail(cb);
        fail(cb);
        succeed(cb);
        assertThat(cb.state()).isEqualTo(State.CLOSED);

        Reconfiguration r = cb.reconfigure(config(10, 3));

        assertThat(r.carriedOver()).contains("window", "state", "permits in flight");
        assertThat(r.reset()).isEmpty();
        assertThat(r.changed()).containsExactly("tripper");
        assertThat(cb.state()).isEqualTo(State.OPEN); // 2 of 3 failed, and minRequests(3) is met now
        assertThat(transitions).singleElement().satisfies(t -> assertThat(t.reason()).contains("minRequests(3)"));
        assertThat(reconfigurations).containsExactly(r);
    }

    @Test
    void aWindowThatDoesNotFitStartsEmptyButTheCountersAndStateStay() {
        CircuitBreaker cb = breaker(config(10, 10));
        fail(cb);
        succeed(cb);

        Reconfiguration r = cb.reconfigure(config(20, 10));

        assertThat(r.reset()).containsExactly("window");
        assertThat(r.carriedOver()).doesNotContain("window").contains("lifetime counters");
        Metrics m = cb.metrics();
        assertThat(m.calls()).isZero();
        assertThat(m.failedCalls()).isEqualTo(1);
        assertThat(m.successfulCalls()).isEqualTo(1);
        assertThat(cb.configuration()).containsEntry("window", "Window.count(20)");
    }

    @Test
    void anOpenBreakerStaysOpenUntilItsOwnDeadlineAndTheNewCooldownAppliesFromTheNextOpenPeriod() {
        CircuitBreaker cb = breaker(config(2, 2).maxHalfOpenCalls(1));
        fail(cb);
        fail(cb);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        ticker.advanceMillis(4_000);

        cb.reconfigure(config(2, 2).maxHalfOpenCalls(1).cooldown(Cooldown.fixed(Duration.ofSeconds(100))));

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThatThrownBy(() -> succeed(cb)).isInstanceOfSatisfying(CallNotPermittedException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(6)));
        ticker.advanceMillis(6_000);
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        fail(cb); // the probe fails: the next open period uses the new cooldown
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThatThrownBy(() -> succeed(cb)).isInstanceOfSatisfying(CallNotPermittedException.class,
                e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(100)));
    }

    @Test
    void probesInFlightAcrossTheChangeSettleAndTheNewCloseAfterSuccessesDecidesAtOnce() {
        CircuitBreaker cb = breaker(config(10, 10).maxHalfOpenCalls(5).closeAfterSuccesses(3));
        for (int i = 0; i < 10; i++) {
            fail(cb);
        }
        ticker.advanceMillis(10_000);
        long p1 = cb.acquirePermission();
        long p2 = cb.acquirePermission();
        long p3 = cb.acquirePermission();
        cb.recordSuccess(p1, 0);
        cb.recordSuccess(p2, 0);
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertThat(cb.metrics().probesInUse()).isEqualTo(1);

        cb.reconfigure(config(10, 10).maxHalfOpenCalls(5).closeAfterSuccesses(2));

        assertThat(cb.state()).isEqualTo(State.CLOSED);
        cb.recordSuccess(p3, 0); // the last probe settles late: counted, but stale
        assertThat(cb.metrics().staleCalls()).isEqualTo(1);
        assertThat(cb.metrics().calls()).isZero();
    }

    @Test
    void aPermitAcquiredBeforeTheChangeIsRecordedInTheNewWindow() {
        CircuitBreaker cb = breaker(config(10, 10));
        long p = cb.acquirePermission();
        cb.reconfigure(config(4, 1));
        cb.recordError(p, 0, DOWN);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(transitions).singleElement().satisfies(t -> assertThat(t.metrics().failures()).isEqualTo(1));
    }

    @Test
    void anImpossibleConfigurationIsRefusedAndTheOldOneKept() {
        CircuitBreaker cb = breaker(config(10, 10));
        fail(cb);
        var before = cb.configuration();
        assertThatThrownBy(() -> cb.reconfigure(config(10, 10).tripper(Tripper.minRequests(11))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minRequests");
        assertThatThrownBy(() -> cb.reconfigure(config(10, 10).ticker(new TestTicker())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ticker");
        assertThat(cb.configuration()).isEqualTo(before);
        assertThat(cb.metrics().calls()).isEqualTo(1);
        assertThat(reconfigurations).isEmpty();
    }

    @Test
    void aListenerThatThrowsOnReconfiguredWedgesNothingAndTheOthersStillHear() {
        CircuitBreaker cb = config(10, 10).listener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onReconfigured(Reconfiguration r) {
                throw new IllegalStateException("boom");
            }
        }).build();
        List<Reconfiguration> heard = new ArrayList<>();
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onReconfigured(Reconfiguration r) {
                heard.add(r);
            }
        });
        Reconfiguration r = cb.reconfigure(config(10, 5));
        assertThat(heard).containsExactly(r);
        assertThat(r.toString()).contains("tripper").contains("minRequests(10)").contains("minRequests(5)");
        succeed(cb);
        assertThat(cb.metrics().calls()).isEqualTo(1);
    }

    @Test
    void theRegistryReconfiguresByNameFromItsDefaultsAndNeverCreates() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(config(10, 10));
        CircuitBreaker cb = registry.get("payments");
        fail(cb);

        var r = registry.reconfigure("payments", b -> b.tripper(Tripper.minRequests(1).and(Tripper.failureRate(0.5))));

        assertThat(r).hasValueSatisfying(x -> assertThat(x.name()).isEqualTo("payments"));
        assertThat(registry.get("payments")).isSameAs(cb);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(cb.configuration()).containsEntry("window", "Window.count(10)"); // the registry's default
        assertThat(registry.reconfigure("nobody", b -> { })).isEmpty();
        assertThat(registry.find("nobody")).isEmpty();
        assertThatThrownBy(() -> registry.reconfigure("payments", b -> b.window(Window.count(5))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(cb.configuration()).containsEntry("window", "Window.count(10)");
    }

    /**
     * Many threads call while another reconfigures back and forth (a fitting and a non-fitting window):
     * every permitted call is counted once, nothing throws but the breaker's own rejections, and no
     * probe slot stays taken.
     */
    @Test
    void callsRacingManyReconfigurationsAreEachCountedOnce() throws Exception {
        int threads = 8;
        int callsEach = 20_000;
        CircuitBreaker cb = CircuitBreaker.builder("race").window(Window.count(50))
                .tripper(Tripper.minRequests(20).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofNanos(1))).permit(Permit.all()).maxHalfOpenCalls(4).build();
        ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong permitted = new AtomicLong();
        AtomicLong reconfigured = new AtomicLong();
        try {
            List<Future<?>> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                callers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < callsEach; i++) {
                        long p = cb.tryAcquirePermission();
                        if (p == CircuitBreaker.NO_PERMISSION) {
                            continue;
                        }
                        permitted.incrementAndGet();
                        if ((i + seed) % 3 == 0) {
                            cb.recordError(p, 0, DOWN);
                        } else {
                            cb.recordSuccess(p, 0);
                        }
                    }
                    return null;
                }));
            }
            Future<?> reconfigurer = pool.submit(() -> {
                start.await();
                for (int i = 0; !done.get(); i++) {
                    cb.reconfigure(CircuitBreaker.builder("x").window(Window.count(i % 3 == 0 ? 40 : 50))
                            .tripper(Tripper.minRequests(i % 2 == 0 ? 20 : 10).and(Tripper.failureRate(0.5)))
                            .cooldown(Cooldown.fixed(Duration.ofNanos(1))).permit(Permit.all())
                            .maxHalfOpenCalls(1 + i % 4));
                    reconfigured.incrementAndGet();
                }
                return null;
            });
            start.countDown();
            for (Future<?> f : callers) {
                f.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            reconfigurer.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        Metrics m = cb.metrics();
        assertThat(reconfigured.get()).isPositive();
        assertThat(m.successfulCalls() + m.failedCalls()).isEqualTo(permitted.get());
        assertThat(m.probesInUse()).isZero();
        assertThat(m.calls()).isLessThanOrEqualTo(50);
    }
}
