package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * How long an {@link State#OPEN} breaker waits before it lets a probe through.
 *
 * <p>The cooldown runs from the moment the breaker entered OPEN; a call at exactly its end is
 * admitted. {@link #exponential} grows with the number of reopens (HALF_OPEN back to OPEN) since
 * the breaker last closed: the wait is {@code min(initial * multiplier^reopens, max)}. Jitter, when
 * added with {@link #withJitter}, is drawn once per open period, so every caller of that period
 * sees the same {@link CallNotPermittedException#retryAfter()}.
 *
 * <p><b>A delay the failure asks for.</b> {@link #withDelayFrom(RetryDelay, Duration)} lets the failure
 * that tripped the breaker set the open period, as a server's {@code Retry-After} does: when the breaker
 * opens (from CLOSED or from HALF_OPEN), the last failure recorded in the window before the move (the
 * one that tripped it, or the latest before a tripping success) is asked for a delay; if it asks for one,
 * the open period lasts that delay, clamped to the cap (the breaker has to wait something, and a probe
 * after the cap costs a single call; it is neither jittered nor grown, and it counts from the trip);
 * otherwise this cooldown decides as usual. {@link CallNotPermittedException#retryAfter()} reports the
 * open period so chosen.
 *
 * <p>Cooldowns are immutable and safe for concurrent use.
 */
public final class Cooldown {

    private static final long MANUAL = Long.MAX_VALUE;

    private final long initialNanos;
    private final double multiplier;
    private final long maxNanos;
    private final double jitter;
    private final String description;
    /** What a tripping failure asks for, or null. */
    private final @Nullable RetryDelay delayFrom;
    /** The cap of {@link #delayFrom}'s delays; 0 when there is none. */
    private final long maxDelayNanos;

    private Cooldown(long initialNanos, double multiplier, long maxNanos, double jitter, String description) {
        this(initialNanos, multiplier, maxNanos, jitter, description, null, 0);
    }

    private Cooldown(long initialNanos, double multiplier, long maxNanos, double jitter, String description,
            @Nullable RetryDelay delayFrom, long maxDelayNanos) {
        this.initialNanos = initialNanos;
        this.multiplier = multiplier;
        this.maxNanos = maxNanos;
        this.jitter = jitter;
        this.description = description;
        this.delayFrom = delayFrom;
        this.maxDelayNanos = maxDelayNanos;
    }

    /**
     * No wait: the first call after the breaker opened is already a probe candidate (and reading the
     * breaker already finds it HALF_OPEN).
     *
     * @return a cooldown of zero
     */
    public static Cooldown none() {
        return new Cooldown(0, 1.0, 0, 0, "none()");
    }

    /**
     * Never leaves OPEN by itself: only {@link CircuitBreaker#reset()} closes the breaker again.
     *
     * @return a cooldown that never ends by itself
     */
    public static Cooldown manual() {
        return new Cooldown(MANUAL, 1.0, MANUAL, 0, "manual()");
    }

    /**
     * Waits {@code wait} every time.
     *
     * @param wait the wait, positive
     * @return a fixed cooldown
     * @throws IllegalArgumentException if {@code wait} is not positive
     */
    public static Cooldown fixed(Duration wait) {
        long nanos = Tripper.positive("cooldown wait", wait).toNanos();
        return new Cooldown(nanos, 1.0, nanos, 0, "fixed(" + Durations.format(wait) + ")");
    }

    /**
     * Waits {@code min(initial * multiplier^reopens, max)}.
     *
     * @param initial the first wait, positive
     * @param multiplier the growth per reopen, finite and {@code >= 1}
     * @param max the longest wait, {@code >= initial}
     * @return an exponential cooldown
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Cooldown exponential(Duration initial, double multiplier, Duration max) {
        long i = Tripper.positive("cooldown initial", initial).toNanos();
        long m = Tripper.positive("cooldown max", max).toNanos();
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("cooldown multiplier must be finite and >= 1, was " + multiplier);
        }
        if (m < i) {
            throw new IllegalArgumentException("cooldown max must be >= initial (" + initial + "), was " + max);
        }
        return new Cooldown(i, multiplier, m, 0, "exponential(" + Durations.format(initial) + ", "
                + multiplier + ", " + Durations.format(max) + ")");
    }

    /**
     * Returns this cooldown with each wait varied uniformly by up to {@code ratio} either way
     * ({@code 0.2}: between 80% and 120% of the wait), drawn once per open period.
     *
     * @param ratio in [0, 1]
     * @return a new cooldown; this one is unchanged
     * @throws IllegalArgumentException if {@code ratio} is outside [0, 1]
     */
    public Cooldown withJitter(double ratio) {
        if (!(ratio >= 0.0 && ratio <= 1.0)) {
            throw new IllegalArgumentException("cooldown jitter ratio must be in [0, 1], was " + ratio);
        }
        String base = jitter == 0 ? description : description.substring(0, description.lastIndexOf(".withJitter("));
        return new Cooldown(initialNanos, multiplier, maxNanos, ratio,
                ratio == 0 ? base : base + ".withJitter(" + ratio + ")", delayFrom, maxDelayNanos);
    }

    /**
     * Returns this cooldown with the open period taken from the failure that tripped the breaker, when it
     * asks for a delay (see the class comment): at most {@code max}, falling back to this cooldown.
     *
     * <pre>{@code
     * CircuitBreaker.builder("catalog")
     *     .failureOnResult(r -> r instanceof HttpResponse<?> h && (h.statusCode() == 429 || h.statusCode() >= 500))
     *     .cooldown(Cooldown.fixed(Duration.ofSeconds(30)).withDelayFrom(RetryAfter.httpResponse(), Duration.ofMinutes(5)))
     *     .build();
     * }</pre>
     *
     * <p>The function runs for each failure the breaker records (not for successes), outside its lock;
     * one that throws is logged and asks for nothing. Replaces a delay function set before.
     *
     * @param delay what a failure asks for: an exception, or a result that {@code failureOnResult} counts
     *     as a failure
     * @param max the longest open period a failure may ask for; a longer one is clamped to it
     * @return the cooldown
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code max} is not positive, or this cooldown is
     *     {@link #manual()} (it never ends by itself, so there is nothing to replace)
     */
    public Cooldown withDelayFrom(RetryDelay delay, Duration max) {
        Objects.requireNonNull(delay, "delay");
        Tripper.positive("cooldown max delay", max);
        if (isManual()) {
            throw new IllegalArgumentException("a manual() cooldown never ends by itself; withDelayFrom needs one that does");
        }
        return new Cooldown(initialNanos, multiplier, maxNanos, jitter, description, delay, max.toNanos());
    }

    /** What a tripping failure asks for, or null when this cooldown asks nothing of failures. */
    @Nullable RetryDelay delayFrom() {
        return delayFrom;
    }

    /** The cap of {@link #delayFrom()}'s delays, in nanoseconds. */
    long maxDelayNanos() {
        return maxDelayNanos;
    }

    /** Whether this cooldown never ends by itself. */
    boolean isManual() {
        return initialNanos == MANUAL;
    }

    /** The wait before any growth or jitter, in nanoseconds (0 for none, MAX for manual). */
    long baseNanos() {
        return initialNanos;
    }

    /**
     * The wait for the open period that follows {@code reopens} reopens, in nanoseconds.
     * {@link Long#MAX_VALUE} when manual.
     */
    long delayNanos(int reopens, RandomGenerator random) {
        if (isManual()) {
            return MANUAL;
        }
        // The computation is shared with Backoff: one implementation of growth and jitter.
        return Delays.proportional(Delays.exponential(initialNanos, multiplier, maxNanos, reopens), jitter, random);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cooldown c && c.initialNanos == initialNanos && c.multiplier == multiplier
                && c.maxNanos == maxNanos && c.jitter == jitter && Objects.equals(c.delayFrom, delayFrom)
                && c.maxDelayNanos == maxDelayNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(initialNanos, multiplier, maxNanos, jitter, delayFrom, maxDelayNanos);
    }

    @Override
    public String toString() {
        return delayFrom == null ? description
                : description + ".withDelayFrom(" + delayFrom + ", " + Durations.format(Duration.ofNanos(maxDelayNanos)) + ")";
    }
}
