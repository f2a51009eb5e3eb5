package dev.fluxgate.spring;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Fault injection under {@code fluxgate.chaos}: nothing is injected, and no fault injector exists, unless
 * {@code fluxgate.chaos.enabled=true}. Then each {@code instances.NAME} is a {@link dev.fluxgate.Chaos}
 * that {@link dev.fluxgate.spring.annotation.Chaos @Chaos(name = "NAME")} places innermost, and a
 * warning naming every enabled instance is logged at startup.
 *
 * @param enabled whether fault injection is on at all (default false: never by default)
 * @param instances fault injectors by name, built at startup when enabled
 */
@ConfigurationProperties(prefix = "fluxgate.chaos", ignoreUnknownFields = false)
public record FluxgateChaosProperties(Boolean enabled, Map<String, ChaosProperties> instances) {

    /**
     * Replaces absent values with defaults.
     *
     * @param enabled whether fault injection is on; null when not set (off)
     * @param instances fault injectors by name; null when none are configured
     */
    public FluxgateChaosProperties {
        enabled = enabled != null && enabled;
        instances = instances == null ? Map.of() : Map.copyOf(instances);
    }

    /**
     * One fault injector. The rates are shares of calls, each in [0, 1], adding up to at most 1.
     *
     * @param enabled whether this instance injects (default true once fluxgate.chaos.enabled is true); flip it
     *     at run time through the Chaos bean's registry
     * @param exceptionRate the share of calls that throw instead of running (default 0)
     * @param exception the class name of the exception to throw, with a (String) or no-argument constructor
     *     (default dev.fluxgate.ChaosException); a checked one the method does not declare reaches the caller
     *     wrapped in an UndeclaredThrowableException
     * @param latencyRate the share of calls that run after the latency (default 0)
     * @param latency how long those calls wait before running (default 1s)
     * @param resultRate the share of calls that return the result instead of running (default 0)
     * @param result the substitute result, a string: for methods that return a String (or a supertype)
     * @param seed a seed for repeatable draws (default: not seeded)
     */
    public record ChaosProperties(Boolean enabled, Double exceptionRate, String exception, Double latencyRate,
            Duration latency, Double resultRate, String result, Long seed) {
    }
}
