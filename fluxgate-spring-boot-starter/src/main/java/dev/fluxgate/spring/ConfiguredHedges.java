package dev.fluxgate.spring;

import dev.fluxgate.Hedge;
import dev.fluxgate.Registry;
import dev.fluxgate.spring.FluxgatePatternProperties.HedgeProperties;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Gets hedges from their registry with their properties applied ({@code fluxgate.hedge.instances.<name>},
 * on top of the registry's defaults), and builds the configured ones at startup so that a bad value stops
 * the application. A name the properties do not list gets the registry's defaults. Safe for concurrent use.
 */
final class ConfiguredHedges {

    /** The core's default delay, the fallback of a percentile delay configured without one. */
    private static final Duration DEFAULT_DELAY = Duration.ofMillis(100);

    private final Registry<Hedge, Hedge.Builder> hedges;
    private final FluxgatePatternProperties.Hedges properties;

    ConfiguredHedges(Registry<Hedge, Hedge.Builder> hedges, FluxgatePatternProperties.Hedges properties) {
        this.hedges = hedges;
        this.properties = properties;
    }

    /** Builds every configured hedge; throws {@link InvalidPropertyException} on the first bad value. */
    void initialize() {
        properties.instances().keySet().forEach(this::hedge);
    }

    /** The hedge called {@code name}, created with its properties if absent. */
    Hedge hedge(String name) {
        Hedge existing = hedges.find(name).orElse(null);
        return existing != null ? existing
                : check("fluxgate.hedge.instances." + name, () -> hedges.get(name, b -> configure(name, b)));
    }

    private void configure(String name, Hedge.Builder b) {
        String prefix = "fluxgate.hedge.instances." + name;
        HedgeProperties p = properties.instances().get(name);
        if (p == null) {
            return;
        }
        if (p.maxAttempts() != null) {
            check(prefix + ".max-attempts", () -> b.maxAttempts(p.maxAttempts()));
        }
        if (p.percentile() != null) {
            // The percentile first, with the core's fallback, so that a bad value names its own key.
            check(prefix + ".percentile", () -> b.percentileDelay(p.percentile(), DEFAULT_DELAY));
            if (p.delay() != null) {
                check(prefix + ".delay", () -> b.percentileDelay(p.percentile(), p.delay()));
            }
        } else if (p.delay() != null) {
            check(prefix + ".delay", () -> b.delay(p.delay()));
        }
        if (p.latencySamples() != null) {
            check(prefix + ".latency-samples", () -> b.latencySamples(p.latencySamples()));
        }
        if (p.minSamples() != null) {
            check(prefix + ".min-samples", () -> b.minSamples(p.minSamples()));
        }
    }

    /** Runs {@code factory}; a value it rejects fails the application naming {@code property}. */
    private static <R> R check(String property, Supplier<R> factory) {
        try {
            return factory.get();
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(property, String.valueOf(e.getMessage()), e);
        }
    }
}
