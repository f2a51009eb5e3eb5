package dev.fluxgate.spring;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Registry;

/**
 * Gets adaptive bulkheads from their registry with {@code fluxgate.adaptive-bulkhead.instances.<name>} applied
 * on top of the registry's defaults, and builds the configured ones at startup so that a bad value stops the
 * application, naming the property. A name the properties do not list gets the registry's defaults.
 * {@code min-limit}, {@code initial-limit} and {@code max-limit} are one setting: one left out takes the
 * core's default (1, 20, 200), raised or lowered to fit the others given (a {@code max-limit} of 10 alone
 * starts at 10). Safe for concurrent use.
 */
final class ConfiguredAdaptiveBulkheads {

    static final String PREFIX = "fluxgate.adaptive-bulkhead.instances.";

    private final Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> bulkheads;
    private final FluxgatePatternProperties.AdaptiveBulkheads properties;

    ConfiguredAdaptiveBulkheads(Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> bulkheads,
            FluxgatePatternProperties.AdaptiveBulkheads properties) {
        this.bulkheads = bulkheads;
        this.properties = properties;
    }

    /** Builds every configured bulkhead; throws {@link InvalidPropertyException} on the first bad value. */
    void initialize() {
        properties.instances().keySet().forEach(this::adaptiveBulkhead);
    }

    /** The adaptive bulkhead called {@code name}, created with its properties if absent. */
    AdaptiveBulkhead adaptiveBulkhead(String name) {
        AdaptiveBulkhead existing = bulkheads.find(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        try {
            return bulkheads.get(name, b -> configure(name, b));
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(property(name, String.valueOf(e.getMessage())),
                    String.valueOf(e.getMessage()), e);
        }
    }

    private void configure(String name, AdaptiveBulkhead.Builder b) {
        FluxgatePatternProperties.AdaptiveBulkheadProperties p = properties.instances().get(name);
        if (p == null) {
            return;
        }
        if (p.algorithm() != null) {
            b.algorithm(p.algorithm());
        }
        if (p.minLimit() != null || p.initialLimit() != null || p.maxLimit() != null) {
            int min = p.minLimit() != null ? p.minLimit() : 1;
            int max = p.maxLimit() != null ? p.maxLimit() : Math.max(200, min);
            int initial = p.initialLimit() != null ? p.initialLimit() : Math.max(min, Math.min(20, max));
            b.limits(min, initial, max);
        }
        if (p.smoothing() != null) {
            b.smoothing(p.smoothing());
        }
        if (p.rttTolerance() != null) {
            b.rttTolerance(p.rttTolerance());
        }
        if (p.queueSize() != null) {
            b.queueSize(p.queueSize());
        }
        if (p.longWindow() != null) {
            b.longWindow(p.longWindow());
        }
        if (p.backoffRatio() != null) {
            b.backoffRatio(p.backoffRatio());
        }
        if (p.latencyThreshold() != null) {
            b.latencyThreshold(p.latencyThreshold());
        }
    }

    /** The property a build() message is about: build() names the parameter first. */
    private static String property(String name, String message) {
        String prefix = PREFIX + name;
        String[][] parameters = {{"minLimit", "min-limit"}, {"initialLimit", "initial-limit"},
            {"maxLimit", "max-limit"}, {"smoothing", "smoothing"}, {"rttTolerance", "rtt-tolerance"},
            {"queueSize", "queue-size"}, {"longWindow", "long-window"}, {"backoffRatio", "backoff-ratio"},
            {"latencyThreshold", "latency-threshold"}};
        for (String[] parameter : parameters) {
            if (message.startsWith(parameter[0] + " ")) {
                return prefix + "." + parameter[1];
            }
        }
        return prefix;
    }
}
