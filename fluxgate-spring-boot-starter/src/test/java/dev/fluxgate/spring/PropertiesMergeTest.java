package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Built-in defaults, then configs.default, then the base config, then the instance, then customizers. */
class PropertiesMergeTest {

    private static final String P = "fluxgate.circuitbreaker.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class));

    @Test
    void eachOptionComesFromTheMostSpecificLayerThatSetsIt() {
        runner.withPropertyValues(
                P + "configs.default.window.size=20",
                P + "configs.default.max-half-open-calls=3",
                P + "configs.default.cooldown.duration=5s",
                P + "configs.default.tripper.min-requests=5",
                P + "configs.base.window.size=10",
                P + "configs.base.close-after-successes=2",
                P + "configs.base.cooldown.jitter=0.1",
                P + "instances.a.base-config=base",
                P + "instances.a.window.size=8",
                P + "instances.b.cooldown.initial=1s",
                P + "instances.b.cooldown.max=8s").run(context -> {
                    CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
                    assertThat(registry.find("a")).as("instances are built at startup").isPresent();
                    Map<String, String> a = registry.find("a").orElseThrow().configuration();
                    assertThat(a).containsEntry("window", "Window.count(8)")        // instance
                            .containsEntry("closeAfterSuccesses", "2")                // base
                            .containsEntry("maxHalfOpenCalls", "3")                   // default
                            .containsEntry("cooldown", "Cooldown.fixed(5s).withJitter(0.1)") // default + base
                            .containsEntry("permit", "Permit.rampUp(0.1, 1.0, 1m)");  // built-in
                    assertThat(a.get("tripper"))
                            .isEqualTo(Tripper.minRequests(5).and(Tripper.failureRate(0.5)).toString());

                    Map<String, String> b = registry.find("b").orElseThrow().configuration();
                    assertThat(b).containsEntry("window", "Window.count(20)")
                            .containsEntry("closeAfterSuccesses", "1")
                            .containsEntry("cooldown", "Cooldown.exponential(1s, 2.0, 8s)");

                    assertThat(registry.get("unlisted").configuration())
                            .as("a breaker nobody configured gets configs.default")
                            .containsEntry("window", "Window.count(20)").containsEntry("maxHalfOpenCalls", "3");
                });
    }

    @Test
    void aLayerThatSetsAnotherKindOfWindowCooldownOrPermitReplacesTheKindBelow() {
        runner.withPropertyValues(
                P + "configs.default.window.size=50",
                P + "configs.default.cooldown.initial=1s",
                P + "configs.default.cooldown.max=1m",
                P + "configs.default.permit.ratio=0.5",
                P + "instances.a.window.span=10s",
                P + "instances.a.window.bucket=500ms",
                P + "instances.a.cooldown.duration=3s",
                P + "instances.a.permit.type=all",
                P + "instances.b.window.type=time",
                P + "instances.b.window.span=1m").run(context -> {
                    CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
                    Map<String, String> a = registry.find("a").orElseThrow().configuration();
                    assertThat(a).containsEntry("window", "Window." + Window.time(Duration.ofSeconds(10),
                                    Duration.ofMillis(500)))
                            .containsEntry("cooldown", "Cooldown.fixed(3s)")
                            .containsEntry("permit", "Permit.all()");
                    Map<String, String> b = registry.find("b").orElseThrow().configuration();
                    assertThat(b.get("window")).startsWith("Window.time(1m");
                    assertThat(b).containsEntry("cooldown", "Cooldown.exponential(1s, 2.0, 1m)")
                            .containsEntry("permit", "Permit.random(0.5)");
                });
    }

