package dev.fluxgate;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Thrown (or used to fail a future) when a {@link RateLimiter} has no permits for a call within its
 * maximum wait.
 *
 * <p>Like every {@link RejectedException} it is a local decision, which a breaker outside the limiter
 * does not count as a failure of the downstream, and it carries no stack trace. Its message names the
 * limiter, the permits asked, the maximum wait and the wait to honour; it is built only when asked
 * for. A per-key limiter's message never contains the key (keys may be credentials, such as API keys).
 */
public final class RateLimitedException extends RejectedException {

    private static final long serialVersionUID = 1L;

    /** The internal retry hint of a refusal that no wait cures. */
    static final long NEVER = -1L;

    /** Why the permits were refused: picks the message. */
    enum Reason {
        /** Not enough permits within the maximum wait. */
        RATE,
        /** More permits than the limiter can ever hold at once. */
        CAPACITY,
        /** A per-key limiter holds its maximum number of keys and none is idle. */
        KEYS
    }

    private static final Duration MAX_NANOS = Duration.ofNanos(Long.MAX_VALUE);

    private final String limiterName;
    private final int permits;
    private final long maxWaitNanos;
    /** Nanoseconds until the permits are free at once, or {@link #NEVER}. */
    private final long retryAfterNanos;
    private final Reason reason;
    private final long detail;

    /**
     * Creates the exception for permits that will be free after {@code retryAfter}.
     *
     * @param limiterName the limiter that refused the permits
     * @param permits the permits asked for
     * @param retryAfter how long until the permits would be granted at once (if nobody else takes them
     *     first); a negative one is taken as zero, one beyond {@code Long.MAX_VALUE} nanoseconds as that
     * @throws NullPointerException if {@code limiterName} or {@code retryAfter} is null
     */
    public RateLimitedException(String limiterName, int permits, Duration retryAfter) {
        this(limiterName, permits, 0, toNanos(retryAfter), Reason.RATE, 0);
    }

    /**
     * Creates the exception for permits that no wait will bring: {@link #retryAfter()} is empty.
     *
     * @param limiterName the limiter that refused the permits
     * @param permits the permits asked for
     * @throws NullPointerException if {@code limiterName} is null
     */
    public RateLimitedException(String limiterName, int permits) {
        this(limiterName, permits, 0, NEVER, Reason.CAPACITY, 0);
    }

    /**
     * The exception a limiter throws.
     *
     * @param retryAfterNanos the wait to honour, or {@link #NEVER}
     * @param detail for {@link Reason#KEYS}, the maximum number of keys
     */
    RateLimitedException(String limiterName, int permits, long maxWaitNanos, long retryAfterNanos, Reason reason,
            long detail) {
        super(null);
        this.limiterName = Objects.requireNonNull(limiterName, "limiterName");
        this.permits = permits;
        this.maxWaitNanos = maxWaitNanos;
        this.retryAfterNanos = retryAfterNanos == NEVER ? NEVER : Math.max(0, retryAfterNanos);
        this.reason = reason;
        this.detail = detail;
    }

    private static long toNanos(Duration d) {
        Objects.requireNonNull(d, "retryAfter");
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(MAX_NANOS) >= 0 ? Long.MAX_VALUE : d.toNanos();
    }

    /**
     * The name of the limiter that refused the permits.
     *
     * @return the limiter's name
     */
    public String limiterName() {
        return limiterName;
    }

    /**
     * The permits the refused call asked for.
     *
     * @return the number of permits, at least 1
     */
    public int permits() {
        return permits;
    }

    /**
     * How long until the permits asked for would be granted at once, if nobody else takes them first;
     * empty when no wait brings them (more permits than the limiter can hold at once, or a per-key
     * limiter with its maximum number of keys, which frees up only as keys go idle). A present value is
     * at most {@code Long.MAX_VALUE} nanoseconds, so {@code toMillis()} and {@code toNanos()} on it
     * cannot overflow.
     *
     * @return the wait to honour before asking again, or empty
     */
    public Optional<Duration> retryAfter() {
        return retryAfterNanos == NEVER ? Optional.empty() : Optional.of(Duration.ofNanos(retryAfterNanos));
    }

    @Override
    public String getMessage() {
        String asked = permits + (permits == 1 ? " permit" : " permits");
        String owner = "RateLimiter '" + limiterName + "'";
        return switch (reason) {
            case RATE -> owner + " has no " + asked + " free within "
                    + Durations.format(Duration.ofNanos(maxWaitNanos)) + " (its maximum wait); retry after "
                    + Durations.format(Duration.ofNanos(retryAfterNanos));
            case CAPACITY -> owner + " cannot grant " + asked + " at once: more than it ever holds";
            case KEYS -> owner + " already tracks its maximum of " + detail
                    + " keys and none is idle: a new key gets no permits until keys go idle";
        };
    }
}
