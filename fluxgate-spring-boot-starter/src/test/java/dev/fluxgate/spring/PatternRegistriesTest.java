package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.Backoff;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.Timeout;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;

/**
 * The retries, bulkheads and timeouts are registries, as beans: what the properties configure can be
 * injected and looked up by name, the aspects take their instances from them, and an application's own
 * registry replaces the starter's.
 */
class PatternRegistriesTest {

    /** A bean that needs the registries injected by their generic types. */
    record Needs(Registry<Retry, Retry.Builder> retries, Registry<Bulkhead, Bulkhead.Builder> bulkheads,
            Registry<Timeout, Timeout.Builder> timeouts, CircuitBreakerRegistry breakers) {
    }

    /** An application's own retry registry, with defaults of its own. */
    @Configuration(proxyBeanMethods = false)
    static class OwnRetries {
        @Bean
        Registry<Retry, Retry.Builder> myRetries() {
            return Registry.ofRetries(Retry.builder("defaults").maxAttempts(9).backoff(Backoff.none()));
        }
    }

    /** An annotated service: the aspects must use the registries' instances. */
    static class Service {
        final AtomicInteger calls = new AtomicInteger();

        @dev.fluxgate.spring.annotation.Retry(name = "inventory")
        @dev.fluxgate.spring.annotation.Bulkhead(name = "db")
        @dev.fluxgate.spring.annotation.Timeout(name = "slow")
        public String call() {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return "ok";
        }

        @dev.fluxgate.spring.annotation.Retry(name = "unlisted")
        public String unlisted() {
            return "ok";
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class,
                    FluxgateMetricsAutoConfiguration.class))
            .withPropertyValues("fluxgate.retry.instances.inventory.max-attempts=5",
                    "fluxgate.retry.instances.inventory.backoff.type=none",
                    "fluxgate.bulkhead.instances.db.max-concurrent-calls=7",
                    "fluxgate.bulkhead.instances.db.max-wait=20ms",
                    "fluxgate.timeout.instances.slow.duration=3s",
                    "fluxgate.timeout.instances.here.on-caller-thread=true");

    @SuppressWarnings("unchecked")
    private static <P extends dev.fluxgate.Policy, B> Registry<P, B> registry(ApplicationContext context,
            Class<P> pattern, Class<B> builder) {
        return (Registry<P, B>) context.getBeanProvider(ResolvableType.forClassWithGenerics(Registry.class, pattern,
                builder)).getObject();
    }

    @Test
    void theConfiguredInstancesAreInTheRegistriesWithTheirSettings() {
        runner.run(context -> {
            Registry<Retry, Retry.Builder> retries = registry(context, Retry.class, Retry.Builder.class);
            assertThat(retries.find("inventory")).as("built at startup").get()
                    .extracting(Retry::maxAttempts).isEqualTo(5);
            Registry<Bulkhead, Bulkhead.Builder> bulkheads = registry(context, Bulkhead.class, Bulkhead.Builder.class);
            Bulkhead db = bulkheads.find("db").orElseThrow();
            assertThat(db.maxConcurrentCalls()).isEqualTo(7);
            assertThat(db.maxWait()).isEqualTo(Duration.ofMillis(20));
            Registry<Timeout, Timeout.Builder> timeouts = registry(context, Timeout.class, Timeout.Builder.class);
            assertThat(timeouts.find("slow")).get().extracting(Timeout::timeout).isEqualTo(Duration.ofSeconds(3));
            assertThat(timeouts.find("slow")).get().extracting(Timeout::runsOnCallerThread).isEqualTo(false);
            assertThat(timeouts.find("here")).get().extracting(Timeout::runsOnCallerThread).isEqualTo(true);

            assertThat(context.getBean("fluxgateRetryRegistry")).isSameAs(retries);
            assertThat(context.getBean("fluxgateBulkheadRegistry")).isSameAs(bulkheads);
            assertThat(context.getBean("fluxgateTimeoutRegistry")).isSameAs(timeouts);
        });
    }

    @Test
    void theRegistriesAreInjectedByTheirGenericTypes() {
        runner.withBean(Needs.class).run(context -> {
            Needs needs = context.getBean(Needs.class);
            assertThat(needs.retries().find("inventory")).isPresent();
            assertThat(needs.bulkheads().find("db")).isPresent();
            assertThat(needs.timeouts().find("slow")).isPresent();
            assertThat(needs.breakers()).isSameAs(context.getBean(CircuitBreakerRegistry.class));
        });
    }

