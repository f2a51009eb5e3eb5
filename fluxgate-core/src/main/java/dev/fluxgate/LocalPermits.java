package dev.fluxgate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

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
 *
 * <p><b>The state word</b> holds {@code tat} shifted left by {@link #COUNT_BITS}; the low bits count
 * grants (for a bucket given a counter): the compare-and-set that takes the permits also counts the
 * grant, and the one that wraps the low bits adds {@code 2^COUNT_BITS} to the counter. So a grant is one
 * atomic instruction, not two, and the count stays exact: the counter plus {@link #unflushedGrants()}.
 * The shift leaves {@code tat} 59 bits: about 18 years of permits at the finest rate (one per
 * nanosecond), 18,000 years at a million per second; a request that would pass that is refused as
 * {@link RateLimiter.Store#NEVER}.
 */
class LocalPermits implements RateLimiter.Store {

    /** The state of a per-key bucket that was evicted: no permit is ever taken from it again. */
    static final long DEAD = Long.MIN_VALUE;

    /** What {@link #reserve} answers for a dead bucket (never leaves this package). */
    static final long DEAD_ANSWER = Long.MIN_VALUE + 2;

    /** Low bits of the state word that count grants not yet added to the counter. */
    static final int COUNT_BITS = 4;
    private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
    /** The largest {@code tat} the state word holds. */
    static final long MAX_UNITS = Long.MAX_VALUE >>> COUNT_BITS;

    private static final VarHandle TAT;

    static {
        try {
            TAT = MethodHandles.lookup().findVarHandle(LocalPermits.class, "tat", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Rate rate;
    /** Where the grants counted in the low bits go, 16 at a time; null: the bucket counts nothing. */
    private final @Nullable LongAdder grants;
    /** Units handed out so far shifted by {@link #COUNT_BITS}, with the grant count below (see the class comment), or {@link #DEAD}. */
    private volatile long tat;

    /**
     * A bucket that counts nothing.
     *
     * @param tat the units already handed out: {@code 0}, or {@code rate.permitsAt(now)}, for a full bucket
     */
    LocalPermits(Rate rate, long tat) {
        this(rate, tat, null);
    }

    /**
     * A bucket.
     *
     * @param tat the units already handed out: {@code 0}, or {@code rate.permitsAt(now)}, for a full bucket
     * @param grants the counter of grants (see {@link #unflushedGrants()}), or null
     */
    LocalPermits(Rate rate, long tat, @Nullable LongAdder grants) {
        this.rate = rate;
        this.grants = grants;
        this.tat = tat << COUNT_BITS;
    }

    /** Whether this bucket counts its grants (then the caller must not count them again). */
    final boolean countsGrants() {
        return grants != null;
    }

    /** Grants counted in the state word and not yet in the counter: add them to the counter's sum. */
    final long unflushedGrants() {
        long t = tat;
        return t == DEAD ? 0 : t & COUNT_MASK;
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
        LongAdder counter = grants;
        for (;;) {
            long t = tat;
            if (t == DEAD) {
                return DEAD_ANSWER;
            }
            long next = Math.max(t >>> COUNT_BITS, now) + permits;
            if (next > MAX_UNITS) {
                return NEVER; // beyond what the state word holds (see the class comment)
            }
            long usableAt = next - r.burst;
            long wait = 0;
            if (usableAt > now) {
                wait = r.nanosAt(usableAt) - elapsed;
                if (wait > maxWaitNanos) {
                    return RateLimiter.Store.refused(wait);
                }
            }
            long count = counter == null ? 0 : (t + 1) & COUNT_MASK;
            if (TAT.compareAndSet(this, t, next << COUNT_BITS | count)) {
                if (counter != null && count == 0) {
                    counter.add(COUNT_MASK + 1); // this grant wrapped the low bits: flush them
                }
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
        return rate.burst - (Math.max(t >>> COUNT_BITS, now) - now);
    }

    /**
     * Marks this bucket dead if it is full and has been full for {@code idleNanos} at {@code elapsed}:
     * it then holds nothing a fresh bucket would not, so dropping it loses nothing.
     *
     * @return whether this call killed it
     */
    final boolean killIfIdle(long elapsed, long idleNanos) {
        long w = tat;
        long t = w >>> COUNT_BITS;
        if (w == DEAD || t > rate.permitsAt(elapsed) || elapsed - rate.nanosAt(t) < idleNanos) {
            return false;
        }
        if (!TAT.compareAndSet(this, w, DEAD)) {
            return false;
        }
        LongAdder counter = grants;
        if (counter != null && (w & COUNT_MASK) != 0) {
            counter.add(w & COUNT_MASK); // a dead bucket's word is gone: its unflushed grants go to the counter
        }
        return true;
    }

    /**
     * Retires this bucket for a reconfiguration: marks it dead in one compare-and-set (no permit is taken
     * from it afterwards), adds its unflushed grants to the counter, and says how many units it had handed
     * out ahead of the rate at that moment, {@code max(tat, now) - now}: {@code burst} minus the permits it
     * held (more than {@code burst} while callers wait for reserved permits).
     *
     * @throws IllegalStateException if the bucket is already dead
     */
    final long retire() {
        for (;;) {
            long w = tat;
            if (w == DEAD) {
                throw new IllegalStateException("bucket already retired");
            }
            if (TAT.compareAndSet(this, w, DEAD)) {
                LongAdder counter = grants;
                if (counter != null && (w & COUNT_MASK) != 0) {
                    counter.add(w & COUNT_MASK);
                }
                // Time read after the kill: no grant happened since, and a later reading only frees more.
                long now = rate.permitsAt(rate.elapsed());
                return Math.max(w >>> COUNT_BITS, now) - now;
            }
        }
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
        /** Divides by {@link #periodNanos} and by {@link #permits} without a division instruction. */
        private final Divisor byPeriod;
        private final Divisor byPermits;
        private final String text;

        private Rate(Ticker ticker, long permits, long periodNanos, int burst, boolean smooth, String text) {
            this.ticker = ticker;
            this.origin = ticker.read();
            this.permits = permits;
            this.periodNanos = periodNanos;
            this.burst = burst;
            this.smooth = smooth;
            this.byPeriod = new Divisor(periodNanos);
            this.byPermits = new Divisor(permits);
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
            long periods = byPeriod.divide(elapsed);
            if (!smooth || permits == 1) {
                return periods * permits; // one permit per period: the rest of a period earns nothing yet
            }
            // (elapsed % periodNanos) * permits < periodNanos * permits, which fits (checked in of()).
            return periods * permits + byPeriod.divide((elapsed - periods * periodNanos) * permits);
        }

        /** The first elapsed time at which {@code units >= 0} permits are earned. */
        long nanosAt(long units) {
            long periods = byPermits.divide(units);
            long rest = units - periods * permits;
            if (!smooth) {
                return (rest == 0 ? periods : periods + 1) * periodNanos;
            }
            // ceil(rest x periodNanos / permits); the product is below permits x periodNanos, which fits.
            long x = rest * periodNanos;
            long q = byPermits.divide(x);
            return periods * periodNanos + (q * permits == x ? q : q + 1);
        }

        /** How long an empty bucket takes to earn {@code units} permits, or -1 if that overflows. */
        private long refillNanos(long units) {
            long periods = units / permits + 1;
            if (Math.multiplyHigh(periods, periodNanos) != 0 || periods * periodNanos < 0) {
                return -1;
            }
            return nanosAt(units);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Exact division of a non-negative {@code long} by a fixed positive divisor with a multiplication by
     * its precomputed reciprocal instead of a division instruction (tens of cycles, and the limiter
     * divides up to four times per decision): for a divisor {@code d} that is not a power of two,
     * {@code m = floor(2^64 / d)} and {@code q = floor(x * m / 2^64)} is {@code floor(x / d)} or one less
     * (the error {@code x * (2^64 mod d) / (d * 2^64)} is below 1 for {@code x < 2^63}), which one
     * comparison corrects. A power of two is a shift.
     */
    static final class Divisor {

        private final long divisor;
        /** {@code floor(2^64 / divisor)}, below {@code 2^63} for a divisor of at least 3. */
        private final long reciprocal;
        /** The shift for a power of two, or -1. */
        private final int shift;

        Divisor(long divisor) {
            if (divisor < 1) {
                throw new IllegalArgumentException("divisor must be >= 1, was " + divisor);
            }
            this.divisor = divisor;
            boolean powerOfTwo = (divisor & (divisor - 1)) == 0;
            this.shift = powerOfTwo ? Long.numberOfTrailingZeros(divisor) : -1;
            // 2^64 - 1 and 2^64 have the same quotient by a divisor that does not divide 2^64.
            this.reciprocal = powerOfTwo ? 0 : Long.divideUnsigned(-1L, divisor);
        }

        /** {@code x / divisor}, for {@code x >= 0}. */
        long divide(long x) {
            if (shift >= 0) {
                return x >>> shift;
            }
            long q = Math.multiplyHigh(x, reciprocal);
            return x - q * divisor >= divisor ? q + 1 : q;
        }
    }
}
