package dev.fluxgate.test;

import dev.fluxgate.Chaos;

/**
 * Fault injection set up for tests: a {@link Chaos} builder that is seeded (the same calls are hit on
 * every run), enabled from the start, and waits out injected latencies on a {@link ManualSleeper}
 * instead of the clock. Add the faults, then build:
 *
 * <pre>{@code
 * ManualTicker ticker = new ManualTicker();
 * ManualSleeper sleeper = new ManualSleeper(ticker);
 * Chaos chaos = TestChaos.builder("payments", 42, sleeper)
 *         .exception(0.5, () -> new IOException("reset"))
 *         .build();
 * Resilience pipeline = Resilience.of(breaker, chaos);
 * // ... drive calls, then:
 * ChaosAssert.assertThat(chaos).hasInjected(Chaos.Kind.EXCEPTION, 48);
 * }</pre>
 *
 * <p>Asynchronous latencies still need a scheduler; give one on fake time with
 * {@link Chaos.Builder#scheduler}.
 */
public final class TestChaos {

    private TestChaos() {
    }

    /**
     * A builder for a {@link Chaos} named {@code name}, seeded with {@code seed}, enabled, whose
     * synchronous latencies go through {@code sleeper}. Every setting can still be changed on the builder.
     *
     * @param name the policy's name
     * @param seed the seed of its random draws
     * @param sleeper waits out injected latencies on fake time
     * @return a builder; add at least one fault before {@link Chaos.Builder#build()}
     * @throws NullPointerException if {@code name} or {@code sleeper} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Chaos.Builder builder(String name, long seed, ManualSleeper sleeper) {
        return Chaos.builder(name).seed(seed).sleeper(sleeper).enabled(true);
    }
}
