package dev.fluxgate.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Circuit breakers configured under {@code fluxgate.circuitbreaker}.
 *
 * <pre>{@code
 * fluxgate:
 *   circuitbreaker:
 *     configs:
 *       default:                      # the base of every breaker
 *         window: { size: 50 }
 *         tripper: { min-requests: 10, failure-rate: 0.5 }
 *       slow-backend:
 *         slow-call-threshold: 2s
 *         tripper: { slow-rate: 0.8 }
 *     instances:
 *       payments:
 *         base-config: slow-backend
 *         cooldown: { type: exponential, initial: 10s, multiplier: 2, max: 5m, jitter: 0.2 }
 * }</pre>
 *
 * <p><b>Merge order.</b> Every option of a breaker takes its value from the most specific layer that
 * sets it: the built-in defaults of {@code CircuitBreaker.builder}, then {@code configs.default},
 * then the config named by the instance's {@code base-config}, then {@code instances.<name>}, and
 * last the {@link CircuitBreakerCustomizer} beans. A layer that sets {@code window.size} (or
 * {@code span}), {@code cooldown.duration} (or {@code initial}, {@code multiplier}, {@code max}) or
 * {@code permit.ratio} (or {@code initial}, {@code target}, {@code over}) also picks the window,
 * cooldown or permit type, unless it names the {@code type} itself. Unknown or invalid properties
 * fail the application at startup with a message naming the property (and, for an unknown key, the
 * closest valid one).
 *
 * @param configs named base configurations; {@code default} is the base of every breaker
 * @param instances breakers by name, created at startup
 * @param logTransitions whether every breaker of the registry logs its transitions (default true):
 *     one line per transition on the logger {@code dev.fluxgate.CircuitBreaker}, moves to OPEN and
 *     FORCED_OPEN at WARN, the others at INFO, each naming the rule that fired; applies to the
 *     configured breakers and to every breaker later created through the {@code CircuitBreakerRegistry}
 *     bean, annotations and {@code registry.get(name)} alike
 */
