package dev.fluxgate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * The local {@link RateLimiter.Store}: the generic cell rate algorithm ("theoretical arrival time") in
 * one {@code long}, compared-and-set, so it is lock-free, exact under racing threads and allocates
 * nothing.
 *
 * <p>Time is counted in <em>permit units</em>: {@link Rate#permitsAt(long)} says how many permits the
 * rate has earned since the limiter was built (they are earned at fixed instants, a grid). The state
 * {@code tat} is the unit up to which permits have been handed out (reservations included). A request
 * for {@code n} permits takes the units {@code (max(tat, now), max(tat, now) + n]}; they may be used once
 * {@code now} reaches {@code max(tat, now) + n - burst}. So the permits usable by any moment are at most
 * the permits earned by then plus the burst, which is the limit, and an idle bucket never holds more than
 * {@code burst} (the {@code max} drops the rest). The two shapes differ only in how units are earned:
 * one at a time, evenly ({@link RateLimiter.Shape#SMOOTH}), or {@code permits} at a time at each period
 * boundary ({@link RateLimiter.Shape#BURSTY}).
 *
 * <p>The arithmetic is exact: the rate is kept as the fraction {@code permits / periodNanos} (in lowest
 * terms for the smooth shape), never rounded to a whole interval.
 */
class LocalPermits implements RateLimiter.Store {

    /** The state of a per-key bucket that was evicted: no permit is ever taken from it again. */
    static final long DEAD = Long.MIN_VALUE;

    /** What {@link #reserve} answers for a dead bucket (never leaves this package). */
    static final long DEAD_ANSWER = Long.MIN_VALUE + 2;

    private static final VarHandle TAT;

    static {
        try {
            TAT = MethodHandles.lookup().findVarHandle(LocalPermits.class, "tat", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Rate rate;
    /** Units handed out so far (see the class comment), or {@link #DEAD}. */
    private volatile long tat;

    /**
     * A bucket.
     *
     * @param tat the units already handed out: {@code 0}, or {@code rate.permitsAt(now)}, for a full bucket
     */
    LocalPermits(Rate rate, long tat) {
        this.rate = rate;
        this.tat = tat;
    }

    @Override
    public long tryReserve(int permits, long maxWaitNanos) {
        return reserve(permits, maxWaitNanos);
    }

    /** {@link #tryReserve}, or {@link #DEAD_ANSWER} once the bucket is dead. */
    final long reserve(int permits, long maxWaitNanos) {
        Rate r = rate;
        if (permits > r.burst) {
            return NEVER; // the bucket never holds that many
        }
        long elapsed = r.elapsed();
        long now = r.permitsAt(elapsed);
        for (;;) {
            long t = tat;
            if (t == DEAD) {
                return DEAD_ANSWER;
            }
            long next = Math.max(t, now) + permits;
            long usableAt = next - r.burst;
            long wait = 0;
            if (usableAt > now) {
                wait = r.nanosAt(usableAt) - elapsed;
                if (wait > maxWaitNanos) {
                    return RateLimiter.Store.refused(wait);
                }
            }
            if (TAT.compareAndSet(this, t, next)) {
                return wait;
            }
            // Another thread took permits in between: decide again on its state (the time read stays;
            // an older reading only makes this decision stricter).
        }
    }

    @Override
    public long availablePermits() {
        long t = tat;
        if (t == DEAD) {
            return rate.burst;
        }
        long now = rate.permitsAt(rate.elapsed());
        return rate.burst - (Math.max(t, now) - now);
    }

    /**
     * Marks this bucket dead if it is full and has been full for {@code idleNanos} at {@code elapsed}:
     * it then holds nothing a fresh bucket would not, so dropping it loses nothing.
     *
     * @return whether this call killed it
     */
    final boolean killIfIdle(long elapsed, long idleNanos) {
        long t = tat;
        if (t == DEAD || t > rate.permitsAt(elapsed) || elapsed - rate.nanosAt(t) < idleNanos) {
            return false;
        }
        return TAT.compareAndSet(this, t, DEAD);
    }

    /** Whether this bucket was evicted. */
    final boolean isDead() {
        return tat == DEAD;
    }

    @Override
    public String toString() {
        return "LocalPermits(" + rate + ")";
    }

    /**
     * A rate and burst on a ticker: the exact arithmetic shared by the buckets of one limiter (every key
     * of a per-key limiter shares one). Immutable.
     */
    static final class Rate {

        /** The longest refill, maximum wait and period accepted: far from overflowing a long of nanoseconds. */
        static final Duration MAX_SPAN = Duration.ofDays(3650);

        final Ticker ticker;
        private final long origin;
        /** Permits per {@link #periodNanos}; for the smooth shape in lowest terms with it. */
        private final long permits;
        private final long periodNanos;
        final int burst;
        private final boolean smooth;
        private final String text;

        private Rate(Ticker ticker, long permits, long periodNanos, int burst, boolean smooth, String text) {
            this.ticker = ticker;
            this.origin = ticker.read();
            this.permits = permits;
            this.periodNanos = periodNanos;
            this.burst = burst;
            this.smooth = smooth;
            this.text = text;
        }

        /**
         * The rate of {@code limit}, checked.
         *
         * @throws IllegalArgumentException naming the parameter and its range, if the arithmetic could
         *     overflow or the rate is finer than a nanosecond
         */
        static Rate of(RateLimiter.Limit limit) {
            long p = limit.permits();
            long n = limit.period().toNanos();
            if (p > n) {
                throw new IllegalArgumentException("rate must be at most one permit per nanosecond, was "
                        + p + " per " + Durations.format(limit.period()));
            }
            boolean smooth = limit.shape() == RateLimiter.Shape.SMOOTH;
            if (smooth) {
                // Lowest terms keep the products below small; a bursty rate keeps its period, whose
                // boundaries are when permits arrive (and it multiplies nothing by the rest of a period).
                long gcd = gcd(p, n);
                p /= gcd;
                n /= gcd;
            }
            if (smooth && (Math.multiplyHigh(p, n) != 0 || p * n < 0)) {
                throw new IllegalArgumentException("rate " + limit.permits() + " per "
                        + Durations.format(limit.period()) + " is too fine to count exactly: permits x period in"
                        + " nanoseconds (in lowest terms) must be at most " + Long.MAX_VALUE);
            }
            Rate rate = new Rate(limit.ticker(), p, n, limit.burst(), smooth,
                    limit.permits() + " per " + Durations.format(limit.period()) + ", burst " + limit.burst()
                            + ", " + limit.shape().name().toLowerCase(java.util.Locale.ROOT));
            long refill = rate.refillNanos(limit.burst());
            if (refill < 0 || refill > MAX_SPAN.toNanos()) {
                throw new IllegalArgumentException("burst must refill within " + MAX_SPAN.toDays() + " days at "
                        + limit.permits() + " per " + Durations.format(limit.period()) + ", was " + limit.burst());
            }
            return rate;
        }

        private static long gcd(long a, long b) {
            while (b != 0) {
                long t = a % b;
                a = b;
                b = t;
            }
            return a;
        }

        /** Nanoseconds since the limiter was built (a ticker that went back reads as no time). */
        long elapsed() {
            return Math.max(0, ticker.read() - origin);
        }

        /** The permits earned after {@code elapsed} nanoseconds: floor(elapsed x rate), or whole periods' worth. */
        long permitsAt(long elapsed) {
            long periods = elapsed / periodNanos;
            if (!smooth) {
                return periods * permits;
            }
            // (elapsed % periodNanos) * permits < periodNanos * permits, which fits (checked in of()).
            return periods * permits + (elapsed % periodNanos) * permits / periodNanos;
        }

        /** The first elapsed time at which {@code units >= 0} permits are earned. */
        long nanosAt(long units) {
            long periods = units / permits;
            long rest = units % permits;
            if (!smooth) {
                return (rest == 0 ? periods : periods + 1) * periodNanos;
            }
            return periods * periodNanos + ceilDiv(rest * periodNanos, permits);
        }

        /** How long an empty bucket takes to earn {@code units} permits, or -1 if that overflows. */
        private long refillNanos(long units) {
            long periods = units / permits + 1;
            if (Math.multiplyHigh(periods, periodNanos) != 0 || periods * periodNanos < 0) {
                return -1;
            }
            return nanosAt(units);
        }

        private static long ceilDiv(long x, long y) {
            return -Math.floorDiv(-x, y);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
