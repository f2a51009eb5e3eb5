package dev.fluxgate.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Properties of the patterns beside the breaker: {@code fluxgate.retry}, {@code fluxgate.bulkhead},
 * {@code fluxgate.timeout}, {@code fluxgate.ratelimiter} and {@code fluxgate.hedge}, each with
 * {@code instances.<name>.*}, and the retry budgets that retries share, {@code fluxgate.retry.budgets.<name>.*}.
 * A name the annotations use but
 * the properties do not list gets the core's defaults. Invalid values fail the application at
 * startup, naming the property.
 */
public final class FluxgatePatternProperties {
    private FluxgatePatternProperties() {
    }

    /**
     * Retries under {@code fluxgate.retry.instances.<name>}, and the budgets they share under
     * {@code fluxgate.retry.budgets.<name>}.
     *
     * @param instances retries by name, built at startup
     * @param budgets retry budgets by name, built at startup; a retry draws on the one its properties name
     */
    @ConfigurationProperties(prefix = "fluxgate.retry", ignoreUnknownFields = false)
    public record Retries(Map<String, RetryProperties> instances, Map<String, RetryBudgetProperties> budgets) {
        /**
         * Replaces absent maps with empty ones.
         *
         * @param instances retries by name; null when none are configured
         * @param budgets retry budgets by name; null when none are configured
         */
        public Retries {
            instances = instances == null ? Map.of() : Map.copyOf(instances);
            budgets = budgets == null ? Map.of() : Map.copyOf(budgets);
        }
    }

    /**
     * One retry budget, shared by every retry that names it.
     *
     * @param ratio retries allowed per first attempt, in [0, 10] (core default 0.2)
     * @param minRetriesPerSecond retries allowed per second whatever the traffic (core default 10)
     * @param maxTokens the largest burst of retries from saved-up budget, at least 1 (core default 100)
     */
    public record RetryBudgetProperties(Double ratio, Double minRetriesPerSecond, Integer maxTokens) {
    }

    /**
     * One retry.
     *
     * @param maxAttempts the most attempts per call, the first included (core default 3)
     * @param maxDuration no retry starts later than this after the first attempt
     * @param backoff the wait between attempts (core default: exponential 100 ms x2 up to 10 s, full jitter)
     * @param retryExceptions class names of exceptions to retry (default: all)
     * @param abortExceptions class names of exceptions that stop retrying at once
     * @param retryOnRejection whether an open breaker's rejection is retried (default false)
     * @param waitForRetryAfter whether a retried rejection waits its retry-after (default false)
     * @param budget the name of the retry budget under {@code fluxgate.retry.budgets} this retry draws on
     *     (default: none)
     */
    public record RetryProperties(Integer maxAttempts, Duration maxDuration, BackoffProperties backoff,
            List<String> retryExceptions, List<String> abortExceptions, Boolean retryOnRejection,
            Boolean waitForRetryAfter, String budget) {
    }

    /**
     * A backoff.
     *
     * @param type {@code none}, {@code constant}, {@code linear} or {@code exponential}
     * @param initial the first wait (the only wait of a constant backoff)
     * @param increment the growth per retry of a linear backoff
     * @param multiplier the growth per retry of an exponential backoff (default 2)
     * @param max the longest wait of a linear or exponential backoff
     * @param jitter {@code none}, {@code full}, {@code equal}, {@code decorrelated} or {@code proportional}
     * @param jitterRatio the ratio of a proportional jitter, in [0, 1]
     */
    public record BackoffProperties(BackoffType type, Duration initial, Duration increment, Double multiplier,
            Duration max, JitterType jitter, Double jitterRatio) {
    }

    /** The kinds of backoff. */
    public enum BackoffType {
        /** Retry at once. */
        NONE,
        /** The same wait each time. */
        CONSTANT,
        /** A wait that grows by a fixed increment. */
        LINEAR,
        /** A wait that grows by a factor. */
        EXPONENTIAL
    }

    /** The kinds of jitter. */
    public enum JitterType {
        /** None. */
        NONE,
        /** Uniform between zero and the wait. */
        FULL,
        /** Half the wait plus a uniform half. */
        EQUAL,
        /** AWS's decorrelated jitter. */
        DECORRELATED,
        /** The wait varied by up to {@code jitter-ratio} either way. */
        PROPORTIONAL
    }

    /**
     * Bulkheads under {@code fluxgate.bulkhead.instances.<name>}.
     *
     * @param instances bulkheads by name, built at startup
     */
    @ConfigurationProperties(prefix = "fluxgate.bulkhead", ignoreUnknownFields = false)
    public record Bulkheads(Map<String, BulkheadProperties> instances) {
        /**
         * Replaces an absent map with an empty one.
         *
         * @param instances bulkheads by name; null when none are configured
         */
        public Bulkheads {
            instances = instances == null ? Map.of() : Map.copyOf(instances);
        }
    }

    /**
     * One bulkhead.
     *
     * @param maxConcurrentCalls the most calls at once (core default 25)
     * @param maxWait how long a synchronous caller waits for a slot (default 0: reject at once)
     */
    public record BulkheadProperties(Integer maxConcurrentCalls, Duration maxWait) {
    }

