package dev.fluxgate.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Runs every benchmark method a few thousand times without JMH: proves each one works, that the
 * breakers start in the state their case measures, and that no case trips (or closes) a breaker it
 * should not (the states' {@code @TearDown} methods check that). This is not a measurement.
 */
class BenchmarkSmokeTest {

    private static final int CALLS = 5_000;

    @Test
    void closedBenchmarksRunAndLeaveEveryBreakerClosed() throws Exception {
        assertThat(runAll(ClosedBenchmark.class)).hasSizeGreaterThanOrEqualTo(21)
                .contains("closedDecaying_fluxgate", "mixedDecaying_fluxgate");
    }

    @Test
    void stateBenchmarksRunAndLeaveEveryBreakerInItsState() throws Exception {
        assertThat(runAll(StateBenchmark.class)).hasSizeGreaterThanOrEqualTo(17);
    }

    @Test
    void rateLimiterBenchmarksGrantOnTheFastLimitersAndRefuseOnTheEmptyOnes() throws Exception {
        assertThat(runAll(RateLimiterBenchmark.class)).hasSize(16)
                .contains("limiterAcquired_fluxgate", "limiterRefused_fluxgate", "limiterAcquired_guava",
                        "limiterRefused_bucket4j");
    }

    @Test
    void retryAndHedgeBenchmarksRunWithoutRetryingOrHedging() throws Exception {
        assertThat(runAll(RetryHedgeBenchmark.class)).hasSize(6);
    }

    @Test
    void patternBenchmarksRunWithoutRejectingRetryingOrTimingOut() throws Exception {
        assertThat(runAll(PatternBenchmark.class)).hasSize(20)
                .contains("bulkhead_fluxgate", "retrySuccess_r4j", "timeoutSync_failsafe", "timeoutAsync_fluxgate",
                        "timeoutSyncWorker_fluxgate", "fallbackUsed_r4j");
    }

    @Test
    void fallbackBenchmarksAnswerWhatTheyClaim() throws Exception {
        PatternBenchmark b = new PatternBenchmark();
        b.setUp();
        try {
            for (Object answer : List.of(b.fallbackUsed_fluxgate(), b.fallbackUsed_r4j(), b.fallbackUsed_failsafe())) {
                assertThat(answer).isSameAs(PatternBenchmark.ALTERNATIVE);
            }
            for (Object answer : List.of(b.fallbackNotNeeded_fluxgate(), b.fallbackNotNeeded_r4j(),
                    b.fallbackNotNeeded_failsafe())) {
                assertThat(answer).isSameAs(Breakers.VALUE);
            }
        } finally {
            b.verify();
        }
    }

    @Test
    void pipelineBenchmarksRunAndLeaveEveryBreakerClosed() throws Exception {
        assertThat(runAll(PipelineBenchmark.class)).hasSize(11)
                .contains("pipeline_fluxgate", "pipelineTimeout_r4j", "pipelineTimeoutWorker_fluxgate",
                        "pipelineMixed_failsafe");
    }

    @Test
    void mixedPipelinesRetryEveryTenthAttemptAndSucceed() {
        PipelineBenchmark b = new PipelineBenchmark();
        b.setUp();
        try {
            PipelineBenchmark.PerThread fluxgate = new PipelineBenchmark.PerThread();
            PipelineBenchmark.PerThread r4j = new PipelineBenchmark.PerThread();
            PipelineBenchmark.PerThread failsafe = new PipelineBenchmark.PerThread();
            for (int i = 0; i < 100; i++) {
                assertThat(b.pipelineMixed_fluxgate(fluxgate)).isSameAs(Breakers.VALUE);
                assertThat(b.pipelineMixed_r4j(r4j)).isSameAs(Breakers.VALUE);
                assertThat(b.pipelineMixed_failsafe(failsafe)).isSameAs(Breakers.VALUE);
            }
            // 100 calls, every tenth attempt failed and was retried: 111 attempts (the 110th failed too).
            assertThat(List.of(fluxgate.attempts, r4j.attempts, failsafe.attempts)).containsOnly(111);
        } finally {
            b.verify();
        }
    }

    @Test
    void adaptiveBulkheadBenchmarksAdmitEveryCallAndLeakNoSlot() throws Exception {
        assertThat(runAll(AdaptiveBulkheadBenchmark.class)).containsExactly("adaptiveAdmission_fluxgate",
                "adaptiveAdmission_fluxgateLease", "adaptiveAdmission_fluxgateSemaphore", "adaptiveAdmission_resilience4j");
    }

    @Test
    void everyCaseHasFluxgateAndAtLeastOnePeer() {
        List<String> names = new ArrayList<>();
        for (Class<?> c : List.of(ClosedBenchmark.class, StateBenchmark.class, RetryHedgeBenchmark.class,
                RateLimiterBenchmark.class, PatternBenchmark.class, PipelineBenchmark.class,
                AdaptiveBulkheadBenchmark.class)) {
            for (Method m : c.getMethods()) {
                if (m.isAnnotationPresent(Benchmark.class)) {
                    names.add(m.getName());
                }
            }
        }
        names.stream().map(n -> n.substring(0, n.indexOf('_'))).distinct()
                // No peer has a decaying window: those rows compare with Fluxgate's own windows.
                .filter(c -> !c.equals("floor") && !c.equals("closedTime1h") && !c.endsWith("Decaying"))
                .forEach(c -> {
                    assertThat(names).as(c).contains(c + "_fluxgate");
                    assertThat(names).as(c).anyMatch(n -> n.startsWith(c + "_") && !n.endsWith("_fluxgate"));
                });
    }

    /** Each benchmark method on a fresh state, as JMH runs each in its own fork. */
    private static List<String> runAll(Class<?> type) throws Exception {
        List<Method> benchmarks = Arrays.stream(type.getMethods())
                .filter(m -> m.isAnnotationPresent(Benchmark.class))
                .sorted(Comparator.comparing(Method::getName))
                .toList();
        List<String> ran = new ArrayList<>();
        for (Method m : benchmarks) {
            Object state = type.getDeclaredConstructor().newInstance();
            invokeAnnotated(state, Setup.class);
            Object[] args = new Object[m.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = m.getParameterTypes()[i].getDeclaredConstructor().newInstance();
            }
            for (int i = 0; i < CALLS; i++) {
                Object result = m.invoke(state, args);
                if (m.getName().startsWith("halfOpenReject") || m.getName().startsWith("open")
                        || m.getName().startsWith("limiterRefused")) {
                    assertThat(isRejection(result)).as(m.getName() + " rejects").isTrue();
                } else if (!m.getName().startsWith("mixed") && !m.getName().startsWith("floor")) {
                    assertThat(isRejection(result)).as(m.getName() + " admits").isFalse();
                }
            }
            invokeAnnotated(state, TearDown.class);
            ran.add(m.getName());
        }
        return ran;
    }

    private static boolean isRejection(Object result) {
        return result instanceof Exception || Boolean.FALSE.equals(result)
                || (result instanceof Long l && l < 0);
    }

    /**
     * Runs the state's {@code @Setup} (or {@code @TearDown}) methods in JMH's order: trial-level setups
     * before iteration-level ones (and teardowns the other way round). {@code getMethods()} has no order,
     * so without this an iteration setup could run on a state no trial setup has built yet.
     */
    private static void invokeAnnotated(Object state, Class<? extends java.lang.annotation.Annotation> a)
            throws Exception {
        Comparator<Method> byLevel = Comparator.comparing(BenchmarkSmokeTest::level);
        List<Method> methods = Arrays.stream(state.getClass().getMethods())
                .filter(m -> m.isAnnotationPresent(a) && !Modifier.isStatic(m.getModifiers()))
                .sorted(a == TearDown.class ? byLevel.reversed() : byLevel)
                .toList();
        for (Method m : methods) {
            m.invoke(state);
        }
    }

    private static Level level(Method m) {
        Setup setup = m.getAnnotation(Setup.class);
        TearDown tearDown = m.getAnnotation(TearDown.class);
        return setup != null ? setup.value() : tearDown != null ? tearDown.value() : Level.Trial;
    }
}
