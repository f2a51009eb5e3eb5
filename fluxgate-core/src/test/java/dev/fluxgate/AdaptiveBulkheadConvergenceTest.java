package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The limit settles near the simulated service's capacity C (20, then 5, then 20 again) with 60 callers
 * always wanting in; deterministic (seeded, fake time). The stated band, for both algorithms and every
 * phase: over the second half of each 10 s phase the time-averaged limit lies within [0.8 C, 1.5 C] and
 * every reading within [0.6 C, 2 C]. AIMD runs with a threshold of 1.25 unloaded RTTs (it settles near
 * 1.15-1.3 C), GRADIENT with rttTolerance 1.1 and queueSize 2 (its fixed point rttTolerance * C +
 * queueSize: 24 for C = 20, 7.5 for C = 5).
 */
class AdaptiveBulkheadConvergenceTest {

    private static final long BASE = Duration.ofMillis(10).toNanos();
    private static final long PHASE = Duration.ofSeconds(10).toNanos();

    private static void settlesWithin(List<Integer> limits, int c) {
        double mean = AdaptiveBulkheadSimulation.meanOfLastHalf(limits);
        assertThat(mean).as("mean limit for capacity %d", c).isBetween(0.8 * c, 1.5 * c);
        assertThat(AdaptiveBulkheadSimulation.minOfLastHalf(limits)).as("lowest limit for capacity %d", c)
                .isGreaterThanOrEqualTo((int) Math.ceil(0.6 * c));
        assertThat(AdaptiveBulkheadSimulation.maxOfLastHalf(limits)).as("highest limit for capacity %d", c)
                .isLessThanOrEqualTo(2 * c);
    }

    private static void runPhases(AdaptiveBulkhead.Builder builder, long seed) {
        AdaptiveBulkheadSimulation sim = new AdaptiveBulkheadSimulation(seed, BASE, 4, 20);
        AdaptiveBulkhead b = builder.ticker(sim.ticker).limits(1, 10, 500).build();
        sim.start(b, 60);
        settlesWithin(sim.runFor(PHASE, b), 20);
        sim.capacity(5); // the downstream loses capacity: the limit must follow it down
        settlesWithin(sim.runFor(PHASE, b), 5);
        sim.capacity(20); // and recover when it returns
        settlesWithin(sim.runFor(PHASE, b), 20);
        assertThat(b.permittedCalls()).isGreaterThan(10_000);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void aimdSettlesWithinTheBandAroundCapacityAndRecovers(long seed) {
        runPhases(AdaptiveBulkhead.builder("aimd").algorithm(AdaptiveBulkhead.Algorithm.AIMD)
                .latencyThreshold(Duration.ofNanos(BASE * 5 / 4)), seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void gradientSettlesWithinTheBandAroundCapacityAndRecovers(long seed) {
        runPhases(AdaptiveBulkhead.builder("gradient").algorithm(AdaptiveBulkhead.Algorithm.GRADIENT)
                .rttTolerance(1.1).queueSize(2), seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1})
    void gradientWithDefaultsSettlesNearToleranceTimesCapacityPlusQueueSize(long seed) {
        // The defaults (1.5, 4) aim at 1.5 C + 4: 34 for C = 20, 11.5 for C = 5; held to 15% of that.
        AdaptiveBulkheadSimulation sim = new AdaptiveBulkheadSimulation(seed, BASE, 4, 20);
        AdaptiveBulkhead b = AdaptiveBulkhead.builder("defaults").ticker(sim.ticker).limits(1, 10, 500).build();
        sim.start(b, 60);
        assertThat(AdaptiveBulkheadSimulation.meanOfLastHalf(sim.runFor(PHASE, b))).isBetween(34 * 0.85, 34 * 1.15);
        sim.capacity(5);
        assertThat(AdaptiveBulkheadSimulation.meanOfLastHalf(sim.runFor(PHASE, b))).isBetween(11.5 * 0.85, 11.5 * 1.15);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void gradientLowersALimitFarAboveUseWhenLatencyRises(long seed) {
        // 40 callers under a limit of 120 never use half of it; Gradient2 would skip every sample and leave
        // 120 in force over a capacity of 20 (the service queueing at 2 C). Rising RTT must still lower it.
        AdaptiveBulkheadSimulation sim = new AdaptiveBulkheadSimulation(seed, BASE, 4, 20);
        AdaptiveBulkhead b = AdaptiveBulkhead.builder("unused").rttTolerance(1.1).queueSize(2).ticker(sim.ticker)
                .limits(1, 120, 500).build();
        sim.start(b, 40);
        List<Integer> limits = sim.runFor(PHASE, b);
        assertThat(AdaptiveBulkheadSimulation.maxOfLastHalf(limits)).isLessThanOrEqualTo(40);
    }
}