    @Test
    void theAspectsTakeTheirInstancesFromTheRegistries() {
        runner.withBean("service", Service.class, Service::new).run(context -> {
            Service service = context.getBean(Service.class);
            assertThat(service.call()).isEqualTo("ok");
            Retry inventory = registry(context, Retry.class, Retry.Builder.class).find("inventory").orElseThrow();
            assertThat(inventory.successfulCallsWithRetry()).as("the aspect ran through the registry's retry")
                    .isEqualTo(1);
            assertThat(registry(context, Bulkhead.class, Bulkhead.Builder.class).find("db").orElseThrow()
                    .permittedCalls()).isEqualTo(2);
            assertThat(registry(context, Timeout.class, Timeout.Builder.class).find("slow").orElseThrow().name())
                    .isEqualTo("slow");

            assertThat(service.unlisted()).isEqualTo("ok");
            assertThat(registry(context, Retry.class, Retry.Builder.class).find("unlisted"))
                    .as("a name the properties do not list is created in the registry with its defaults").get()
                    .extracting(Retry::maxAttempts).isEqualTo(3);
        });
    }

    @Test
    void aConfiguredInstanceRemovedFromItsRegistryComesBackWithItsProperties() {
        runner.withBean("service", Service.class, Service::new).run(context -> {
            Registry<Retry, Retry.Builder> retries = registry(context, Retry.class, Retry.Builder.class);
            Retry first = retries.remove("inventory").orElseThrow();
            context.getBean(Service.class).call();
            Retry again = retries.find("inventory").orElseThrow();
            assertThat(again).isNotSameAs(first);
            assertThat(again.maxAttempts()).isEqualTo(5);
        });
    }

    @Test
    void anApplicationsOwnRetryRegistryReplacesTheStartersAndThePropertiesApplyOnTopOfItsDefaults() {
        runner.withUserConfiguration(OwnRetries.class)
                .run(context -> {
                    assertThat(context).doesNotHaveBean("fluxgateRetryRegistry");
                    Registry<Retry, Retry.Builder> own = registry(context, Retry.class, Retry.Builder.class);
                    assertThat(context.getBean("myRetries")).isSameAs(own);
                    assertThat(context).as("the other registries stay").hasBean("fluxgateBulkheadRegistry")
                            .hasBean("fluxgateTimeoutRegistry");
                    assertThat(own.find("inventory")).get().extracting(Retry::maxAttempts).isEqualTo(5);
                    assertThat(context.getBean(ConfiguredPatterns.class).retry("other").maxAttempts()).isEqualTo(9);
                    assertThat(own.find("other")).isPresent();
                });
    }

    @Test
    void retriesAndBulkheadsCreatedLaterInTheRegistriesGetMetersAndLoseThemOnRemove() {
        runner.run(context -> {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(meters));
            Registry<Retry, Retry.Builder> retries = registry(context, Retry.class, Retry.Builder.class);
            Registry<Bulkhead, Bulkhead.Builder> bulkheads = registry(context, Bulkhead.class, Bulkhead.Builder.class);
            assertThat(meters.find("fluxgate.retry.calls").tag("name", "inventory").meters()).isNotEmpty();
            retries.get("later");
            bulkheads.get("later");
            assertThat(meters.find("fluxgate.retry.calls").tag("name", "later").meters()).isNotEmpty();
            assertThat(meters.find("fluxgate.bulkhead.calls").tag("name", "later").meters()).isNotEmpty();
            retries.remove("later");
            bulkheads.remove("later");
            assertThat(meters.find("fluxgate.retry.calls").tag("name", "later").meters()).isEmpty();
            assertThat(meters.find("fluxgate.bulkhead.calls").tag("name", "later").meters()).isEmpty();
        });
    }

    @Test
    void trackLocalRejectionsIsAPropertyOfABreaker() {
        runner.withPropertyValues("fluxgate.circuitbreaker.instances.strict.track-local-rejections=true",
                "fluxgate.circuitbreaker.configs.default.window.size=10").run(context -> {
                    CircuitBreakerRegistry breakers = context.getBean(CircuitBreakerRegistry.class);
                    assertThat(breakers.find("strict").orElseThrow().configuration())
                            .containsEntry("trackLocalRejections", "true");
                    assertThat(breakers.get("lenient").configuration()).containsEntry("trackLocalRejections", "false");
                });
    }
}
