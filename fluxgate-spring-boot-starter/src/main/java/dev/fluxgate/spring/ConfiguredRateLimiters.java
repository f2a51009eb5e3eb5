package dev.fluxgate.spring;

import dev.fluxgate.RateLimiter;
import dev.fluxgate.Reconfiguration;
import dev.fluxgate.Registry;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Gets rate limiters from their registry with {@code fluxgate.ratelimiter.instances.<name>} applied on
 * top of the registry's defaults, and builds the configured ones at startup so that a bad value stops the
 * application, naming the property. A name the properties do not list gets the registry's defaults.
 * {@code permits} and {@code period} are one setting (the rate): when only one is given, the other is the
 * core's default (100 permits, one second).
 * Safe for concurrent use.
 */
final class ConfiguredRateLimiters {

    static final String PREFIX = "fluxgate.ratelimiter.instances.";
    static final int DEFAULT_PERMITS = 100;
    static final Duration DEFAULT_PERIOD = Duration.ofSeconds(1);

    private final Registry<RateLimiter, RateLimiter.Builder> limiters;
    /** Replaced by {@link #applyReconfiguration}, so limiters created later get the new properties too. */
    private volatile FluxgatePatternProperties.RateLimiters properties;

    ConfiguredRateLimiters(Registry<RateLimiter, RateLimiter.Builder> limiters,
            FluxgatePatternProperties.RateLimiters properties) {
        this.limiters = limiters;
        this.properties = properties;
    }

    /** Builds every configured limiter; throws {@link InvalidPropertyException} on the first bad value. */
    void initialize() {
        properties.instances().keySet().forEach(this::rateLimiter);
    }

    /** The rate limiter called {@code name}, created with its properties if absent. */
    RateLimiter rateLimiter(String name) {
        RateLimiter existing = limiters.find(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        try {
            FluxgatePatternProperties.RateLimiters current = properties;
            return limiters.get(name, b -> configure(current, name, b));
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(property(name, String.valueOf(e.getMessage())),
                    String.valueOf(e.getMessage()), e);
        }
    }

    private static void configure(FluxgatePatternProperties.RateLimiters properties, String name, RateLimiter.Builder b) {
        FluxgatePatternProperties.RateLimiterProperties p = properties.instances().get(name);
        if (p == null) {
            return;
        }
        if (p.permits() != null || p.period() != null) {
            // the rate is one setting: a half left out takes the core's default (100, 1 s)
            b.rate(p.permits() != null ? p.permits() : DEFAULT_PERMITS, p.period() != null ? p.period() : DEFAULT_PERIOD);
        }
        if (p.burst() != null) {
            b.burst(p.burst());
        }
        if (p.shape() != null) {
            b.shape(p.shape());
        }
        if (p.maxWait() != null) {
            b.maxWait(p.maxWait());
        }
    }

    /**
     * Checks new properties against every limiter of the registry, changing nothing: throws
     * {@link InvalidPropertyException} naming the first bad property. Caller serializes.
     */
    void checkReconfiguration(FluxgatePatternProperties.RateLimiters next) {
        for (RateLimiter l : limiters.all()) {
            String name = l.name();
            RateLimiter probe;
            try {
                RateLimiter.Builder b = RateLimiter.builder(name);
                configure(next, name, b);
                probe = b.build();
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new InvalidPropertyException(property(name, String.valueOf(e.getMessage())),
                        String.valueOf(e.getMessage()), e);
            }
            if (!l.isReconfigurable() && !sameLimit(probe, l)) {
                // Refused here, before any policy changes: applying would fail part-way through.
                throw new InvalidPropertyException(PREFIX + name, "rate limiter '" + name + "' keeps its permits"
                        + " in a custom store (e.g. Redis), whose limit cannot change at run time; restart to change it");
            }
        }
    }

    /**
     * Applies properties {@link #checkReconfiguration} accepted to every limiter, keeping the permits it
     * holds ({@link RateLimiter#reconfigure}). Caller serializes.
     *
     * @return what changed, keyed {@code ratelimiter:<name>} (unchanged limiters absent)
     */
    Map<String, Reconfiguration> applyReconfiguration(FluxgatePatternProperties.RateLimiters next) {
        this.properties = next;
        Map<String, Reconfiguration> changed = new TreeMap<>();
        for (RateLimiter l : limiters.all()) {
            String name = l.name();
            RateLimiter.Builder wanted = RateLimiter.builder(name);
            configure(next, name, wanted);
            RateLimiter probe = wanted.build();
            if (sameLimit(probe, l)) {
                continue; // unchanged: leave it alone (a limiter on a custom store is reconfigured only when asked to change)
            }
            limiters.reconfigure(name, b -> configure(next, name, b)).ifPresent(x -> changed.put("ratelimiter:" + name, x));
        }
        return changed;
    }

    private static boolean sameLimit(RateLimiter a, RateLimiter b) {
        return a.limit().permits() == b.limit().permits() && a.limit().period().equals(b.limit().period())
                && a.limit().burst() == b.limit().burst() && a.limit().shape() == b.limit().shape()
                && a.maxWait().equals(b.maxWait());
    }

    /** The property a build() message is about: build() names the parameter first. */
    private static String property(String name, String message) {
        String prefix = PREFIX + name;
        for (String parameter : new String[] {"permits", "period", "burst", "maxWait", "rate"}) {
            if (message.startsWith(parameter + " ")) {
                return prefix + "." + switch (parameter) {
                    case "maxWait" -> "max-wait";
                    case "rate" -> "permits";
                    default -> parameter;
                };
            }
        }
        return prefix;
    }
}
