package dev.fluxgate.spring;

import java.util.Locale;
import java.util.Map;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ApplicationListener;

/**
 * Applies changed properties when Spring Cloud's {@link EnvironmentChangeEvent} names a key under
 * {@code fluxgate.circuitbreaker}, {@code fluxgate.ratelimiter}, {@code fluxgate.retry} or
 * {@code fluxgate.bulkhead} (a refresh, a config server push, {@code /actuator/env}). A bad
 * new value is logged at {@code ERROR}, naming the property, and every breaker keeps its configuration:
 * the event's publisher (often a refresh endpoint) should not fail because one value was bad.
 */
final class EnvironmentChangeReconfiguration implements ApplicationListener<EnvironmentChangeEvent> {

    private static final System.Logger LOG = System.getLogger(LiveReconfiguration.class.getName());

    private final LiveReconfiguration live;

    EnvironmentChangeReconfiguration(LiveReconfiguration live) {
        this.live = live;
    }

    @Override
    public void onApplicationEvent(EnvironmentChangeEvent event) {
        // Keys come as the source spelled them (e.g. FLUXGATE_CIRCUITBREAKER_... from the environment).
        if (event.getKeys().stream().map(k -> k.toLowerCase(Locale.ROOT).replace('_', '.'))
                .noneMatch(k -> LiveReconfiguration.PREFIXES.stream().anyMatch(p -> k.startsWith(p + ".")))) {
            return;
        }
        try {
            Map<String, ?> changed = live.apply();
            changed.forEach((name, r) -> LOG.log(System.Logger.Level.INFO, "{0}", r));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "Fluxgate kept the old configuration: " + e.getMessage());
        }
    }
}
