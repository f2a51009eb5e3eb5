package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Chaos;
import dev.fluxgate.ChaosException;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.State;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;
import reactor.core.publisher.Mono;

/**
 * Fault injection in a real application context: nothing exists and nothing is injected without
 * {@code fluxgate.chaos.enabled=true}; with it, the configured instances inject into {@code @Chaos}
 * methods innermost (a breaker outside sees the injected failures), a warning names each enabled
 * instance, and the injected faults have their own meters.
 */
@ExtendWith(OutputCaptureExtension.class)
class ChaosStarterTest {

    /** An annotated service. */
    static class Payments {
        final AtomicInteger runs = new AtomicInteger();

        /** Through the proxy: its own fields are not the target's. */
        public int runs() {
            return runs.get();
        }

        @dev.fluxgate.spring.annotation.CircuitBreaker(name = "payments")
        @dev.fluxgate.spring.annotation.Chaos(name = "payments")
        public String pay() throws IOException { // a checked exception the method does not declare arrives wrapped
            runs.incrementAndGet();
            return "paid";
        }

        @dev.fluxgate.spring.annotation.Chaos(name = "async")
        public CompletionStage<String> payAsync() {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("paid async");
        }

        @dev.fluxgate.spring.annotation.Chaos(name = "reactive")
        public Mono<String> payMono() {
            return Mono.fromCallable(() -> {
                runs.incrementAndGet();
                return "paid mono";
            });
        }

        @dev.fluxgate.spring.annotation.Chaos(name = "unlisted")
        public String unlisted() {
            return "untouched";
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class,
                    FluxgateMetricsAutoConfiguration.class, FluxgateChaosAutoConfiguration.class))
            .withPropertyValues(
                    "fluxgate.chaos.instances.payments.exception-rate=1.0",
                    "fluxgate.chaos.instances.payments.exception=java.io.IOException",
                    "fluxgate.chaos.instances.async.exception-rate=1.0",
                    "fluxgate.chaos.instances.reactive.result-rate=1.0",
                    "fluxgate.chaos.instances.reactive.result=substitute",
                    "fluxgate.circuitbreaker.instances.payments.tripper.failure-streak=3")
            .withBean("payments", Payments.class, Payments::new);

    @SuppressWarnings("unchecked")
    private static Registry<Chaos, Chaos.Builder> injectors(ApplicationContext context) {
        return (Registry<Chaos, Chaos.Builder>) context.getBeanProvider(ResolvableType.forClassWithGenerics(
                Registry.class, Chaos.class, Chaos.Builder.class)).getObject();
    }

    @Test
    void withoutTheEnabledPropertyNoInjectorExistsAndNothingIsInjected(CapturedOutput output) {
        runner.run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(ChaosAspect.class).doesNotHaveBean(ConfiguredChaos.class)
                    .doesNotHaveBean("fluxgateChaosRegistry");
            Payments payments = context.getBean(Payments.class);
            for (int i = 0; i < 10; i++) {
                assertThat(payments.pay()).isEqualTo("paid");
            }
            assertThat(payments.payAsync().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("paid async");
            assertThat(payments.payMono().block()).isEqualTo("paid mono");
            assertThat(payments.runs()).isEqualTo(12);
            assertThat(context).doesNotHaveBean("fluxgateChaosMeterBinder");
        });
        runner.withPropertyValues("fluxgate.chaos.enabled=false").run(context ->
                assertThat(context).hasNotFailed().doesNotHaveBean(ChaosAspect.class));
        assertThat(output).doesNotContain("Fault injection is ON");
    }

    @Test
    void withTheEnabledPropertyAWarningNamesEachEnabledInstanceAndFaultsAreInjectedInnermost(CapturedOutput output) {
        runner.withPropertyValues("fluxgate.chaos.enabled=true",
                "fluxgate.chaos.instances.off.enabled=false", "fluxgate.chaos.instances.off.exception-rate=1.0")
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(ChaosAspect.class);
                    assertThat(output).contains("WARN").contains("Fault injection is ON")
                            .contains("payments (exception 1.0 java.io.IOException)")
                            .contains("async (exception 1.0)").contains("reactive (result 1.0)");
                    String warning = output.getOut().lines().filter(l -> l.contains("Fault injection is ON"))
                            .findFirst().orElseThrow();
                    assertThat(warning).as("a disabled instance is not named").doesNotContain("off (");

                    Payments payments = context.getBean(Payments.class);
                    for (int i = 0; i < 3; i++) {
                        assertThatThrownBy(payments::pay).isInstanceOf(IOException.class)
                                .satisfies(e -> assertThat(Chaos.isInjected(e)).isTrue());
                    }
                    assertThat(payments.runs()).as("the method never ran").isZero();
                    assertThat(context.getBean(CircuitBreakerRegistry.class).get("payments").state())
                            .as("the breaker outside counted the injected failures").isEqualTo(State.OPEN);

                    CompletableFuture<String> failed = payments.payAsync().toCompletableFuture();
                    assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(ChaosException.class);
                    assertThat(payments.payMono().block()).isEqualTo("substitute");
                    assertThat(payments.unlisted()).as("a name the properties do not list injects nothing")
                            .isEqualTo("untouched");

                    Registry<Chaos, Chaos.Builder> injectors = injectors(context);
                    assertThat(injectors.find("off").orElseThrow().isEnabled()).isFalse();
                    Chaos chaos = injectors.find("payments").orElseThrow();
                    assertThat(chaos.injected(Chaos.Kind.EXCEPTION)).isEqualTo(3);
                    MeterRegistry meters = new SimpleMeterRegistry();
                    context.getBean("fluxgateChaosMeterBinder", MeterBinder.class).bindTo(meters);
                    assertThat(meters.get("fluxgate.chaos.injected").tag("name", "payments").tag("kind", "exception")
                            .functionCounter().count()).isEqualTo(3.0);

                    chaos.disable(); // at run time: the switch of the bean's injector
                    context.getBean(CircuitBreakerRegistry.class).get("payments").reset();
                    assertThat(payments.pay()).isEqualTo("paid");
                });
    }

    @Test
    void aBadInstanceStopsTheApplicationNamingTheProperty() {
        runner.withPropertyValues("fluxgate.chaos.enabled=true", "fluxgate.chaos.instances.bad.exception-rate=0.6",
                "fluxgate.chaos.instances.bad.latency-rate=0.6").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("at most 1"));
        runner.withPropertyValues("fluxgate.chaos.enabled=true", "fluxgate.chaos.instances.bad.exception-rate=0.1",
                "fluxgate.chaos.instances.bad.exception=no.such.Type").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("fluxgate.chaos.instances.bad.exception"));
    }
}
