package dev.fluxgate;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** The breaker's arithmetic on nanoseconds: defaults, deadlines that cannot overflow, retry hints. */
final class BreakerDurations {

    /** The half-open timeout when neither it nor the cooldown gives one. */
    static final long DEFAULT_HALF_OPEN_TIMEOUT_NANOS = Duration.ofSeconds(60).toNanos();

    private BreakerDurations() {
    }

    /** The configured half-open timeout, else the cooldown's base wait, else 60 s (none and manual give none). */
    static long halfOpenTimeoutNanos(@Nullable Duration configured, Cooldown cooldown) {
        if (configured != null) {
            return configured.toNanos();
        }
        long base = cooldown.baseNanos();
        return base > 0 && base != Long.MAX_VALUE ? base : DEFAULT_HALF_OPEN_TIMEOUT_NANOS;
    }

    /** {@code now + waitNanos} on the ticker, or {@link Long#MAX_VALUE} (never) for a manual or overflowing wait. */
    static long deadline(long now, long waitNanos) {
        return waitNanos == Long.MAX_VALUE || now + waitNanos < now ? Long.MAX_VALUE : now + waitNanos;
    }

    /** The retry hint of an OPEN rejection: the cooldown left, or {@link CallNotPermittedException#NO_RECOVERY}. */
    static long retryAfterNanos(Cooldown cooldown, long openUntilNanos, long now) {
        return cooldown.isManual() ? CallNotPermittedException.NO_RECOVERY : openUntilNanos - now;
    }

    /** The reason of an OPEN to HALF_OPEN move, e.g. {@code cooldown 10s elapsed}. */
    static String cooldownElapsed(long cooldownNanos) {
        return "cooldown " + Durations.format(Duration.ofNanos(cooldownNanos).truncatedTo(ChronoUnit.MILLIS)) + " elapsed";
    }

    /** Nanosecond thresholds as durations, in the same order. */
    static List<Duration> durations(long[] nanos) {
        return Arrays.stream(nanos).mapToObj(Duration::ofNanos).toList();
    }
}