@ConfigurationProperties(prefix = "fluxgate.circuitbreaker", ignoreUnknownFields = false)
public record FluxgateCircuitBreakerProperties(Map<String, BreakerProperties> configs,
        Map<String, BreakerProperties> instances, @DefaultValue("true") boolean logTransitions) {

    /** The prefix of every property here. */
    public static final String PREFIX = "fluxgate.circuitbreaker";

    /** The config every breaker starts from, when present. */
    public static final String DEFAULT_CONFIG = "default";

    /**
     * Replaces absent maps with empty ones.
     *
     * @param configs named base configurations; null when none are configured
     * @param instances breakers by name; null when none are configured
     * @param logTransitions whether every breaker of the registry logs its transitions
     */
    public FluxgateCircuitBreakerProperties {
        configs = configs == null ? Map.of() : Map.copyOf(configs);
        instances = instances == null ? Map.of() : Map.copyOf(instances);
    }

    /**
     * Whether the breaker {@code name} reports to the {@code fluxgate} health contributor: the
     * {@code health-indicator} of its instance, base config or {@code configs.default}, in that
     * order, and {@code true} when none sets it.
     *
     * @param name the breaker's name
     * @return whether it reports to the health contributor
     */
    public boolean healthIndicator(String name) {
        return flag(name, BreakerProperties::healthIndicator, true);
    }

    /**
     * Whether the breaker {@code name} may take the {@code fluxgate} health contributor to
     * OUT_OF_SERVICE while it is OPEN or FORCED_OPEN: the {@code allow-health-indicator-to-fail} of
     * its instance, base config or {@code configs.default}, in that order, and {@code false} when
     * none sets it.
     *
     * @param name the breaker's name
     * @return whether it may take the health contributor to OUT_OF_SERVICE
     */
    public boolean allowHealthIndicatorToFail(String name) {
        return flag(name, BreakerProperties::allowHealthIndicatorToFail, false);
    }

    /** A flag of breaker {@code name} from the most specific layer that sets it. */
    private boolean flag(String name, Function<BreakerProperties, Boolean> getter, boolean otherwise) {
        BreakerProperties instance = instances.get(name);
        if (instance != null && getter.apply(instance) != null) {
            return getter.apply(instance);
        }
        if (instance != null && instance.baseConfig() != null) {
            BreakerProperties base = configs.get(instance.baseConfig());
            if (base != null && getter.apply(base) != null) {
                return getter.apply(base);
            }
        }
        BreakerProperties defaults = configs.get(DEFAULT_CONFIG);
        return (defaults == null || getter.apply(defaults) == null) ? otherwise : getter.apply(defaults);
    }

    /**
     * The options of one breaker or one named config. Every option is optional: an unset option
     * takes its value from the layer below (see {@link FluxgateCircuitBreakerProperties}).
     *
     * @param baseConfig the config under {@code configs} this instance starts from (instances only);
     *     {@code configs.default} applies below it in any case
     * @param window the sliding window: a count of calls, a span of time, or a decaying half-life
     * @param recordExceptions class names of the exceptions that count as failures (subclasses
     *     included); when unset, every exception counts
     * @param ignoreExceptions class names of exceptions that never count, even when recorded above
     * @param tripper when to open: an expression or structured rules
     * @param cooldown how long OPEN waits before a probe
     * @param permit which calls HALF_OPEN admits as probes
     * @param maxHalfOpenCalls the most probes one half-open period admits in total (built-in default 10)
     * @param closeAfterSuccesses successful probes of one half-open period that close the breaker
     *     (built-in default 1)
     * @param halfOpenTimeout how long a probe may hold its slot (built-in default: the cooldown's base wait)
     * @param slowCallThreshold a call that takes this long or longer is slow: used by
     *     {@code tripper.slow-rate} and tracked in the metrics
     * @param trackLocalRejections whether a local rejection inside the breaker (a full bulkhead below it,
     *     an inner breaker's rejection) counts as a failure like any other exception (default false: it
     *     is a local decision, not a failure of the downstream, and is ignored)
     * @param healthIndicator whether the breaker is listed by the {@code fluxgate} health contributor
     *     (default true)
     * @param allowHealthIndicatorToFail whether the breaker, while OPEN or FORCED_OPEN, makes the
     *     {@code fluxgate} health contributor OUT_OF_SERVICE (default false: it is listed with its state,
     *     and the contributor stays UP). Opt in only a breaker without which the instance cannot serve
     *     at all: every replica sees the same dependency fail, so every opted-in replica leaves
     *     readiness at once, endpoints that do not use that dependency included
     */
    public record BreakerProperties(String baseConfig, WindowProperties window, List<String> recordExceptions,
            List<String> ignoreExceptions, TripperProperties tripper, CooldownProperties cooldown,
            PermitProperties permit, Integer maxHalfOpenCalls, Integer closeAfterSuccesses,
            Duration halfOpenTimeout, Duration slowCallThreshold, Boolean trackLocalRejections, Boolean healthIndicator,
            Boolean allowHealthIndicatorToFail) {
    }

    /**
     * The sliding window.
     *
     * @param type {@code count}, {@code time} or {@code decaying}; implied by {@code size}, {@code span} or
     *     {@code half-life} when unset
     * @param size the number of calls a count window holds (built-in default 100); when no layer
     *     sets a tripper and the size is below 100, the default tripper becomes
     *     {@code minRequests(size) and failureRate(0.5)} (the built-in one could never fire)
     * @param span how far back a time window reaches
     * @param bucket the bucket width of a time window (default: span / 60, at least 1 ms)
     * @param halfLife how long it takes a call's weight to halve in a decaying window
     *     ({@code Window.decaying}); {@code tripper.min-requests} then compares the effective (weighted)
     *     count of calls
     */
    public record WindowProperties(WindowType type, Integer size, Duration span, Duration bucket, Duration halfLife) {
    }

    /** The kinds of window. */
    public enum WindowType {
        /** The last {@code size} calls. */
        COUNT,
        /** The calls of the last {@code span}. */
        TIME,
        /** Every call, weighted {@code 2^(-age / half-life)}: {@code Window.decaying(half-life)}. */
        DECAYING
    }

    /**
     * When to open. Either an {@code expression} or structured rules, not both in one layer.
     * Structured rules trip when the window holds at least {@code min-requests} calls and any rate
     * rule fires, or when the failure streak is reached: {@code minRequests(n) and (failureRate(r) or
     * slowRate(s, slow-call-threshold) or avgLatency(d)) or failureStreak(k)}. With no rate rule and no
     * streak, {@code failure-rate} is 0.5. {@code half-open.*} overrides any rule for the HALF_OPEN state.
     * An expression replaces every tripper rule of the layers below it; structured rules in a layer
     * above an expression replace it and start afresh (rules below the expression are not used).
     *
     * @param expression a tripper expression, e.g. {@code minRequests(10) and (failureRate(0.5) or
     *     slowRate(0.8, 2s))}; operators {@code and}/{@code &}, {@code or}/{@code |}, {@code not}/{@code ~},
     *     parentheses, and the functions {@code closed()}, {@code halfOpened()}, {@code minRequests(n)},
     *     {@code failureRate(r)}, {@code slowRate(r, duration)}, {@code failureStreak(n)},
     *     {@code avgLatency(duration)}
     * @param minRequests calls the window must hold before a rate rule may fire (default 100, or the
     *     count window's size when smaller)
     * @param failureRate open when at least this share of the window's calls failed, in (0, 1]
     * @param slowRate open when at least this share of the window's calls were slow, in (0, 1];
     *     needs {@code slow-call-threshold}
     * @param failureStreak open after this many tracked failures in a row
     * @param avgLatency open when the mean duration of the window's calls is at least this
     * @param halfOpen rules for the HALF_OPEN state; each unset one falls back to the rule above
     */
    public record TripperProperties(String expression, Integer minRequests, Double failureRate, Double slowRate,
            Integer failureStreak, Duration avgLatency, TripperRules halfOpen) {
    }

    /**
     * Tripper rules for the HALF_OPEN state.
     *
     * @param minRequests probes recorded before a rate rule may fire
     * @param failureRate reopen when at least this share of the probes failed
     * @param slowRate reopen when at least this share of the probes were slow
     * @param failureStreak reopen after this many failed probes in a row
     * @param avgLatency reopen when the probes' mean duration is at least this
     */
    public record TripperRules(Integer minRequests, Double failureRate, Double slowRate, Integer failureStreak,
            Duration avgLatency) {
    }

    /**
     * How long OPEN waits before a probe.
     *
     * @param type {@code none}, {@code manual}, {@code fixed} or {@code exponential}; implied by
     *     {@code duration} (fixed) or {@code initial}/{@code multiplier}/{@code max} (exponential) when unset
     * @param duration the wait of a fixed cooldown (built-in default 60 s)
     * @param initial the first wait of an exponential cooldown
     * @param multiplier the growth per reopen of an exponential cooldown, {@code >= 1} (default 2)
     * @param max the longest wait of an exponential cooldown, {@code >= initial}
     * @param jitter varies each wait by up to this ratio either way, in [0, 1]
     */
    public record CooldownProperties(CooldownType type, Duration duration, Duration initial, Double multiplier,
            Duration max, Double jitter) {
    }

    /** The kinds of cooldown. */
    public enum CooldownType {
        /** No wait. */
        NONE,
        /** Never leaves OPEN by itself; only a reset closes it. */
        MANUAL,
        /** The same wait every time. */
        FIXED,
        /** A wait that grows with each reopen. */
        EXPONENTIAL
    }

    /**
     * Which calls HALF_OPEN admits.
     *
     * @param type {@code all}, {@code random} or {@code ramp-up}; implied by {@code ratio} (random) or
     *     {@code initial}/{@code target}/{@code over} (ramp-up) when unset
     * @param ratio the share a random permit admits, in (0, 1]
     * @param initial the share a ramp-up admits at first, in [0, 1] (default 0.1)
     * @param target the share a ramp-up admits after {@code over}, in [initial, 1] (default 1.0)
     * @param over how long the ramp-up takes (default 60 s)
     */
    public record PermitProperties(PermitType type, Double ratio, Double initial, Double target, Duration over) {
    }

    /** The kinds of permit. */
    public enum PermitType {
        /** Admits every call, up to {@code max-half-open-calls}. */
        ALL,
        /** Admits each call with a fixed probability. */
        RANDOM,
        /** Admits a share of calls that grows over time. */
        RAMP_UP
    }
}
