package dev.fluxgate.spring;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Hedge;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.Timeout;
import dev.fluxgate.micrometer.CircuitBreakerMeters;
import dev.fluxgate.micrometer.MeterNaming;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Binds Fluxgate's breakers, retries, bulkheads, rate limiters and timeouts to Micrometer when {@code fluxgate-micrometer} and
 * Micrometer are present: as {@link MeterBinder} beans, which Spring Boot binds to every
 * {@link MeterRegistry} bean, so nothing is bound when the application has none. Each registry is
 * followed: breakers, retries and bulkheads created later are bound when created, and one removed from
 * its registry loses its meters.
 * {@code fluxgate.metrics.naming=resilience4j} publishes Resilience4j's meter names;
 * {@code fluxgate.metrics.enabled=false} turns this off.
 */
@AutoConfiguration(after = FluxgateAutoConfiguration.class)
@ConditionalOnClass({MeterRegistry.class, CircuitBreakerMeters.class})
@ConditionalOnBean(CircuitBreakerRegistry.class)
@ConditionalOnProperty(prefix = "fluxgate.metrics", name = "enabled", matchIfMissing = true)
public class FluxgateMetricsAutoConfiguration {

    /** Creates the configuration (called by Spring). */
    public FluxgateMetricsAutoConfiguration() {
    }

    /**
     * How meters are named and tagged.
     *
     * @param environment where {@code fluxgate.metrics.naming} is read
     * @return the meter factory
     */
    @Bean
    @ConditionalOnMissingBean
    public CircuitBreakerMeters fluxgateMeters(Environment environment) {
        MeterNaming naming = Binder.get(environment).bind("fluxgate.metrics.naming", MeterNaming.class)
                .orElse(MeterNaming.FLUXGATE);
        return CircuitBreakerMeters.create().withNaming(naming);
    }

    /**
     * The breakers' meters.
     *
     * @param meters the meter factory
     * @param registry the breakers
     * @return a binder that follows the registry
     */
    @Bean
    public MeterBinder fluxgateCircuitBreakerMeterBinder(CircuitBreakerMeters meters, CircuitBreakerRegistry registry) {
        return meters.binder(registry);
    }

    /**
     * The retries' meters.
     *
     * @param meters the meter factory
     * @param retries the retries
     * @return a binder that follows the registry
     */
    @Bean
    public MeterBinder fluxgateRetryMeterBinder(CircuitBreakerMeters meters, Registry<Retry, Retry.Builder> retries) {
        return meterRegistry -> meters.bindRetries(retries, meterRegistry);
    }

    /**
     * The bulkheads' meters.
     *
     * @param meters the meter factory
     * @param bulkheads the bulkheads
     * @return a binder that follows the registry
     */
    @Bean
    public MeterBinder fluxgateBulkheadMeterBinder(CircuitBreakerMeters meters,
            Registry<Bulkhead, Bulkhead.Builder> bulkheads) {
        return meterRegistry -> meters.bindBulkheads(bulkheads, meterRegistry);
    }

    /**
     * The timeouts' meters (calls that timed out, the time allowed).
     *
     * @param meters the meter factory
     * @param timeouts the timeouts
     * @return a binder that follows the registry
     */
    @Bean
    public MeterBinder fluxgateTimeoutMeterBinder(CircuitBreakerMeters meters,
            Registry<Timeout, Timeout.Builder> timeouts) {
        return meterRegistry -> meters.bindTimeouts(timeouts, meterRegistry);
    }

    /**
     * The hedges' meters.
     *
     * @param meters the meter factory
     * @param hedges the hedges
     * @return a binder that follows the registry
     */
    @Bean
    public MeterBinder fluxgateHedgeMeterBinder(CircuitBreakerMeters meters, Registry<Hedge, Hedge.Builder> hedges) {
        return meterRegistry -> meters.bindHedges(hedges, meterRegistry);
    }

    /** The meters of the retry budgets under {@code fluxgate.retry.budgets}. */
    @Bean
    MeterBinder fluxgateRetryBudgetMeterBinder(CircuitBreakerMeters meters, ConfiguredPatterns patterns) {
        return meterRegistry -> patterns.budgets().values().forEach(b -> meters.bind(b, meterRegistry));
    }

    /**
     * The rate limiters' meters.
     *
     * @param meters the meter factory
     * @param limiters the rate limiters
     * @return a binder that follows the registry
     */
    @Bean
    public MeterBinder fluxgateRateLimiterMeterBinder(CircuitBreakerMeters meters,
            Registry<RateLimiter, RateLimiter.Builder> limiters) {
        return meterRegistry -> meters.bindRateLimiters(limiters, meterRegistry);
    }

    /**
     * The adaptive bulkheads' meters (limit, in flight, calls by outcome, last RTT).
     *
     * @param meters the meter factory
     * @param bulkheads the adaptive bulkheads
     * @return a binder that follows the registry
     */
    @Bean
    public MeterBinder fluxgateAdaptiveBulkheadMeterBinder(CircuitBreakerMeters meters,
            Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> bulkheads) {
        return meterRegistry -> meters.bindAdaptiveBulkheads(bulkheads, meterRegistry);
    }
}
