package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Regression (readiness deadlock): an OPEN breaker whose cooldown had passed kept reporting OPEN until
 * a call arrived, and a health check mapped OPEN to out of service; an instance out of readiness gets
 * no calls, so it stayed unready forever. Now reading the breaker makes the due OPEN to HALF_OPEN move
 * itself, once, exactly as the first call after the cooldown would.
 */
class ReadingAfterCooldownTest {

    private static final Duration COOLDOWN = Duration.ofSeconds(10);

    private final TestTicker ticker = new TestTicker();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(16);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private CircuitBreaker.Builder builder(String name) {
        return CircuitBreaker.builder(name).ticker(ticker).window(Window.count(10))
                .tripper(Tripper.failureStreak(1)).cooldown(Cooldown.fixed(COOLDOWN)).permit(Permit.all())
                .listener(transitions::add);
    }

    private CircuitBreaker opened(CircuitBreaker.Builder b) {
        CircuitBreaker cb = b.build();
        WindowTest.fail(cb);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        return cb;
    }

    @Test
    void stateReadsHalfOpenOnceTheCooldownHasPassedWithNoCall() {
        CircuitBreaker cb = opened(builder("db"));
        ticker.advance(COOLDOWN.minusNanos(1));
        assertThat(cb.state()).as("one nanosecond early").isEqualTo(State.OPEN);
        ticker.advance(Duration.ofNanos(1));
        assertThat(cb.state()).as("at exactly the end of the cooldown").isEqualTo(State.HALF_OPEN);
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN);
        assertThat(transitions.get(1).reason()).isEqualTo("cooldown 10s elapsed");
        assertThat(cb.metrics().rejectedCalls()).as("no call was needed").isZero();
        assertThat(cb.metrics().timeInState()).isZero();
    }

    @Test
    void metricsAloneMakeTheMoveAndTheNextCallIsTheProbeThatDecides() {
        CircuitBreaker cb = opened(builder("db"));
        ticker.advance(Duration.ofMinutes(3));
        assertThat(cb.metrics().transitions()).as("the OPEN to HALF_OPEN move is counted").isEqualTo(2);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN);
        cb.run(() -> { });
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
    }

    @Test
    void healthReportIsDegradedNotDownOnceTheCooldownHasPassed() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(builder("default"));
        CircuitBreaker payments = registry.get("payments");
        WindowTest.fail(payments);
        assertThat(HealthReport.of(registry).status()).isEqualTo(HealthReport.Status.DOWN);

        ticker.advance(COOLDOWN);
        HealthReport report = HealthReport.of(registry);
        assertThat(report.status()).as("recovering, not down, before any call").isEqualTo(HealthReport.Status.DEGRADED);
        assertThat(report.breakers()).singleElement().satisfies(b -> {
            assertThat(b.state()).isEqualTo(State.HALF_OPEN);
            assertThat(b.status()).isEqualTo(HealthReport.Status.DEGRADED);
        });
        assertThat(report.toJson()).contains("\"status\":\"DEGRADED\",\"state\":\"HALF_OPEN\"");
    }

    @Test
    void aManualCooldownAndAForcedOpenNeverMoveOnRead() {
        CircuitBreaker manual = opened(builder("manual").cooldown(Cooldown.manual()));
        CircuitBreaker forced = builder("forced").build();
        forced.forceOpen();
        ticker.advance(Duration.ofDays(400));
        assertThat(manual.state()).isEqualTo(State.OPEN);
        assertThat(manual.metrics().timeInState()).isEqualTo(Duration.ofDays(400));
        assertThat(forced.state()).isEqualTo(State.FORCED_OPEN);
        assertThat(HealthReport.of(List.of(manual, forced), List.of()).status()).isEqualTo(HealthReport.Status.DOWN);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.FORCED_OPEN);
    }

    @Test
    void onlyAnOpenBreakerReadsTheTickerWhenItsStateIsRead() {
        AtomicLong now = new AtomicLong();
        AtomicLong reads = new AtomicLong();
        CircuitBreaker cb = CircuitBreaker.builder("reads").tripper(Tripper.failureStreak(1))
                .cooldown(Cooldown.fixed(COOLDOWN)).ticker(() -> {
                    reads.incrementAndGet();
                    return now.get();
                }).build();
        long before = reads.get();
        for (int i = 0; i < 100; i++) {
            assertThat(cb.state()).isEqualTo(State.CLOSED);
        }
        assertThat(reads.get()).as("CLOSED: a plain read of the state word").isEqualTo(before);
        WindowTest.fail(cb);
        before = reads.get();
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(reads.get()).as("OPEN: one ticker read to check the cooldown").isEqualTo(before + 1);
    }

    @RepeatedTest(20)
    void manyThreadsReadingAtOnceAfterTheCooldownPublishExactlyOneTransition() throws Exception {
        CircuitBreaker cb = opened(builder("race"));
        ticker.advance(COOLDOWN);
        int threads = 16;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<List<State>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean viaMetrics = t % 2 == 0;
            futures.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                List<State> seen = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    if (viaMetrics) {
                        cb.metrics();
                    }
                    seen.add(cb.state());
                }
                return seen;
            }));
        }
        for (Future<List<State>> f : futures) {
            assertThat(f.get(30, TimeUnit.SECONDS)).as("no reader sees OPEN once the cooldown has passed")
                    .containsOnly(State.HALF_OPEN);
        }
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN);
        assertThat(cb.metrics().transitions()).isEqualTo(2);
    }
}
