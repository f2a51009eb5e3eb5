package dev.fluxgate.spring;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Hedge;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.Timeout;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of Fluxgate's circuit breakers: a {@link CircuitBreakerRegistry} whose defaults
 * come from {@code fluxgate.circuitbreaker.configs.default}, the breakers of
 * {@code fluxgate.circuitbreaker.instances} built at startup (bad properties fail the application,
 * naming the property), a {@link Registry} each of retries, bulkheads and timeouts whose instances
 * {@code fluxgate.retry}, {@code fluxgate.bulkhead} and {@code fluxgate.timeout} configure (built at
 * startup too), and the aspects behind
 * {@link dev.fluxgate.spring.annotation.CircuitBreaker}, {@link dev.fluxgate.spring.annotation.Retry},
 * {@link dev.fluxgate.spring.annotation.Bulkhead} and {@link dev.fluxgate.spring.annotation.Timeout}; likewise a
 * registry of rate limiters configured by {@code fluxgate.ratelimiter} and the aspect behind
 * {@link dev.fluxgate.spring.annotation.RateLimiter}; a {@link Registry} of hedges ({@code fluxgate.hedge}) behind
 * {@link dev.fluxgate.spring.annotation.Hedge}; and the retry budgets of {@code fluxgate.retry.budgets} that
 * retries name with {@code budget}.
 * An unknown key under {@code fluxgate.*} stops the application with the closest valid key named; a
 * configured instance that no annotation or bean uses is logged as a warning (a typo in a name).
 *
 * <p>Every bean backs off when the application declares its own: a {@code CircuitBreakerRegistry}
 * bean replaces the registry (the instance properties and {@link CircuitBreakerCustomizer}s still
 * apply to the breakers the starter creates in it), a {@code Registry<Retry, Retry.Builder>} (or
 * bulkhead, or timeout) bean replaces that registry (the instance properties still apply on top of its
 * defaults), an aspect bean of one of the aspect types replaces
 * that aspect. {@code fluxgate.annotations.enabled=false} turns the annotations off.
 */
@AutoConfiguration
@EnableConfigurationProperties({FluxgateCircuitBreakerProperties.class, FluxgatePatternProperties.Retries.class,
        FluxgatePatternProperties.Bulkheads.class, FluxgatePatternProperties.Timeouts.class,
        FluxgatePatternProperties.Hedges.class,
        FluxgatePatternProperties.RateLimiters.class, FluxgatePatternProperties.AdaptiveBulkheads.class})
public class FluxgateAutoConfiguration {

    /** Creates the configuration (called by Spring). */
    public FluxgateAutoConfiguration() {
    }

    /**
     * The registry, with {@code configs.default} as the shared defaults.
     *
     * @param properties the bound properties
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public CircuitBreakerRegistry fluxgateCircuitBreakerRegistry(FluxgateCircuitBreakerProperties properties) {
        String prefix = FluxgateCircuitBreakerProperties.PREFIX + ".configs." + FluxgateCircuitBreakerProperties.DEFAULT_CONFIG;
        try {
            return CircuitBreakerRegistry.of(ConfiguredBreakers.defaults(properties, getClass().getClassLoader()));
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(prefix, e.getMessage(), e);
        }
    }

    /**
     * The breakers of the registry, configured from the properties and the customizers; builds the
     * configured instances now.
     */
    @Bean
    ConfiguredBreakers fluxgateConfiguredBreakers(CircuitBreakerRegistry registry,
            FluxgateCircuitBreakerProperties properties, ObjectProvider<CircuitBreakerCustomizer> customizers) {
        ConfiguredBreakers breakers = new ConfiguredBreakers(registry, properties,
                customizers.orderedStream().toList(), getClass().getClassLoader());
        breakers.initialize();
        return breakers;
    }

    /**
     * Lets integrations (Spring Cloud CircuitBreaker) create breakers configured like an instance that
     * live reconfiguration keeps configured the same way.
     *
     * @param breakers the configured breakers
     * @return the settings
     */
    @Bean
    @ConditionalOnMissingBean
    ConfiguredBreakerSettings fluxgateConfiguredBreakerSettings(ConfiguredBreakers breakers) {
        return new ConfiguredBreakerSettings(breakers);
    }