    /**
     * Timeouts under {@code fluxgate.timeout.instances.<name>}.
     *
     * @param instances timeouts by name, built at startup
     */
    @ConfigurationProperties(prefix = "fluxgate.timeout", ignoreUnknownFields = false)
    public record Timeouts(Map<String, TimeoutProperties> instances) {
        /**
         * Replaces an absent map with an empty one.
         *
         * @param instances timeouts by name; null when none are configured
         */
        public Timeouts {
            instances = instances == null ? Map.of() : Map.copyOf(instances);
        }
    }

    /**
     * One timeout.
     *
     * @param duration how long a call may take (default 1 s)
     * @param onCallerThread run synchronous calls on the caller's thread and interrupt it at the deadline,
     *        rather than on a worker (default false)
     */
    public record TimeoutProperties(Duration duration, Boolean onCallerThread) {
    }

    /**
     * Rate limiters under {@code fluxgate.ratelimiter.instances.<name>}.
     *
     * @param instances rate limiters by name, built at startup
     */
    @ConfigurationProperties(prefix = "fluxgate.ratelimiter", ignoreUnknownFields = false)
    public record RateLimiters(Map<String, RateLimiterProperties> instances) {
        /**
         * Replaces an absent map with an empty one.
         *
         * @param instances rate limiters by name; null when none are configured
         */
        public RateLimiters {
            instances = instances == null ? Map.of() : Map.copyOf(instances);
        }
    }

    /**
     * One rate limiter.
     *
     * @param permits permits earned per period (default 100; with {@code period}, the rate)
     * @param period the period (default 1 s)
     * @param burst the most permits held at once (default: {@code permits})
     * @param shape smooth (permits evenly spaced, the default), or a period's permits at once at its start
     * @param maxWait how long a call waits for a permit (default 0: reject at once)
     */
    public record RateLimiterProperties(Integer permits, Duration period, Integer burst,
            dev.fluxgate.RateLimiter.Shape shape, Duration maxWait) {
    }

    /**
     * Hedges under {@code fluxgate.hedge.instances.<name>}.
     *
     * @param instances hedges by name, built at startup
     */
    @ConfigurationProperties(prefix = "fluxgate.hedge", ignoreUnknownFields = false)
    public record Hedges(Map<String, HedgeProperties> instances) {
        /**
         * Replaces an absent map with an empty one.
         *
         * @param instances hedges by name; null when none are configured
         */
        public Hedges {
            instances = instances == null ? Map.of() : Map.copyOf(instances);
        }
    }

    /**
     * One hedge.
     *
     * @param maxAttempts the most attempts per call, the first included, in [1, 10] (core default 2)
     * @param delay the fixed delay before another attempt, or the fallback delay of a percentile (default 100 ms)
     * @param percentile when set, in (0, 1]: the delay follows this percentile of recent latencies
     * @param latencySamples how many recent latencies a percentile is computed over (default 100)
     * @param minSamples how many latencies a percentile needs before it replaces {@code delay} (default 20)
     */
    public record HedgeProperties(Integer maxAttempts, Duration delay, Double percentile, Integer latencySamples,
            Integer minSamples) {
    }

    /**
     * Adaptive bulkheads under {@code fluxgate.adaptive-bulkhead.instances.<name>}.
     *
     * @param instances adaptive bulkheads by name, built at startup
     */
    @ConfigurationProperties(prefix = "fluxgate.adaptive-bulkhead", ignoreUnknownFields = false)
    public record AdaptiveBulkheads(Map<String, AdaptiveBulkheadProperties> instances) {
        /**
         * Replaces an absent map with an empty one.
         *
         * @param instances adaptive bulkheads by name; null when none are configured
         */
        public AdaptiveBulkheads {
            instances = instances == null ? Map.of() : Map.copyOf(instances);
        }
    }

    /**
     * One adaptive bulkhead (see {@link dev.fluxgate.AdaptiveBulkhead} for the exact rules).
     *
     * @param algorithm gradient (the default) or aimd
     * @param minLimit the lowest limit, at least 1 (default 1)
     * @param initialLimit the limit in force at startup, in [min-limit, max-limit] (default 20)
     * @param maxLimit the highest limit (default 200)
     * @param smoothing gradient: how far the limit moves toward its target per round trip, in (0, 1] (default 0.2)
     * @param rttTolerance gradient: how much slower than the baseline RTT a call may be before the limit
     *     shrinks, at least 1 (default 1.5)
     * @param queueSize gradient: calls allowed beyond what the gradient gives, at least 0 (default 4)
     * @param longWindow gradient: the samples the baseline RTT averages over, at least 1 (default 600)
     * @param backoffRatio aimd: what a decrease multiplies the limit by, in [0.5, 1) (default 0.9)
     * @param latencyThreshold aimd: a success slower than this lowers the limit (default 5 s)
     */
    public record AdaptiveBulkheadProperties(dev.fluxgate.AdaptiveBulkhead.Algorithm algorithm, Integer minLimit,
            Integer initialLimit, Integer maxLimit, Double smoothing, Double rttTolerance, Integer queueSize,
            Integer longWindow, Double backoffRatio, Duration latencyThreshold) {
    }
}
