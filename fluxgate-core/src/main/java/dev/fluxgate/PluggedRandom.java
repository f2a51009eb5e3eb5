package dev.fluxgate;

import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * A random source that users plug in (for jitter and random permits), under the one rule for
 * plugged-in code: a draw that throws anything is logged at {@code WARNING} and answered with the
 * middle of the range instead ({@code nextDouble()} returns 0.5), which leaves a proportional
 * jitter at exactly 1 (no jitter) and is the same answer for every pattern. With no source given, the
 * patterns draw from the calling thread's {@link java.util.concurrent.ThreadLocalRandom}
 * ({@link Calls#THREAD_LOCAL_RANDOM}), which never throws.
 */
final class PluggedRandom implements RandomGenerator {

    private final RandomGenerator random;
    private final System.Logger log;
    private final String owner;

    private PluggedRandom(RandomGenerator random, System.Logger log, String owner) {
        this.random = random;
        this.log = log;
        this.owner = owner;
    }

    /**
     * The source a pattern draws from: {@code random} under the rule above, or the thread-local one
     * when {@code random} is null.
     *
     * @param owner the pattern, as {@link Plugged#owner}
     */
    static RandomGenerator of(@Nullable RandomGenerator random, System.Logger log, String owner) {
        return random == null ? Calls.THREAD_LOCAL_RANDOM : new PluggedRandom(random, log, owner);
    }

    @Override
    public long nextLong() {
        try {
            return random.nextLong();
        } catch (Throwable e) {
            Plugged.failed(log, owner, "random source", random, "drawing the middle of the range (no jitter)", e);
            return 0L;
        }
    }

    @Override
    public double nextDouble() {
        try {
            return random.nextDouble();
        } catch (Throwable e) {
            Plugged.failed(log, owner, "random source", random, "drawing the middle of the range (no jitter)", e);
            return 0.5;
        }
    }

    @Override
    public String toString() {
        return random.toString();
    }
}
