package dev.fluxgate;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A budget of retries shared by any number of {@link Retry} instances (typically one budget per
 * downstream service): retries are allowed only while they stay below a ratio of the first attempts,
 * plus a small floor per second. Retries that multiply the load on a failing service cause the outage
 * they try to survive; a budget caps that multiplication at {@code 1 + ratio} whatever
 * {@code maxAttempts} says, once the service fails for longer than a short burst.
 *
 * <pre>{@code
 * RetryBudget inventoryBudget = RetryBudget.builder("inventory")
 *     .ratio(0.2)                  // retries may add 20% to the first attempts
 *     .minRetriesPerSecond(10)     // and 10 per second whatever the traffic
 *     .maxTokens(100)              // a burst of at most 100 retries from saved-up budget
 *     .build();
 * Retry reads = Retry.builder("inventory-reads").maxAttempts(3).budget(inventoryBudget).build();
 * Retry writes = Retry.builder("inventory-writes").maxAttempts(2).budget(inventoryBudget).build();
 * }</pre>
 *
 * <p><b>Exactly how it counts.</b> The budget is a balance of tokens (kept in millionths of a token):
 * <ul>
 *   <li>it starts full, at {@code maxTokens};</li>
 *   <li>each first attempt of a call ({@link #recordFirstAttempt()}) deposits {@code ratio} tokens;</li>
 *   <li>{@code minRetriesPerSecond} tokens accrue per second of the {@link Ticker} (the floor, which keeps
 *       a trickle of retries for a service with little traffic);</li>
 *   <li>the balance never exceeds {@code maxTokens}: what would go above is forfeited;</li>
 *   <li>each retry ({@link #tryAcquireRetry()}) needs one whole token and takes it; when less than one
 *       token is left the retry is denied and the caller gets the last failure at once.</li>
 * </ul>
 * Hence, over any run, {@code retries admitted <= maxTokens + ratio * first attempts +
 * minRetriesPerSecond * seconds elapsed}, exactly, under any number of threads. "Recent" first attempts
 * are the ones still in the balance: since it is capped, first attempts older than about
 * {@code maxTokens / ratio} first attempts without a retry no longer count. (A token balance rather than
 * a window of time buckets: the no-retry path then reads no clock.)
 *
 * <p><b>Cost.</b> A first attempt reads the balance and, only when it is below {@code maxTokens}, adds
 * {@code ratio} to it with one atomic add: while no retries happen the balance stays full and the
 * no-retry path writes nothing shared (0 B/op, no contention). The retry path reads the ticker (for the
 * floor) and takes its token with a compare-and-set loop.
 *
 * <p>Thread safety: lock-free and safe for concurrent use by any number of retries and threads. The
 * counters ({@link #admittedRetries()}, {@link #rejectedRetries()}) are striped and exact once calls are
 * quiet. Memory consistency effects: none beyond those of the atomic balance; the budget orders nothing
 * between the calls that share it.
 */
public final class RetryBudget {

    /** One token, in the units the balance is kept in (millionths of a token). */
    static final long UNIT = 1_000_000L;

    /** The largest ratio accepted: ten retries per first attempt already means no budget at all. */
    static final double MAX_RATIO = 10.0;

    /** The largest floor accepted, in retries per second. */
    static final double MAX_MIN_RETRIES_PER_SECOND = 1_000_000.0;

    /** The largest {@code maxTokens} accepted (far from the overflow of the balance in units). */
    static final int MAX_TOKENS = 1_000_000_000;

    private final String name;
    private final double ratio;
    private final double minRetriesPerSecond;
    private final int maxTokens;
    private final long ratioUnits;
    private final long capUnits;
    /** Floor units per nanosecond ({@code minRetriesPerSecond * UNIT / 1e9}); 0 for no floor. */
    private final double floorUnitsPerNano;
    private final Ticker ticker;

    /** The balance in units; may exceed the cap by the deposits of racing threads, then reads as the cap. */
    private final AtomicLong balance;
    /** The ticker reading up to which the floor has been paid into the balance. */
    private final AtomicLong floorPaidUntil;
    private final LongAdder admitted = new LongAdder();
    private final LongAdder rejected = new LongAdder();

    private RetryBudget(Builder b) {
        this.name = b.name;
        this.ratio = b.ratio;
        this.minRetriesPerSecond = b.minRetriesPerSecond;
        this.maxTokens = b.maxTokens;
        this.ratioUnits = Math.round(b.ratio * UNIT);
        this.capUnits = b.maxTokens * UNIT;
        this.floorUnitsPerNano = b.minRetriesPerSecond * UNIT / 1e9;
        this.ticker = b.ticker;
        this.balance = new AtomicLong(capUnits);
        this.floorPaidUntil = new AtomicLong(b.ticker.read());
    }

    /**
     * A budget called {@code "retry-budget"} of {@code ratio} retries per first attempt plus
     * {@code minRetriesPerSecond}, with the default {@code maxTokens} (100).
     *
     * @param ratio retries allowed per first attempt, in [0, 10]
     * @param minRetriesPerSecond retries allowed per second whatever the traffic, in [0, 1000000]
     * @return the budget
     * @throws IllegalArgumentException if a value is out of range, or both are 0
     */
    public static RetryBudget of(double ratio, double minRetriesPerSecond) {
        return builder("retry-budget").ratio(ratio).minRetriesPerSecond(minRetriesPerSecond).build();
    }

    /**
     * Starts a builder: ratio 0.2, 10 retries per second, {@code maxTokens} 100, the system ticker.
     *
     * @param name the budget's name, for meters and logs
     * @return a new builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /**
     * Records the first attempt of a call: deposits {@code ratio} tokens unless the balance is full.
     * {@link Retry} calls this at the start of each call it runs with this budget; other code that
     * retries by itself may call it too. Never blocks; allocates nothing.
     */
    public void recordFirstAttempt() {
        // A full balance (no recent retries) is the common case: a plain read, no write to share.
        if (ratioUnits != 0 && balance.get() < capUnits) {
            balance.getAndAdd(ratioUnits);
        }
    }

    /**
     * Asks for one retry: takes one token if at least one is available, after paying the floor accrued
     * since the last ask. {@link Retry} calls this before each retry it would start; denied, the retry
     * is not attempted.
     *
     * @return whether the retry may go ahead (a token was taken)
     */
    public boolean tryAcquireRetry() {
        if (floorUnitsPerNano != 0) {
            payFloor(ticker.read());
        }
        for (;;) {
            long b = balance.get();
            long available = Math.min(b, capUnits);
            if (available < UNIT) {
                rejected.increment();
                return false;
            }
            // Writing min(b, cap) - 1 also forfeits what racing deposits put above the cap.
            if (balance.compareAndSet(b, available - UNIT)) {
                admitted.increment();
                return true;
            }
        }
    }

    /** Pays into the balance the floor accrued up to {@code now}; each interval is paid exactly once. */
    private void payFloor(long now) {
        long paidUntil = floorPaidUntil.get();
        long elapsed = now - paidUntil;
        if (elapsed <= 0) {
            return;
        }
        double due = (double) elapsed * floorUnitsPerNano;
        if (due < 1) {
            return; // less than a millionth of a token: leave the interval to accrue
        }
        long units = due >= capUnits ? capUnits : (long) due; // the fraction lost is under a millionth
        if (!floorPaidUntil.compareAndSet(paidUntil, now)) {
            return; // another thread claimed this interval and pays it
        }
        for (;;) {
            long b = balance.get();
            if (b >= capUnits) {
                return; // full: the floor of this interval is forfeited
            }
            if (balance.compareAndSet(b, Math.min(capUnits, b + units))) {
                return;
            }
        }
    }

    /** {@return the budget's name (for meters and logs)} */
    public String name() {
        return name;
    }

    /** {@return the retries allowed per first attempt} */
    public double ratio() {
        return ratio;
    }

    /** {@return the retries allowed per second whatever the traffic (the floor)} */
    public double minRetriesPerSecond() {
        return minRetriesPerSecond;
    }

    /** {@return the most tokens the balance holds: the largest burst of retries from saved-up budget} */
    public int maxTokens() {
        return maxTokens;
    }

    /**
     * The tokens available now: the balance plus the floor accrued since it was last paid, at most
     * {@code maxTokens}. A retry needs one whole token. Reading it changes nothing.
     *
     * @return the tokens available, from 0 to {@code maxTokens}, to a millionth of a token
     */
    public double availableTokens() {
        long units = Math.min(balance.get(), capUnits);
        if (floorUnitsPerNano != 0) {
            long elapsed = ticker.read() - floorPaidUntil.get();
            if (elapsed > 0) {
                units = (long) Math.min((double) capUnits, (double) units + (double) elapsed * floorUnitsPerNano);
            }
        }
        return (double) Math.max(0, units) / (double) UNIT;
    }

    /** {@return the retries this budget has allowed, over every retry that shares it} */
    public long admittedRetries() {
        return admitted.sum();
    }

    /** {@return the retries this budget has denied, over every retry that shares it} */
    public long rejectedRetries() {
        return rejected.sum();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "RetryBudget(%s, ratio %s, %s/s, max %d tokens)", name,
                ratio, minRetriesPerSecond, maxTokens);
    }

    /**
     * Builds a {@link RetryBudget}. Every method returns this builder; {@link #build()} checks the
     * combination and copies the configuration. Not thread-safe.
     */
    public static final class Builder {
        private final String name;
        private double ratio = 0.2;
        private double minRetriesPerSecond = 10;
        private int maxTokens = 100;
        private Ticker ticker = Ticker.system();

        private Builder(String name) {
            this.name = Plugged.requireName(name);
        }

        /**
         * The retries allowed per first attempt: each first attempt deposits this many tokens. Default 0.2.
         *
         * @param ratio in [0, 10]; 0 leaves only the floor
         * @return this builder
         * @throws IllegalArgumentException if out of range or not a number
         */
        public Builder ratio(double ratio) {
            if (!(ratio >= 0 && ratio <= MAX_RATIO)) {
                throw new IllegalArgumentException("ratio must be in [0, " + MAX_RATIO + "], was " + ratio);
            }
            this.ratio = ratio;
            return this;
        }

        /**
         * The retries allowed per second whatever the traffic (the floor): tokens accrue at this rate on
         * the ticker. Default 10.
         *
         * @param minRetriesPerSecond in [0, 1000000]; 0 for no floor
         * @return this builder
         * @throws IllegalArgumentException if out of range or not a number
         */
        public Builder minRetriesPerSecond(double minRetriesPerSecond) {
            if (!(minRetriesPerSecond >= 0 && minRetriesPerSecond <= MAX_MIN_RETRIES_PER_SECOND)) {
                throw new IllegalArgumentException("minRetriesPerSecond must be in [0, " + (long) MAX_MIN_RETRIES_PER_SECOND
                        + "], was " + minRetriesPerSecond);
            }
            this.minRetriesPerSecond = minRetriesPerSecond;
            return this;
        }

        /**
         * The most tokens the balance holds (it starts full): the largest burst of retries that saved-up
         * budget allows before the ratio and the floor bind. Default 100.
         *
         * @param maxTokens in [1, 1000000000]
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxTokens(int maxTokens) {
            if (maxTokens < 1 || maxTokens > MAX_TOKENS) {
                throw new IllegalArgumentException("maxTokens must be in [1, " + MAX_TOKENS + "], was " + maxTokens);
            }
            this.maxTokens = maxTokens;
            return this;
        }

        /**
         * The ticker the floor accrues on. Default {@link Ticker#system()}.
         *
         * @param ticker the time source
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Builds the budget.
         *
         * @return a new budget, full
         * @throws IllegalArgumentException if {@code ratio} and {@code minRetriesPerSecond} are both 0
         *     (the budget would never admit a retry once its first {@code maxTokens} were spent)
         */
        public RetryBudget build() {
            if (ratio == 0 && minRetriesPerSecond == 0) {
                throw new IllegalArgumentException("ratio and minRetriesPerSecond are both 0: the budget would never"
                        + " admit a retry once its first maxTokens were spent; set ratio in (0, " + MAX_RATIO
                        + "] or minRetriesPerSecond > 0");
            }
            return new RetryBudget(this);
        }
    }
}
