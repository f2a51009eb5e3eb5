package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The limit settles near the simulated service's capacity C (20, then 5, then 20 again) with 60 callers
 * always wanting in; deterministic (seeded, fake time). Bands, for the time-average of the limit over
 * the second half of each 20 s phase: AIMD with a threshold of 1.5 base latencies settles near 1.5 C and
 * must stay within [C, 2C]; GRADIENT's fixed point is rttTolerance * C + queueSize (34 for C = 20, 11.5
 * for C = 5) and it must stay within [C, 3C].
 */
class AdaptiveBulkheadConvergenceTest {

    private static final long BASE = Duration.ofMillis(10).toNanos();
    private static final long PHASE = Duration.ofSeconds(20).toNanos();

    private static void settlesWithin(List<Integer> limits, int c, double low, double high) {
        double mean = AdaptiveBulkheadSimulation.meanOfLastHalf(limits);
        assertThat(mean).as("mean limit for capacity %d", c).isBetween(low * c, high * c);
    }

    private static void runPhases(AdaptiveBulkhead.Builder builder, long seed, double low, double high) {
        AdaptiveBulkheadSimulation sim = new AdaptiveBulkheadSimulation(seed, BASE, 4, 20);
        AdaptiveBulkhead b = builder.ticker(sim.ticker).limits(1, 10, 500).build();
        sim.start(b, 60);
        settlesWithin(sim.runFor(PHASE, b), 20, low, high);
        sim.capacity(5); // the downstream loses capacity: the limit must follow it down
        settlesWithin(sim.runFor(PHASE, b), 5, low, high);
        sim.capacity(20); // and recover when it returns
        settlesWithin(sim.runFor(PHASE, b), 20, low, high);
        assertThat(b.permittedCalls()).isGreaterThan(10_000);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void aimdSettlesWithinOneToTwoTimesCapacityAndRecovers(long seed) {
        runPhases(AdaptiveBulkhead.builder("aimd").algorithm(AdaptiveBulkhead.Algorithm.AIMD)
                .latencyThreshold(Duration.ofNanos(BASE * 3 / 2)), seed, 1.0, 2.0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void gradientSettlesWithinOneToThreeTimesCapacityAndRecovers(long seed) {
        runPhases(AdaptiveBulkhead.builder("gradient").algorithm(AdaptiveBulkhead.Algorithm.GRADIENT), seed, 1.0, 3.0);
    }
}
