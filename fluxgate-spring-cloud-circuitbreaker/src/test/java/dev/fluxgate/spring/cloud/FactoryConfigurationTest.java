package dev.fluxgate.spring.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.spring.FluxgateAutoConfiguration;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.client.CommonsClientAutoConfiguration;
import org.springframework.cloud.client.circuitbreaker.CircuitBreaker;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.client.circuitbreaker.NoFallbackAvailableException;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.cloud.client.circuitbreaker.httpservice.CircuitBreakerRestClientHttpServiceGroupConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The factories' configuration (id, then group, then default), auto-configuration and ordering, without a web server. */
class FactoryConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class,
                    FluxgateSpringCloudCircuitBreakerAutoConfiguration.class, CommonsClientAutoConfiguration.class))
            .withPropertyValues("fluxgate.circuitbreaker.configs.default.max-half-open-calls=3",
                    "fluxgate.circuitbreaker.instances.orders.max-half-open-calls=5",
                    "fluxgate.circuitbreaker.instances.shop.max-half-open-calls=7",
                    "fluxgate.timeout.instances.shop.duration=250ms");

    @Configuration(proxyBeanMethods = false)
    static class BlockingTuning {
        @Bean
        Customizer<FluxgateCircuitBreakerFactory> tuning() {
            return f -> {
                f.configure(b -> b.breaker(cb -> cb.maxHalfOpenCalls(9)), "payments");
                f.configure(b -> b.breaker(cb -> cb.maxHalfOpenCalls(11)), "billing");
                f.configureDefault(id -> new FluxgateConfigBuilder(id).breaker(cb -> cb.maxHalfOpenCalls(13)).build());
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class ReactiveTuning {
        @Bean
        Customizer<FluxgateReactiveCircuitBreakerFactory> tuning() {
            return f -> f.configure(b -> b.timeout(Duration.ofMillis(100)), "never");
        }
    }

    private static String maxHalfOpenCalls(CircuitBreakerRegistry registry, String name) {
        return registry.find(name).orElseThrow().configuration().get("maxHalfOpenCalls");
    }

    @Test
    void configuresAnIdByItsOwnInstanceThenItsGroupThenTheDefault() {
        runner.run(context -> {
            CircuitBreakerFactory<?, ?> factory = context.getBean(CircuitBreakerFactory.class);
            factory.create("orders", "shop").run(() -> "x");
            factory.create("carts", "shop").run(() -> "x");
            factory.create("search").run(() -> "x");
            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            assertThat(maxHalfOpenCalls(registry, "orders")).isEqualTo("5");
            assertThat(maxHalfOpenCalls(registry, "carts")).isEqualTo("7"); // its own breaker, its group's settings
            assertThat(maxHalfOpenCalls(registry, "search")).isEqualTo("3");
        });
    }

    @Test
    void blockingAndReactiveFactoriesShareOneBreakerPerId() {
        runner.run(context -> {
            context.getBean(CircuitBreakerFactory.class).create("carts").run(() -> "x");
            ReactiveCircuitBreakerFactory<?, ?> reactive = context.getBean(ReactiveCircuitBreakerFactory.class);
            StepVerifier.create(reactive.create("carts").run(Mono.just("y"))).expectNext("y").verifyComplete();
            assertThat(context.getBean(CircuitBreakerRegistry.class).find("carts").orElseThrow().metrics().calls())
                    .isEqualTo(2);
        });
    }

    @Test
    void codeConfigurationByIdOrGroupAppliesAfterTheProperties() {
        runner.withUserConfiguration(BlockingTuning.class).run(context -> {
            CircuitBreakerFactory<?, ?> factory = context.getBean(CircuitBreakerFactory.class);
            factory.create("payments").run(() -> "x");
            factory.create("invoices", "billing").run(() -> "x");
            factory.create("other").run(() -> "x");
            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            assertThat(maxHalfOpenCalls(registry, "payments")).isEqualTo("9");
            assertThat(maxHalfOpenCalls(registry, "invoices")).isEqualTo("11");
            assertThat(maxHalfOpenCalls(registry, "other")).isEqualTo("13");
        });
    }

    private static void changeAndReload(org.springframework.context.ConfigurableApplicationContext context,
            String... keysAndValues) {
        java.util.Map<String, Object> changed = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            changed.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        context.getEnvironment().getPropertySources()
                .addFirst(new org.springframework.core.env.MapPropertySource("changed", changed));
        context.getBean(dev.fluxgate.spring.LiveReconfiguration.class).apply();
    }

    @Test
    void aLivePropertyChangeReconfiguresAnIdByItsGroupKeepingItsState() {
        // Before: the reload rebuilt every id that is not an instance from configs.default alone.
        runner.run(context -> {
            CircuitBreakerFactory<?, ?> factory = context.getBean(CircuitBreakerFactory.class);
            factory.create("carts", "shop").run(() -> "x");
            factory.create("search").run(() -> "x");
            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            dev.fluxgate.CircuitBreaker carts = registry.find("carts").orElseThrow();
            carts.forceOpen();

            changeAndReload(context, "fluxgate.circuitbreaker.instances.shop.max-half-open-calls", "8",
                    "fluxgate.circuitbreaker.configs.default.max-half-open-calls", "4");

            assertThat(maxHalfOpenCalls(registry, "carts")).isEqualTo("8");
            assertThat(maxHalfOpenCalls(registry, "search")).isEqualTo("4");
            assertThat(registry.find("carts").orElseThrow()).isSameAs(carts);
            assertThat(carts.state()).isEqualTo(dev.fluxgate.State.FORCED_OPEN);
        });
    }

    @Test
    void aLivePropertyChangeKeepsTheFactorysCodeConfiguration() {
        runner.withUserConfiguration(BlockingTuning.class).run(context -> {
            CircuitBreakerFactory<?, ?> factory = context.getBean(CircuitBreakerFactory.class);
            factory.create("payments").run(() -> "x");
            factory.create("other").run(() -> "x");

            changeAndReload(context, "fluxgate.circuitbreaker.configs.default.max-half-open-calls", "4");

            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            assertThat(maxHalfOpenCalls(registry, "payments")).isEqualTo("9");
            assertThat(maxHalfOpenCalls(registry, "other")).isEqualTo("13");
        });
    }

    @Test
    void aRejectionReachesTheFallbackAsCallNotPermittedAndWithoutOneAsNoFallbackAvailable() {
        runner.run(context -> {
            CircuitBreaker cb = context.getBean(CircuitBreakerFactory.class).create("forced");
            context.getBean(CircuitBreakerRegistry.class).find("forced").orElseThrow().forceOpen();
            AtomicReference<Throwable> seen = new AtomicReference<>();
            assertThat(cb.run(() -> "called", t -> {
                seen.set(t);
                return "fallback";
            })).isEqualTo("fallback");
            assertThat(seen.get()).isInstanceOf(CallNotPermittedException.class);
            assertThatThrownBy(() -> cb.run(() -> "called")).isInstanceOf(NoFallbackAvailableException.class)
                    .hasCauseInstanceOf(CallNotPermittedException.class);
        });
    }

    @Test
    void aTimeoutFromTheGroupsPropertiesReachesTheFallbackAsTimeoutException() {
        runner.run(context -> {
            CircuitBreaker cb = context.getBean(CircuitBreakerFactory.class).create("slow-orders", "shop");
            java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
            AtomicReference<Throwable> seen = new AtomicReference<>();
            String result = cb.run(() -> {
                try {
                    never.await(); // interrupted by the timeout
                    return "late";
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted";
                }
            }, t -> {
                seen.set(t);
                return "fallback";
            });
            assertThat(result).isEqualTo("fallback");
            assertThat(seen.get()).isInstanceOf(TimeoutException.class);
            assertThat(context.getBean(CircuitBreakerRegistry.class).find("slow-orders").orElseThrow()
                    .metrics().failures()).isEqualTo(1);
        });
    }

    @Test
    void aReactiveTimeoutOfTheCodeConfigurationFailsTheMonoWithTimeoutException() {
        runner.withUserConfiguration(ReactiveTuning.class).run(context -> {
            ReactiveCircuitBreakerFactory<?, ?> reactive = context.getBean(ReactiveCircuitBreakerFactory.class);
            StepVerifier.create(reactive.create("never").run(Mono.<String>never(), t -> Mono.just(t.getClass().getSimpleName())))
                    .expectNext("TimeoutException").verifyComplete();
        });
    }

    @Test
    void runsBeforeTheHttpServiceGroupConfigurersThatNeedAFactory() {
        runner.run(context -> assertThat(context).hasSingleBean(CircuitBreakerRestClientHttpServiceGroupConfigurer.class));
        // Declared, not left to the alphabetical order of class names that happens to put dev.* first.
        assertThat(FluxgateSpringCloudCircuitBreakerAutoConfiguration.class.getAnnotation(AutoConfiguration.class)
                .beforeName()).contains(CommonsClientAutoConfiguration.class.getName(),
                        "org.springframework.cloud.openfeign.FeignAutoConfiguration",
                        "org.springframework.cloud.gateway.config.GatewayAutoConfiguration");
    }

    @Test
    void backsOffForTheApplicationsOwnFactory() {
        runner.withBean(CircuitBreakerFactory.class, () -> new FluxgateCircuitBreakerFactory(
                CircuitBreakerRegistry.ofDefaults(), dev.fluxgate.Registry.ofTimeouts(),
                new dev.fluxgate.spring.FluxgateCircuitBreakerProperties(null, null, true), java.util.List.of()))
                .run(context -> assertThat(context).hasSingleBean(CircuitBreakerFactory.class)
                        .doesNotHaveBean("fluxgateCircuitBreakerFactory"));
    }

    @Test
    void canBeTurnedOff() {
        runner.withPropertyValues("spring.cloud.circuitbreaker.fluxgate.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(CircuitBreakerFactory.class)
                        .doesNotHaveBean(ReactiveCircuitBreakerFactory.class));
    }
}
