package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.Timeout;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ResolvableType;

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
    void configuredTimeoutsAreBoundAndCountTheirTimedOutCalls() {
        runner.withPropertyValues("fluxgate.timeout.instances.slow.duration=50ms").run(context -> {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(meters));
            assertThat(meters.get("fluxgate.timeout.limit").tag("name", "slow").timeGauge().value(TimeUnit.MILLISECONDS))
                    .isEqualTo(50.0);
            assertThat(meters.get("fluxgate.timeout.timeouts").tag("name", "slow").functionCounter().count()).isZero();

            @SuppressWarnings("unchecked")
            Registry<Timeout, Timeout.Builder> timeouts = (Registry<Timeout, Timeout.Builder>) context.getBeanProvider(
                    ResolvableType.forClassWithGenerics(Registry.class, Timeout.class, Timeout.Builder.class)).getObject();
            Timeout slow = timeouts.find("slow").orElseThrow();
            CountDownLatch never = new CountDownLatch(1);
            // Blocks until the 50 ms deadline interrupts it: a condition, not a sleep.
            assertThatThrownBy(() -> slow.call(() -> never.await(1, TimeUnit.HOURS))).isInstanceOf(TimeoutException.class);
            assertThat(meters.get("fluxgate.timeout.timeouts").tag("name", "slow").functionCounter().count())
                    .isEqualTo(1.0);

            timeouts.get("later");
            assertThat(meters.find("fluxgate.timeout.limit").tag("name", "later").timeGauges()).isNotEmpty();
        });
    }

    @Test
    void metricsCanBeSwitchedOff() {
        runner.withPropertyValues("fluxgate.metrics.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(MeterBinder.class));
    }
}
