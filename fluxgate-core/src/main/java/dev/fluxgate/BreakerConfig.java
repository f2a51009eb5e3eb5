package dev.fluxgate;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One breaker's replaceable configuration as one immutable value. The breaker holds it in a single
 * volatile field and reads it once per call, so {@link CircuitBreaker#reconfigure} swaps every option at
 * once and no call sees half of the old and half of the new configuration. The ticker, the clock and the
 * name are not here: they never change for the life of a breaker.
 */
final class BreakerConfig {

    final Window window;
    final Tracker tracker;
    final boolean trackLocalRejections;
    final @Nullable Predicate<Object> failureOnResult;
    final Tripper tripper;
    final Cooldown cooldown;
    /** What a failure asks the open period to be ({@link Cooldown#withDelayFrom}), or null. */
    final @Nullable RetryDelay delayFrom;
    /** The cap of {@link #delayFrom}'s delays. */
    final Duration maxDelay;
    final Permit permit;
    /** Whether {@link #permit} admits every call (no random draw, no clock). */
    final boolean permitAll;
    /** Whether {@link #permit} needs the time since HALF_OPEN began. */
    final boolean permitNeedsTime;
    final int maxHalfOpenCalls;
    final int closeAfterSuccesses;
    final long halfOpenTimeoutNanos;
    /** The user's random source under the one rule for plugged-in code, or the thread-local one. */
    final RandomGenerator random;
    /** The slow-call thresholds the window keeps, in nanoseconds, ascending. */
    final long[] slowThresholdNanos;
    /** Whether the window's own rules need durations (listeners aside). */
    final boolean timed;
    final List<Duration> slowCallThresholds;

    private static final System.Logger LOG = System.getLogger(CircuitBreaker.class.getName());

    BreakerConfig(CircuitBreaker.Builder b, Tripper tripper, long[] slowThresholds) {
        this.window = b.window;
        this.tracker = b.tracker;
        this.trackLocalRejections = b.trackLocalRejections;
        this.failureOnResult = b.failureOnResult;
        this.tripper = tripper;
        this.cooldown = b.cooldown;
        this.delayFrom = cooldown.delayFrom();
        this.maxDelay = Duration.ofNanos(cooldown.maxDelayNanos());
        this.permit = b.permit;
        this.permitAll = permit.admitsAll();
        this.permitNeedsTime = permit.needsTime();
        this.maxHalfOpenCalls = b.maxHalfOpenCalls;
        this.closeAfterSuccesses = b.closeAfterSuccesses;
        this.halfOpenTimeoutNanos = BreakerDurations.halfOpenTimeoutNanos(b.halfOpenTimeout, cooldown);
        this.random = PluggedRandom.of(b.random, LOG, Plugged.owner("CircuitBreaker", b.name));
        this.slowThresholdNanos = slowThresholds.clone();
        this.timed = slowThresholds.length > 0 || tripper.needsDurations();
        this.slowCallThresholds = BreakerDurations.durations(slowThresholds);
    }

    /**
     * Whether a window kept under this configuration can go on under {@code next}: the same window, the
     * same slow-call thresholds and the same need for durations, so every figure it holds means the same.
     */
    boolean windowFits(BreakerConfig next) {
        return window.equals(next.window) && Arrays.equals(slowThresholdNanos, next.slowThresholdNanos)
                && timed == next.timed;
    }

    /** The configuration option by option, in words (built on demand: kept as strings it would cost memory). */
    Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("window", "Window." + window);
        m.put("tracker", "Tracker." + tracker);
        m.put("trackLocalRejections", Boolean.toString(trackLocalRejections));
        m.put("failureOnResult", failureOnResult == null ? "none" : "a predicate");
        m.put("tripper", tripper.toString());
        m.put("cooldown", "Cooldown." + cooldown);
        m.put("permit", "Permit." + permit);
        m.put("maxHalfOpenCalls", Integer.toString(maxHalfOpenCalls));
        m.put("closeAfterSuccesses", Integer.toString(closeAfterSuccesses));
        m.put("halfOpenTimeout", Duration.ofNanos(halfOpenTimeoutNanos).toString());
        m.put("slowCallThresholds", slowCallThresholds.toString());
        m.put("timed", Boolean.toString(timed));
        return Collections.unmodifiableMap(m);
    }
}
