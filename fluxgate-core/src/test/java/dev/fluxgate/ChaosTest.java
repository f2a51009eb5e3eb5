package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Chaos: which calls get which fault, the on/off switch, marking, listeners, counters, placement. */
class ChaosTest {

    private final TestTicker ticker = new TestTicker();

    /** A sleeper on fake time: records each wait and advances the ticker instead of sleeping. */
    private final List<Long> sleeps = new ArrayList<>();
    private final Retry.Sleeper fakeSleeper = nanos -> {
        sleeps.add(nanos);
        ticker.advance(Duration.ofNanos(nanos));
    };

    /** What a call through {@code chaos} came to: "ok", "result:x", "latency" (slept) or the exception's class. */
    private String outcome(Chaos chaos) {
        int before = sleeps.size();
        try {
            String r = chaos.call(() -> "ok");
            return sleeps.size() > before ? "latency" : r.equals("ok") ? "ok" : "result:" + r;
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    @Test
    void aFixedSeedHitsExactlyTheCallsItsDrawsPick() {
        Chaos chaos = Chaos.builder("seeded").exception(0.1, () -> new IOException("reset"))
                .latency(0.2, Duration.ofMillis(50)).result(0.05, "stale").seed(42).sleeper(fakeSleeper)
                .enabled(true).build();
        // The contract: one nextDouble() per call; faults own consecutive shares [0, .1), [.1, .3), [.3, .35).
        Random replay = new Random(42);
        int[] expected = new int[4];
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            double u = replay.nextDouble();
            expected[u < 0.1 ? 0 : u < 0.3 ? 1 : u < 0.35 ? 2 : 3]++;
            String o = outcome(chaos);
            outcomes.add(o);
            assertThat(o).as("call %d, draw %s", i, u)
                    .isEqualTo(u < 0.1 ? "IOException" : u < 0.3 ? "latency" : u < 0.35 ? "result:stale" : "ok");
        }
        assertThat(chaos.injected(Chaos.Kind.EXCEPTION)).isEqualTo(expected[0]);
        assertThat(chaos.injected(Chaos.Kind.LATENCY)).isEqualTo(expected[1]);
        assertThat(chaos.injected(Chaos.Kind.RESULT)).isEqualTo(expected[2]);
        assertThat(chaos.passedThrough()).isEqualTo(expected[3]);
        assertThat(sleeps).hasSize(expected[1]).allMatch(n -> n == 50_000_000L);
        // The same seed repeats the same run.
        sleeps.clear();
        Chaos again = Chaos.builder("seeded").exception(0.1, () -> new IOException("reset"))
                .latency(0.2, Duration.ofMillis(50)).result(0.05, "stale").seed(42).sleeper(fakeSleeper)
                .enabled(true).build();
        List<String> second = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            second.add(outcome(again));
        }
        assertThat(second).isEqualTo(outcomes);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 2026})
    void over10000CallsEachFaultHitsItsShareWithinFiveSigma(long seed) throws Exception {
        Chaos chaos = Chaos.builder("band").exception(0.2).result(0.05, "x").latency(0.5, Duration.ZERO)
                .seed(seed).sleeper(nanos -> { }).enabled(true).build();
        int n = 10_000;
        for (int i = 0; i < n; i++) {
            try {
                chaos.call(() -> "ok");
            } catch (ChaosException expected) {
                // counted below
            }
        }
        assertWithinFiveSigma(chaos.injected(Chaos.Kind.EXCEPTION), n, 0.2);
        assertWithinFiveSigma(chaos.injected(Chaos.Kind.RESULT), n, 0.05);
        assertWithinFiveSigma(chaos.injected(Chaos.Kind.LATENCY), n, 0.5);
        assertWithinFiveSigma(chaos.passedThrough(), n, 0.25);
    }

    private static void assertWithinFiveSigma(long count, int n, double p) {
        double sigma = Math.sqrt(n * p * (1 - p));
        assertThat((double) count).isBetween(n * p - 5 * sigma, n * p + 5 * sigma);
    }

    @Test
    void ratesOfZeroAndOneNeverAndAlwaysInject() throws Exception {
        Chaos never = Chaos.builder("never").exception(0).seed(1).enabled(true).build();
        Chaos always = Chaos.builder("always").result(1, "fake").seed(1).enabled(true).build();
        for (int i = 0; i < 1000; i++) {
            assertThat(never.call(() -> "real")).isEqualTo("real");
            assertThat(always.call(() -> "real")).isEqualTo("fake");
        }
        assertThat(never.passedThrough()).isEqualTo(1000);
        assertThat(always.injected(Chaos.Kind.RESULT)).isEqualTo(1000);
    }

    @Test
    void disabledByDefaultAndSwitchableAtRunTime() throws Exception {
        AtomicInteger draws = new AtomicInteger();
        Random counting = new Random(3) {
            private static final long serialVersionUID = 1L;

            @Override
            public double nextDouble() {
                draws.incrementAndGet();
                return super.nextDouble();
            }
        };
        Chaos chaos = Chaos.builder("switch").exception(1).random(counting).build();
        assertThat(chaos.isEnabled()).isFalse();
        assertThat(chaos.call(() -> "real")).isEqualTo("real");
        assertThat(chaos.callAsync(() -> CompletableFuture.completedFuture("real")).join()).isEqualTo("real");
        assertThat(draws).as("no draw while disabled").hasValue(0);
        assertThat(chaos.passedThrough()).as("disabled calls are not counted").isZero();

        chaos.enable();
        assertThat(chaos.isEnabled()).isTrue();
        assertThatThrownBy(() -> chaos.call(() -> "real")).isInstanceOf(ChaosException.class)
                .hasMessageContaining("Chaos 'switch'");
        assertThat(draws).hasValue(1);

        chaos.disable();
        assertThat(chaos.call(() -> "real")).isEqualTo("real");
        assertThat(chaos.injected(Chaos.Kind.EXCEPTION)).isEqualTo(1);
        assertThat(chaos.toString()).contains("disabled");
    }

    @Test
    void aBreakerOutsideOpensOnInjectedExceptionsWithoutABrokenService() throws Exception {
        CircuitBreaker cb = CircuitBreaker.builder("payments").ticker(ticker).tripper(Tripper.failureStreak(3))
                .cooldown(Cooldown.fixed(Duration.ofMinutes(1))).build();
        Chaos chaos = Chaos.builder("payments").exception(1, () -> new IOException("reset")).seed(5).build();
        Resilience pipeline = Resilience.of(cb, chaos);
        AtomicInteger serviceCalls = new AtomicInteger();
        assertThat(pipeline.call(serviceCalls::incrementAndGet)).isEqualTo(1); // disabled: untouched
        chaos.enable();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> pipeline.call(serviceCalls::incrementAndGet))
                    .isInstanceOf(IOException.class).satisfies(e -> assertThat(Chaos.isInjected(e)).isTrue());
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThatThrownBy(() -> pipeline.call(serviceCalls::incrementAndGet))
                .isInstanceOf(CallNotPermittedException.class);
        assertThat(serviceCalls).as("the real service was never broken, nor called while injected").hasValue(1);
        assertThat(chaos.injected(Chaos.Kind.EXCEPTION)).isEqualTo(3);
    }

    @Test
    void injectedExceptionsAreMarkedOnceAndRealOnesAreNot() {
        IOException shared = new IOException("same instance");
        Chaos chaos = Chaos.builder("mark").exception(1, () -> shared).enabled(true).build();
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(() -> chaos.call(() -> "x")).isSameAs(shared);
        }
        assertThat(shared.getSuppressed()).hasSize(1).allMatch(s -> s instanceof ChaosException);
        assertThat(Chaos.isInjected(shared)).isTrue();
        assertThat(Chaos.isInjected(new CompletionException(new RuntimeException("wrapped", shared)))).isTrue();
        assertThat(Chaos.isInjected(new IOException("real"))).isFalse();
        assertThat(Chaos.isInjected(null)).isFalse();
        RuntimeException cyclic = new RuntimeException("a");
        RuntimeException other = new RuntimeException("b", cyclic);
        cyclic.initCause(other);
        assertThat(Chaos.isInjected(cyclic)).isFalse();
    }

    @Test
    void anExceptionSupplierThatThrowsOrReturnsNullInjectsAPlainChaosException() {
        Chaos throwing = Chaos.builder("t").exception(1, () -> {
            throw new IllegalStateException("broken supplier");
        }).enabled(true).build();
        Chaos nulls = Chaos.builder("n").exception(1, () -> null).enabled(true).build();
        assertThatThrownBy(() -> throwing.call(() -> "x")).isExactlyInstanceOf(ChaosException.class);
        assertThatThrownBy(() -> nulls.call(() -> "x")).isExactlyInstanceOf(ChaosException.class);
    }

    @Test
    void aSyncLatencyWaitsThroughTheSleeperThenRunsTheTask() throws Exception {
        Chaos chaos = Chaos.builder("slow").latency(1, Duration.ofSeconds(2)).sleeper(fakeSleeper).enabled(true)
                .build();
        long start = ticker.read();
        AtomicLong ranAt = new AtomicLong();
        assertThat(chaos.call(() -> {
            ranAt.set(ticker.read());
            return "real";
        })).isEqualTo("real");
        assertThat(ranAt.get() - start).isEqualTo(Duration.ofSeconds(2).toNanos());
        assertThat(sleeps).containsExactly(Duration.ofSeconds(2).toNanos());
    }

    @Test
    void anInterruptedSyncLatencyThrowsAndDoesNotRunTheTask() {
        Chaos chaos = Chaos.builder("slow").latency(1, Duration.ofSeconds(2)).sleeper(nanos -> {
            throw new InterruptedException("stop");
        }).enabled(true).build();
        AtomicInteger ran = new AtomicInteger();
        assertThatThrownBy(() -> chaos.call(ran::incrementAndGet)).isInstanceOf(InterruptedException.class);
        assertThat(ran).hasValue(0);
    }

    @Test
    void anAsyncLatencyStartsTheTaskOnTheSchedulerWithoutBlocking() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        Chaos chaos = Chaos.builder("slow").latency(1, Duration.ofSeconds(2)).scheduler(scheduler)
                .sleeper(nanos -> {
                    throw new AssertionError("an async call must not sleep");
                }).enabled(true).build();
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<String> f = chaos.callAsync(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture("real");
        });
        assertThat(f).isNotDone();
        assertThat(started).hasValue(0);
        scheduler.advance(Duration.ofMillis(1999));
        assertThat(f).isNotDone();
        scheduler.advance(Duration.ofMillis(1));
        assertThat(f).isCompletedWithValue("real");
        assertThat(started).hasValue(1);
    }

    @Test
    void cancellingAnAsyncCallDuringItsLatencyCancelsTheTimerAndNeverStartsTheTask() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        Chaos chaos = Chaos.builder("slow").latency(1, Duration.ofSeconds(2)).scheduler(scheduler).enabled(true)
                .build();
        AtomicInteger started = new AtomicInteger();
        CompletableFuture<String> f = chaos.callAsync(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture("real");
        });
        f.cancel(true);
        assertThat(scheduler.pending()).isZero();
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(started).hasValue(0);
        assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void asyncExceptionAndSubstituteResultDoNotStartTheTask() {
        AtomicInteger started = new AtomicInteger();
        Chaos failing = Chaos.builder("f").exception(1, () -> new IOException("reset")).enabled(true).build();
        Chaos faking = Chaos.builder("r").result(1, "cached").enabled(true).build();
        CompletableFuture<String> failed = failing.callAsync(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture("real");
        });
        CompletableFuture<String> faked = faking.callAsync(() -> {
            started.incrementAndGet();
            return CompletableFuture.completedFuture("real");
        });
        assertThatThrownBy(failed::join).hasCauseInstanceOf(IOException.class)
                .satisfies(e -> assertThat(Chaos.isInjected(e)).isTrue());
        assertThat(faked).isCompletedWithValue("cached");
        assertThat(started).hasValue(0);
    }

    @Test
    void aSubstituteResultReplacesTheSyncCall() throws Exception {
        Chaos chaos = Chaos.builder("r").result(1, 7).enabled(true).build();
        AtomicInteger ran = new AtomicInteger();
        Integer value = chaos.call(ran::incrementAndGet);
        assertThat(value).isEqualTo(7);
        assertThat(ran).hasValue(0);
    }

    @Test
    void listenersHearEachInjectionWithItsKindAndOneThatThrowsChangesNothing() throws Exception {
        List<Chaos.Kind> heard = new ArrayList<>();
        Chaos chaos = Chaos.builder("heard").exception(0.3).result(0.3, "r").latency(0.3, Duration.ofMillis(1))
                .sleeper(fakeSleeper).seed(9)
                .listener((c, kind) -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener((c, kind) -> heard.add(kind))
                .enabled(true).build();
        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            outcomes.add(outcome(chaos));
        }
        List<Chaos.Kind> expected = new ArrayList<>();
        for (String o : outcomes) {
            switch (o) {
                case "ChaosException" -> expected.add(Chaos.Kind.EXCEPTION);
                case "result:r" -> expected.add(Chaos.Kind.RESULT);
                case "latency" -> expected.add(Chaos.Kind.LATENCY);
                default -> assertThat(o).isEqualTo("ok");
            }
        }
        assertThat(heard).isEqualTo(expected);
        assertThat(heard).contains(Chaos.Kind.EXCEPTION, Chaos.Kind.RESULT, Chaos.Kind.LATENCY);
        assertThat(chaos.injected(Chaos.Kind.EXCEPTION) + chaos.injected(Chaos.Kind.RESULT)
                + chaos.injected(Chaos.Kind.LATENCY)).isEqualTo(heard.size());
    }

    @Test
    void aRandomSourceThatThrowsLetsTheCallPassThrough() throws Exception {
        Random broken = new Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public double nextDouble() {
                throw new IllegalStateException("broken random");
            }
        };
        Chaos chaos = Chaos.builder("r").exception(1).random(broken).enabled(true).build();
        assertThat(chaos.call(() -> "real")).isEqualTo("real");
        assertThat(chaos.passedThrough()).isEqualTo(1);
    }

    @Test
    void buildRejectsBadRatesAndNoFaultsNamingTheParameterAndRange() {
        assertThatThrownBy(() -> Chaos.builder("v").exception(1.5).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate must be in [0, 1]")
                .hasMessageContaining("1.5");
        assertThatThrownBy(() -> Chaos.builder("v").result(-0.1, "x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate must be in [0, 1]");
        assertThatThrownBy(() -> Chaos.builder("v").latency(Double.NaN, Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Chaos.builder("v").exception(0.6).result(0.6, "x").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rates must add up to at most 1");
        assertThat(Chaos.builder("v").exception(0.1).result(0.2, "x").latency(0.7, Duration.ZERO).build())
                .as("0.1 + 0.2 + 0.7 rounds above 1 in doubles, and is still accepted").isNotNull();
        assertThatThrownBy(() -> Chaos.builder("v").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one fault");
        assertThatThrownBy(() -> Chaos.builder("v").latency(0.1, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("latency must be zero or more");
        assertThatThrownBy(() -> Chaos.builder(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> Chaos.builder("v").result(0.1, nullObject()))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("value");
    }

    @SuppressWarnings("NullAway")
    private static Object nullObject() {
        return null;
    }

    @Test
    void concurrentCallersCountsAddUp() throws Exception {
        Chaos chaos = Chaos.builder("threads").exception(0.25).result(0.25, "r").seed(11).enabled(true).build();
        int threads = 4;
        int perThread = 5_000;
        CyclicBarrier start = new CyclicBarrier(threads);
        AtomicLong exceptions = new AtomicLong();
        AtomicLong results = new AtomicLong();
        AtomicLong real = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        try {
                            (chaos.call(() -> "real").equals("real") ? real : results).incrementAndGet();
                        } catch (ChaosException e) {
                            exceptions.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(chaos.injected(Chaos.Kind.EXCEPTION)).isEqualTo(exceptions.get());
        assertThat(chaos.injected(Chaos.Kind.RESULT)).isEqualTo(results.get());
        assertThat(chaos.passedThrough()).isEqualTo(real.get());
        assertThat(exceptions.get() + results.get() + real.get()).isEqualTo((long) threads * perThread);
        assertWithinFiveSigma(exceptions.get(), threads * perThread, 0.25);
    }

    @Test
    void aRunTimeSwitchIsSeenByOtherThreads() throws Exception {
        Chaos chaos = Chaos.builder("flip").exception(1).build();
        CountDownLatch flipped = new CountDownLatch(1);
        CompletableFuture<Boolean> sawInjection = CompletableFuture.supplyAsync(() -> {
            try {
                flipped.await(10, TimeUnit.SECONDS);
                chaos.call(() -> "real");
                return false;
            } catch (ChaosException e) {
                return true;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
        chaos.enable();
        flipped.countDown();
        assertThat(sawInjection.get(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void nextFaultDrawsAndCountsLikeACallAndNothingWhileDisabled() {
        java.util.List<Chaos.Kind> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
        Chaos chaos = Chaos.builder("low-level").latency(1.0, Duration.ofMillis(250)).build();
        chaos.addListener((c, kind) -> heard.add(kind));
        assertThat(chaos.nextFault()).as("disabled: no draw").isNull();
        assertThat(chaos.injected(Chaos.Kind.LATENCY) + chaos.passedThrough()).isZero();
        chaos.enable();
        Chaos.Fault fault = chaos.nextFault();
        assertThat(fault).isNotNull();
        assertThat(fault.kind()).isEqualTo(Chaos.Kind.LATENCY);
        assertThat(fault.latency()).isEqualTo(Duration.ofMillis(250));
        assertThat(fault.result()).isNull();
        assertThat(chaos.injected(Chaos.Kind.LATENCY)).isEqualTo(1);
        assertThat(heard).as("a listener added after build() hears it").containsExactly(Chaos.Kind.LATENCY);
        assertThatThrownBy(() -> chaos.exceptionOf(fault)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("EXCEPTION fault");
    }

    @Test
    void exceptionOfMakesTheFaultsExceptionMarkedAsInjected() {
        Chaos chaos = Chaos.builder("low-level").exception(1.0, () -> new IllegalStateException("boom"))
                .enabled(true).build();
        Chaos.Fault fault = chaos.nextFault();
        assertThat(fault).isNotNull();
        Exception e = chaos.exceptionOf(fault);
        assertThat(e).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        assertThat(Chaos.isInjected(e)).isTrue();
    }
}