    /**
     * Applies changed {@code fluxgate.circuitbreaker.*}, {@code .ratelimiter.*}, {@code .retry.*} and
     * {@code .bulkhead.*} properties to the running instances, keeping their state (on Spring Cloud's
     * {@code EnvironmentChangeEvent} and on {@code POST /actuator/fluxgate}).
     */
    @Bean
    LiveReconfiguration fluxgateLiveReconfiguration(Environment environment, ConfiguredBreakers breakers,
            ConfiguredPatterns patterns, ConfiguredRateLimiters limiters) {
        return new LiveReconfiguration(environment, breakers, patterns, limiters);
    }

    /** Reconfigures the breakers when Spring Cloud says the environment changed (spring-cloud-context present). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.cloud.context.environment.EnvironmentChangeEvent")
    static class EnvironmentChangeConfiguration {

        @Bean
        EnvironmentChangeReconfiguration fluxgateEnvironmentChangeReconfiguration(LiveReconfiguration live) {
            return new EnvironmentChangeReconfiguration(live);
        }
    }

    /**
     * Logs every breaker's transitions ({@code fluxgate.circuitbreaker.log-transitions}, default true),
     * the configured breakers and those created later through the registry alike.
     */
    @Bean
    @ConditionalOnProperty(prefix = FluxgateCircuitBreakerProperties.PREFIX, name = "log-transitions",
            havingValue = "true", matchIfMissing = true)
    TransitionLogging fluxgateTransitionLogging(CircuitBreakerRegistry registry) {
        return new TransitionLogging(registry);
    }

    /**
     * Stops startup on an unknown key under {@code fluxgate.*}, naming the closest valid one. Static:
     * it runs before any bean, so before the properties are bound.
     */
    @Bean
    static UnknownPropertyCheck fluxgateUnknownPropertyCheck() {
        return new UnknownPropertyCheck();
    }

    /** Warns at startup about configured instances that no annotation or bean uses. */
    @Bean
    UnusedInstanceWarning fluxgateUnusedInstanceWarning(ConfigurableListableBeanFactory beanFactory,
            FluxgateCircuitBreakerProperties breakers, FluxgatePatternProperties.Retries retries,
            FluxgatePatternProperties.Bulkheads bulkheads, FluxgatePatternProperties.Timeouts timeouts,
            FluxgatePatternProperties.Hedges hedges) {
        return new UnusedInstanceWarning(beanFactory, breakers, retries, bulkheads, timeouts, hedges);
    }

    /**
     * The retries, with the core's defaults; {@code fluxgate.retry.instances.<name>} applies on top of
     * them to the retry of that name (see {@link #fluxgateConfiguredPatterns}).
     *
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public Registry<Retry, Retry.Builder> fluxgateRetryRegistry() {
        return Registry.ofRetries();
    }

    /**
     * The bulkheads, with the core's defaults; {@code fluxgate.bulkhead.instances.<name>} applies on top
     * of them to the bulkhead of that name.
     *
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public Registry<Bulkhead, Bulkhead.Builder> fluxgateBulkheadRegistry() {
        return Registry.ofBulkheads();
    }

    /**
     * The timeouts, with the core's defaults (one second); {@code fluxgate.timeout.instances.<name>}
     * applies on top of them to the timeout of that name.
     *
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public Registry<Timeout, Timeout.Builder> fluxgateTimeoutRegistry() {
        return Registry.ofTimeouts();
    }

    /**
     * The retries, bulkheads and timeouts of the registries with the instance properties applied;
     * builds the configured ones now.
     */
    @Bean
    ConfiguredPatterns fluxgateConfiguredPatterns(Registry<Retry, Retry.Builder> retryRegistry,
            Registry<Bulkhead, Bulkhead.Builder> bulkheadRegistry, Registry<Timeout, Timeout.Builder> timeoutRegistry,
            FluxgatePatternProperties.Retries retries, FluxgatePatternProperties.Bulkheads bulkheads,
            FluxgatePatternProperties.Timeouts timeouts) {
        ConfiguredPatterns patterns = new ConfiguredPatterns(retryRegistry, bulkheadRegistry, timeoutRegistry,
                retries, bulkheads, timeouts, getClass().getClassLoader());
        patterns.initialize();
        return patterns;
    }

