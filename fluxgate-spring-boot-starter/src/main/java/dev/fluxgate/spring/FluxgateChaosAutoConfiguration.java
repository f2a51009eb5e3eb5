package dev.fluxgate.spring;

import dev.fluxgate.Chaos;
import dev.fluxgate.Registry;
import dev.fluxgate.micrometer.CircuitBreakerMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Fault injection, <b>only</b> while {@code fluxgate.chaos.enabled=true}: a {@link Registry} of
 * {@link Chaos} whose instances {@code fluxgate.chaos.instances.<name>.*} configure (built at startup, a
 * warning naming each enabled one logged), the aspect behind {@link dev.fluxgate.spring.annotation.Chaos}
 * (placed innermost, unless {@code fluxgate.annotations.enabled=false}) and, with Micrometer, the
 * {@code fluxgate.chaos.*} meters. Without the property none of these beans exists and
 * {@code @Chaos} does nothing.
 */
@AutoConfiguration(afterName = {"dev.fluxgate.spring.FluxgateAutoConfiguration",
        "dev.fluxgate.spring.FluxgateMetricsAutoConfiguration"})
@ConditionalOnProperty(prefix = "fluxgate.chaos", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(FluxgateChaosProperties.class)
public class FluxgateChaosAutoConfiguration {

    /** Creates the configuration (called by Spring). */
    public FluxgateChaosAutoConfiguration() {
    }

    /**
     * The fault injectors; a name the properties do not list injects nothing.
     *
     * @return the registry
     */
    @Bean
    @ConditionalOnMissingBean
    public Registry<Chaos, Chaos.Builder> fluxgateChaosRegistry() {
        return Registry.ofChaos(ConfiguredChaos.defaults());
    }

    /** The configured injectors, built now; logs the startup warning. */
    @Bean
    ConfiguredChaos fluxgateConfiguredChaos(Registry<Chaos, Chaos.Builder> registry, FluxgateChaosProperties properties) {
        ConfiguredChaos chaos = new ConfiguredChaos(registry, properties, getClass().getClassLoader());
        chaos.initialize();
        return chaos;
    }

    /** The aspect, when AspectJ is present and the annotations are on. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Aspect.class)
    @ConditionalOnProperty(prefix = "fluxgate.annotations", name = "enabled", matchIfMissing = true)
    static class ChaosAspectConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ChaosAspect fluxgateChaosAspect(ConfiguredChaos chaos) {
            return new ChaosAspect(chaos::chaos);
        }
    }

    /** The meters, when fluxgate-micrometer is present and metrics are on. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, CircuitBreakerMeters.class})
    @ConditionalOnBean(CircuitBreakerMeters.class)
    @ConditionalOnProperty(prefix = "fluxgate.metrics", name = "enabled", matchIfMissing = true)
    static class ChaosMetricsConfiguration {

        @Bean
        MeterBinder fluxgateChaosMeterBinder(CircuitBreakerMeters meters, Registry<Chaos, Chaos.Builder> registry) {
            return meterRegistry -> meters.bindChaos(registry, meterRegistry);
        }
    }
}
