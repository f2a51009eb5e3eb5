package dev.fluxgate;

import dev.fluxgate.internal.CountWindow;
import dev.fluxgate.internal.TimeWindow;
import dev.fluxgate.internal.WindowStore;
import java.time.Duration;
import java.util.Objects;

/**
 * The sliding window of recorded calls that a breaker's {@link Tripper} judges.
 *
 * <ul>
 *   <li>{@link #count(int)}: the last {@code size} calls.
 *   <li>{@link #time(Duration)}: the calls of the last {@code span}, kept in buckets (by default
 *       {@value #DEFAULT_BUCKETS} of them, at least 1 ms wide) that expire whole, on read as well as
 *       on write, so an idle minute leaves no stale failures behind.
 * </ul>
 *
 * <p>A {@code Window} is an immutable description; each breaker builds its own store from it.
 * Windows know nothing of breaker states.
 */
public final class Window {

    /** How many buckets {@link #time(Duration)} splits its span into. */
    public static final int DEFAULT_BUCKETS = 60;

    /** The most buckets a time window may have. */
    public static final int MAX_BUCKETS = 10_000;

    private final int size;
    private final long spanNanos;
    private final long bucketNanos;
    private final boolean defaultBucket;

    private Window(int size, long spanNanos, long bucketNanos, boolean defaultBucket) {
        this.size = size;
        this.spanNanos = spanNanos;
        this.bucketNanos = bucketNanos;
        this.defaultBucket = defaultBucket;
    }

    /**
     * The last {@code size} calls.
     *
     * @param size the calls it holds, at least 1
     * @return a count window
     * @throws IllegalArgumentException if {@code size < 1}
     */
    public static Window count(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("window size must be >= 1, was " + size);
        }
        return new Window(size, 0, 0, false);
    }

    /**
     * The calls of the last {@code span}, in {@value #DEFAULT_BUCKETS} buckets (at least 1 ms wide).
     *
     * @param span how far back the window reaches, positive
     * @return a time window
     * @throws IllegalArgumentException if {@code span} is not positive
     */
    public static Window time(Duration span) {
        long s = Tripper.positive("window span", span).toNanos();
        long bucket = Math.max(Math.min(1_000_000L, s), s / DEFAULT_BUCKETS);
        Window w = time(span, Duration.ofNanos(bucket));
        return new Window(0, w.spanNanos, w.bucketNanos, true);
    }

    /**
     * The calls of the last {@code span}, in buckets {@code bucket} wide; sub-second buckets are
     * allowed. A call is in the window while its bucket overlaps the span.
     *
     * @param span how far back the window reaches, positive
     * @param bucket the bucket width, positive and at most {@code span}
     * @return a time window
     * @throws IllegalArgumentException if a duration is not positive, {@code bucket > span}, or the
     *     span holds more than {@value #MAX_BUCKETS} buckets
     */
    public static Window time(Duration span, Duration bucket) {
        long s = Tripper.positive("window span", span).toNanos();
        long b = Tripper.positive("window bucket", bucket).toNanos();
        if (b > s) {
            throw new IllegalArgumentException("window bucket must be <= span (" + span + "), was " + bucket);
        }
        long buckets = (s + b - 1) / b;
        if (buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("window span / bucket must be <= " + MAX_BUCKETS
                    + " buckets, was " + buckets + " (span " + span + ", bucket " + bucket + ")");
        }
        return new Window(0, s, b, false);
    }

    /** {@return whether this is a count window} */
    public boolean isCount() {
        return size > 0;
    }

    /** {@return the number of calls a count window holds, or 0 for a time window} */
    public int size() {
        return size;
    }

    /** {@return the span of a time window, or {@link Duration#ZERO} for a count window} */
    public Duration span() {
        return Duration.ofNanos(spanNanos);
    }

    /** {@return the bucket width of a time window, or {@link Duration#ZERO} for a count window} */
    public Duration bucket() {
        return Duration.ofNanos(bucketNanos);
    }

    WindowStore newStore(long[] slowThresholdsNanos, boolean timed) {
        return isCount()
                ? new CountWindow(size, slowThresholdsNanos, timed)
                : new TimeWindow(spanNanos, bucketNanos, slowThresholdsNanos, timed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Window w && w.size == size && w.spanNanos == spanNanos && w.bucketNanos == bucketNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, spanNanos, bucketNanos);
    }

    @Override
    public String toString() {
        if (isCount()) {
            return "count(" + size + ")";
        }
        return defaultBucket ? "time(" + Durations.format(span()) + ")"
                : "time(" + Durations.format(span()) + ", " + Durations.format(bucket()) + ")";
    }
}