    /**
     * The rate limiters, with the core's defaults (100 per second); {@code fluxgate.ratelimiter.instances.<name>}
     * applies on top of them to the limiter of that name.
     *
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public Registry<RateLimiter, RateLimiter.Builder> fluxgateRateLimiterRegistry() {
        return Registry.ofRateLimiters();
    }

    /** The rate limiters of the registry with the instance properties applied; builds the configured ones now. */
    @Bean
    ConfiguredRateLimiters fluxgateConfiguredRateLimiters(Registry<RateLimiter, RateLimiter.Builder> registry,
            FluxgatePatternProperties.RateLimiters properties) {
        ConfiguredRateLimiters limiters = new ConfiguredRateLimiters(registry, properties);
        limiters.initialize();
        return limiters;
    }

    /**
     * The adaptive bulkheads, with the core's defaults (GRADIENT, limits 1 / 20 / 200);
     * {@code fluxgate.adaptive-bulkhead.instances.<name>} applies on top of them to the bulkhead of that name.
     *
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> fluxgateAdaptiveBulkheadRegistry() {
        return Registry.ofAdaptiveBulkheads(AdaptiveBulkhead.builder("defaults"));
    }

    /** The adaptive bulkheads of the registry with the instance properties applied; builds the configured ones now. */
    @Bean
    ConfiguredAdaptiveBulkheads fluxgateConfiguredAdaptiveBulkheads(
            Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> registry,
            FluxgatePatternProperties.AdaptiveBulkheads properties) {
        ConfiguredAdaptiveBulkheads bulkheads = new ConfiguredAdaptiveBulkheads(registry, properties);
        bulkheads.initialize();
        return bulkheads;
    }

    /**
     * The hedges, with the core's defaults (2 attempts, the second after 100 ms);
     * {@code fluxgate.hedge.instances.<name>} applies on top of them to the hedge of that name.
     *
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public Registry<Hedge, Hedge.Builder> fluxgateHedgeRegistry() {
        return Registry.ofHedges();
    }

    /** The hedges of the registry with the instance properties applied; builds the configured ones now. */
    @Bean
    ConfiguredHedges fluxgateConfiguredHedges(Registry<Hedge, Hedge.Builder> hedgeRegistry,
            FluxgatePatternProperties.Hedges hedges) {
        ConfiguredHedges configured = new ConfiguredHedges(hedgeRegistry, hedges);
        configured.initialize();
        return configured;
    }

    /** The aspects, when AspectJ is present (it comes with the starter). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Aspect.class)
    @ConditionalOnProperty(prefix = "fluxgate.annotations", name = "enabled", matchIfMissing = true)
    static class AspectConfiguration {

        @Bean
        @ConditionalOnMissingBean
        CircuitBreakerAspect fluxgateCircuitBreakerAspect(ConfiguredBreakers breakers) {
            return new CircuitBreakerAspect(breakers);
        }

        /** Checks the annotated beans at startup. */
        @Bean
        AnnotationValidator fluxgateAnnotationValidator(ConfigurableListableBeanFactory beanFactory) {
            return new AnnotationValidator(beanFactory);
        }

        @Bean
        @ConditionalOnMissingBean
        RetryAspect fluxgateRetryAspect(ConfiguredPatterns patterns) {
            return new RetryAspect(patterns::retry);
        }

        @Bean
        @ConditionalOnMissingBean
        BulkheadAspect fluxgateBulkheadAspect(ConfiguredPatterns patterns) {
            return new BulkheadAspect(patterns::bulkhead);
        }

        @Bean
        @ConditionalOnMissingBean
        TimeoutAspect fluxgateTimeoutAspect(ConfiguredPatterns patterns) {
            return new TimeoutAspect(patterns::timeout);
        }

        @Bean
        @ConditionalOnMissingBean
        HedgeAspect fluxgateHedgeAspect(ConfiguredHedges hedges) {
            return new HedgeAspect(hedges::hedge);
        }

        @Bean
        @ConditionalOnMissingBean
        AdaptiveBulkheadAspect fluxgateAdaptiveBulkheadAspect(ConfiguredAdaptiveBulkheads bulkheads) {
            return new AdaptiveBulkheadAspect(bulkheads::adaptiveBulkhead);
        }

        @Bean
        @ConditionalOnMissingBean
        RateLimiterAspect fluxgateRateLimiterAspect(ConfiguredRateLimiters limiters) {
            return new RateLimiterAspect(limiters::rateLimiter);
        }
    }
}