    @Test
    void trippersCanBeStructuredWithHalfOpenOverridesOrAnExpression() {
        runner.withPropertyValues(
                P + "configs.default.tripper.failure-rate=0.5",
                P + "configs.default.tripper.min-requests=10",
                P + "instances.structured.slow-call-threshold=2s",
                P + "instances.structured.tripper.slow-rate=0.8",
                P + "instances.structured.tripper.failure-streak=5",
                P + "instances.structured.tripper.half-open.failure-rate=0.2",
                P + "instances.structured.tripper.half-open.min-requests=3",
                P + "instances.expr.tripper.expression=minRequests(4) and (failureRate(0.25) | avgLatency(1s))",
                P + "configs.exprbase.tripper.expression=failureStreak(3)",
                P + "instances.over.base-config=exprbase",
                P + "instances.over.tripper.failure-rate=0.9").run(context -> {
                    CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
                    Tripper slow = Tripper.slowRate(0.8, Duration.ofSeconds(2));
                    Tripper closed = Tripper.minRequests(10).and(Tripper.failureRate(0.5).or(slow))
                            .or(Tripper.failureStreak(5));
                    Tripper halfOpen = Tripper.minRequests(3).and(Tripper.failureRate(0.2).or(slow))
                            .or(Tripper.failureStreak(5));
                    assertThat(registry.find("structured").orElseThrow().configuration().get("tripper"))
                            .as("half-open rules fall back one by one to the closed ones")
                            .isEqualTo(Tripper.closed().and(closed).or(Tripper.halfOpened().and(halfOpen)).toString());
                    assertThat(registry.find("expr").orElseThrow().configuration().get("tripper"))
                            .isEqualTo(Tripper.minRequests(4).and(Tripper.failureRate(0.25)
                                    .or(Tripper.avgLatency(Duration.ofSeconds(1)))).toString());
                    assertThat(registry.find("over").orElseThrow().configuration().get("tripper"))
                            .as("structured rules above an expression replace it, and start afresh: the "
                                    + "default's min-requests lies below the expression")
                            .isEqualTo(Tripper.minRequests(100).and(Tripper.failureRate(0.9)).toString());
                });
    }

    @Test
    void exceptionClassNamesBuildTheTrackerAndTheScalarOptionsApply() {
        runner.withPropertyValues(
                P + "instances.a.record-exceptions=java.io.IOException,java.util.concurrent.TimeoutException",
                P + "instances.a.ignore-exceptions=java.io.FileNotFoundException",
                P + "instances.a.half-open-timeout=7s",
                P + "instances.a.slow-call-threshold=300ms",
                P + "instances.a.close-after-successes=4",
                P + "instances.a.max-half-open-calls=6",
                P + "instances.a.cooldown.type=manual").run(context -> {
                    CircuitBreaker a = context.getBean(CircuitBreakerRegistry.class).find("a").orElseThrow();
                    assertThat(a.configuration())
                            .containsEntry("tracker", "Tracker.(typeOf(IOException, TimeoutException) and not("
                                    + "typeOf(FileNotFoundException)))")
                            .containsEntry("halfOpenTimeout", "PT7S")
                            .containsEntry("slowCallThresholds", "[PT0.3S]")
                            .containsEntry("closeAfterSuccesses", "4")
                            .containsEntry("maxHalfOpenCalls", "6")
                            .containsEntry("cooldown", "Cooldown.manual()");
                });
    }

    @Test
    void customizersRunAfterThePropertiesAndAUserRegistryIsKept() {
        CircuitBreakerRegistry own = CircuitBreakerRegistry.of(CircuitBreaker.builder("x").maxHalfOpenCalls(9));
        runner.withBean(CircuitBreakerRegistry.class, () -> own)
                .withBean(CircuitBreakerCustomizer.class, () -> (name, b) -> b.closeAfterSuccesses(7))
                .withPropertyValues(P + "instances.a.close-after-successes=2", P + "instances.a.window.size=5",
                        P + "instances.a.tripper.min-requests=5")
                .run(context -> {
                    assertThat(context.getBean(CircuitBreakerRegistry.class)).isSameAs(own);
                    assertThat(own.find("a").orElseThrow().configuration())
                            .containsEntry("closeAfterSuccesses", "7")   // customizer over instance
                            .containsEntry("maxHalfOpenCalls", "9")      // the user registry's default
                            .containsEntry("window", "Window.count(5)");
                });
    }

    @Test
    void minRequestsDefaultsToASmallCountWindowsSize() {
        runner.withPropertyValues(P + "instances.a.window.size=10", P + "instances.a.tripper.failure-rate=0.4",
                P + "instances.b.window.size=20").run(context -> {
                    CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
                    assertThat(registry.find("a").orElseThrow().configuration().get("tripper"))
                            .isEqualTo(Tripper.minRequests(10).and(Tripper.failureRate(0.4)).toString());
                    assertThat(registry.find("b").orElseThrow().configuration().get("tripper"))
                            .as("no tripper set: the built-in one, needing no more calls than the window holds")
                            .isEqualTo(Tripper.minRequests(20).and(Tripper.failureRate(0.5)).toString());
                });
    }
}
