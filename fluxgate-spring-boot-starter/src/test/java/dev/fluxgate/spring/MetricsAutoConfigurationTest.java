package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The MeterBinder beans (Boot binds them to every MeterRegistry; here we bind them by hand). */
class MetricsAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class,
                    FluxgateMetricsAutoConfiguration.class))
            .withPropertyValues("fluxgate.circuitbreaker.instances.a.window.size=5",
                    "fluxgate.retry.instances.r.max-attempts=2");

    @Test
    void breakersAndRetriesAreBoundIncludingOnesCreatedLater() {
        runner.run(context -> {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(meters));
            assertThat(meters.find("fluxgate.circuitbreaker.state").tag("name", "a").gauges()).isNotEmpty();
            assertThat(meters.find("fluxgate.retry.calls").tag("name", "r").meters()).isNotEmpty();

            context.getBean(CircuitBreakerRegistry.class).get("later");
            assertThat(meters.find("fluxgate.circuitbreaker.state").tag("name", "later").gauges()).isNotEmpty();
            context.getBean(ConfiguredPatterns.class).retry("later-retry");
            assertThat(meters.find("fluxgate.retry.calls").tag("name", "later-retry").meters()).isNotEmpty();
        });
    }

    @Test
    void resilience4jNamingKeepsExistingDashboards() {
        runner.withPropertyValues("fluxgate.metrics.naming=resilience4j").run(context -> {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(meters));
            assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", "a").gauges()).isNotEmpty();
            assertThat(meters.find("fluxgate.circuitbreaker.state").gauges()).isEmpty();
        });
    }

    @Test
    void metricsCanBeSwitchedOff() {
        runner.withPropertyValues("fluxgate.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MeterBinder.class));
    }
}
