package dev.fluxgate;

import dev.fluxgate.internal.CountWindow;
import dev.fluxgate.internal.DecayingWindow;
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
 *   <li>{@link #decaying(Duration)}: every call since the last transition, weighted by its age, so
 *       that recent calls count most and old ones fade away; a fixed few numbers whatever the
 *       traffic. See below.
 * </ul>
 *
 * <h2>The decaying window</h2>
 * A call recorded at time {@code t} has, at time {@code now}, the weight
 * {@code 2^(-(now - t) / halfLife)}: 1 when it is recorded, 1/2 one half-life later, 1/4 after two.
 * The window keeps only the sums of these weights (and of the weighted durations), decayed lazily
 * when it is next read or written, so it takes the same few bytes at 10 calls a minute as at
 * 100,000 a second, and each record costs one {@code exp}. What the {@link Metrics} of a decaying
 * window mean:
 * <ul>
 *   <li>{@link Metrics#effectiveCalls()}: the sum of the weights of the calls recorded since the last
 *       transition or reset, a real number. At a steady rate of {@code r} calls a second it settles
 *       at {@code r * halfLife / ln 2} (about {@code 1.44 * r * halfLife}).
 *   <li>{@link Metrics#calls()}, {@link Metrics#failures()}, {@link Metrics#slowCalls}: the
 *       effective (weighted) counts of calls, of tracked failures and of slow calls, rounded down to
 *       whole numbers. {@code calls() >= n} exactly when the effective count is {@code >= n}, so
 *       {@link Tripper#minRequests minRequests(n)} compares the effective count.
 *   <li>{@link Metrics#failureRate()} and {@link Metrics#slowRate}: the weighted share, effective
 *       failures (or slow calls) over effective calls, from the exact sums, not the rounded counts;
 *       {@code NaN} when the window is empty.
 *   <li>{@link Metrics#averageDuration()}: the weighted mean duration, {@code sum(w * d) / sum(w)},
 *       rounded to the nanosecond.
 *   <li>{@link Metrics#consecutiveFailures()}: failures in a row, as for every window; it does not
 *       decay (a success ends it).
 * </ul>
 * <p><b>The half-life</b> says how fast the past fades: after one half-life a call counts half, after
 * ten about a thousandth. A decaying window with half-life {@code h} weighs the past as much, in
 * total, as a time window of span {@code h / ln 2}: to replace {@code Window.time(60 s)}, take a
 * half-life of {@code 60 s * ln 2}, about 42 s. Choose {@code minRequests} against the effective count:
 * {@code minRequests(n)} needs an effective count of {@code n}, which {@code n} calls in a burst reach,
 * and a steady traffic of at least {@code n / (1.44 * halfLife)} calls a second.
 *
 * <p><b>After a long silence</b> everything decays towards 0, so old failures stop counting however
 * many there were, and so do old successes: the first calls after the silence are judged almost
 * alone. Combine the rate rules with {@link Tripper#minRequests minRequests} (as the default tripper
 * does) so that a handful of calls after a quiet night cannot open the breaker. Once 64 half-lives
 * have passed since the newest call (its weight is then below {@code 2^-64}), the window forgets
 * everything and is empty again: {@code effectiveCalls()} is 0 and the rates are {@code NaN}.
 *
 * <p><b>At a transition</b> the window is cleared, as every window is: a half-open period is judged
 * by its own probes alone, and a closed period after a trip starts from nothing. The failure streak
 * is cleared with it.
 *
 * <p><b>Accuracy.</b> The sums are kept in {@code double} and decayed by multiplication, so they
 * carry a relative rounding error of about {@code 1e-16} per record (the tests hold it within
 * {@code 1e-9} of an exact recount over the full history). Under contention a CLOSED success may be
 * buffered in a striped counter and enter the window when the buffers are next drained (at the next
 * failure, metrics read, or after 16 buffered successes on one stripe); it then counts from that
 * moment, so it can only look younger than it is, by as long as it waited. No call's weight is lost.
 *
 * <p>One parameter is enough: an exponential decay is fully described by its half-life. A second one
 * (a horizon, or a bucket width) would either cut the exponential tail, which would need the calls
 * near the horizon to be kept, or quantize time, trading the exactness of a record for nothing
 * measurable: one {@code exp} per record costs less than reading the ticker.
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
    private final long halfLifeNanos;

    private Window(int size, long spanNanos, long bucketNanos, boolean defaultBucket) {
        this(size, spanNanos, bucketNanos, defaultBucket, 0);
    }

    private Window(int size, long spanNanos, long bucketNanos, boolean defaultBucket, long halfLifeNanos) {
        this.size = size;
        this.spanNanos = spanNanos;
        this.bucketNanos = bucketNanos;
        this.defaultBucket = defaultBucket;
        this.halfLifeNanos = halfLifeNanos;
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

    /**
     * Every call since the last transition, weighted {@code 2^(-age / halfLife)}: an exponentially
     * decaying window in constant memory (see the class comment for what its figures mean).
     *
     * <pre>{@code
     * CircuitBreaker.builder("search")
     *     .window(Window.decaying(Duration.ofSeconds(10)))
     *     .tripper(Tripper.minRequests(50).and(Tripper.failureRate(0.5)))
     *     .build();
     * }</pre>
     *
     * @param halfLife how long it takes a call's weight to halve; a positive duration of at most
     *     {@code Long.MAX_VALUE} nanoseconds
     * @return the window
     * @throws IllegalArgumentException if {@code halfLife} is zero, negative or longer than 292 years
     * @throws NullPointerException if {@code halfLife} is null
     */
    public static Window decaying(Duration halfLife) {
        return new Window(0, 0, 0, false, Tripper.positive("window halfLife", halfLife).toNanos());
    }

    /** {@return whether this is a count window} */
    public boolean isCount() {
        return size > 0;
    }

    /**
     * Whether this is a decaying window ({@link #decaying(Duration)}).
     *
     * @return true for a decaying window
     */
    public boolean isDecaying() {
        return halfLifeNanos > 0;
    }

    /**
     * The half-life of a decaying window.
     *
     * @return the half-life, or {@link Duration#ZERO} for a count or time window
     */
    public Duration halfLife() {
        return Duration.ofNanos(halfLifeNanos);
    }

    /** {@return the number of calls a count window holds, or 0 for a time or decaying window} */
    public int size() {
        return size;
    }

    /** {@return the span of a time window, or {@link Duration#ZERO} for a count or decaying window} */
    public Duration span() {
        return Duration.ofNanos(spanNanos);
    }

    /** {@return the bucket width of a time window, or {@link Duration#ZERO} for a count or decaying window} */
    public Duration bucket() {
        return Duration.ofNanos(bucketNanos);
    }

    WindowStore newStore(long[] slowThresholdsNanos, boolean timed) {
        if (isDecaying()) {
            return new DecayingWindow(halfLifeNanos, slowThresholdsNanos, timed);
        }
        return isCount()
                ? new CountWindow(size, slowThresholdsNanos, timed)
                : new TimeWindow(spanNanos, bucketNanos, slowThresholdsNanos, timed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Window w && w.size == size && w.spanNanos == spanNanos && w.bucketNanos == bucketNanos
                && w.halfLifeNanos == halfLifeNanos;
    }

    @Override
    public int hashCode() {
        return Objects.hash(size, spanNanos, bucketNanos) + 31 * Long.hashCode(halfLifeNanos);
    }

    @Override
    public String toString() {
        if (isCount()) {
            return "count(" + size + ")";
        }
        if (isDecaying()) {
            return "decaying(" + Durations.format(halfLife()) + ")";
        }
        return defaultBucket ? "time(" + Durations.format(span()) + ")"
                : "time(" + Durations.format(span()) + ", " + Durations.format(bucket()) + ")";
    }
}
