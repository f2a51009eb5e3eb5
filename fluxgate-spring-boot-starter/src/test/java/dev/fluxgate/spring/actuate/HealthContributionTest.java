package dev.fluxgate.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.spring.FluxgateAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Which breakers may take the {@code fluxgate} contributor down, and where the contributor shows in
 * Spring Boot 4's health endpoint (the root and the groups), checked against Boot itself.
 */
class HealthContributionTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class,
                    FluxgateHealthAutoConfiguration.class, EndpointAutoConfiguration.class,
                    ApplicationAvailabilityAutoConfiguration.class, HealthContributorAutoConfiguration.class,
                    HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
                    AvailabilityHealthContributorAutoConfiguration.class, AvailabilityProbesAutoConfiguration.class))
            .withPropertyValues("management.endpoint.health.show-details=always",
                    "fluxgate.circuitbreaker.configs.critical.window.size=10",
                    "fluxgate.circuitbreaker.instances.a.window.size=10");

    private static final String P = "fluxgate.circuitbreaker.";

    // ---- which breakers take it down ----

    @Test
    void byDefaultAnOpenBreakerIsListedButTheContributorStaysUp() {
        runner.run(context -> {
            registry(context).get("a").forceOpen();
            registry(context).get("made-by-an-annotation").forceOpen();
            Health health = context.getBean(FluxgateHealthIndicator.class).health();
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails().get("open")).asInstanceOf(
                    org.assertj.core.api.InstanceOfAssertFactories.LIST).containsExactly("a", "made-by-an-annotation");
            assertThat(root(context).getStatus()).isEqualTo(Status.UP);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            instances.a.allow-health-indicator-to-fail=true                                    | OUT_OF_SERVICE
            instances.a.base-config=critical;configs.critical.allow-health-indicator-to-fail=true | OUT_OF_SERVICE
            configs.default.allow-health-indicator-to-fail=true                                | OUT_OF_SERVICE
            configs.default.allow-health-indicator-to-fail=true;instances.a.allow-health-indicator-to-fail=false | UP
            instances.b.allow-health-indicator-to-fail=true                                    | UP
            instances.a.allow-health-indicator-to-fail=true;instances.a.health-indicator=false | UP
            """)
    void onlyAnOptedInBreakerTakesTheContributorOutOfService(String properties, String status) {
        String[] pairs = properties.split(";");
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = P + pairs[i].trim();
        }
        runner.withPropertyValues(pairs).run(context -> {
            registry(context).get("a").forceOpen();
            assertThat(context.getBean(FluxgateHealthIndicator.class).health().getStatus().getCode()).isEqualTo(status);
            registry(context).get("a").reset();
            assertThat(context.getBean(FluxgateHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void aHalfOpenBreakerDoesNotTakeItDownEvenWhenOptedIn() {
        runner.withPropertyValues(P + "instances.a.allow-health-indicator-to-fail=true",
                P + "instances.a.cooldown.type=none", P + "instances.a.permit.type=all",
                P + "instances.a.tripper.failure-streak=1").run(context -> {
                    var a = registry(context).get("a");
                    a.get(() -> {
                        throw new IllegalStateException("down");
                    }, e -> "fallback");
                    // Cooldown none: the trip is over at once, so reading the state already finds it HALF_OPEN.
                    assertThat(a.state()).hasToString("HALF_OPEN");
                    long probe = a.acquirePermission();
                    assertThat(context.getBean(FluxgateHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
                    a.releasePermission(probe);
                });
    }

    // ---- where it shows: Spring Boot 4's own behaviour ----

    @Test
    void theContributorIsPartOfTheRootHealthAndOfNoGroupByDefault() {
        runner.withPropertyValues(P + "instances.a.allow-health-indicator-to-fail=true").run(context -> {
            registry(context).get("a").forceOpen();
            assertThat(root(context).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
            assertThat(components(root(context))).contains("fluxgate");
            HealthDescriptor readiness = endpoint(context).healthForPath("readiness");
            assertThat(readiness.getStatus()).as("Boot's readiness group holds readinessState only").isEqualTo(Status.UP);
            assertThat(components(readiness)).doesNotContain("fluxgate");
        });
    }

    @Test
    void aHealthGroupAddsItToReadinessButDoesNotTakeItOutOfTheRoot() {
        runner.withPropertyValues(P + "instances.a.allow-health-indicator-to-fail=true",
                "management.endpoint.health.group.readiness.include=readinessState,fluxgate").run(context -> {
                    registry(context).get("a").forceOpen();
                    HealthDescriptor readiness = endpoint(context).healthForPath("readiness");
                    assertThat(readiness.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
                    assertThat(components(readiness)).containsExactlyInAnyOrder("readinessState", "fluxgate");
                    assertThat(components(endpoint(context).healthForPath("liveness"))).doesNotContain("fluxgate");
                    assertThat(root(context).getStatus()).as("Boot 4 has no way to leave a contributor out of the root")
                            .isEqualTo(Status.OUT_OF_SERVICE);
                    assertThat(components(root(context))).contains("fluxgate");
                });
    }

    @Test
    void managementHealthFluxgateEnabledFalseRemovesItEverywhere() {
        runner.withPropertyValues(P + "instances.a.allow-health-indicator-to-fail=true",
                "management.health.fluxgate.enabled=false").run(context -> {
                    assertThat(context).doesNotHaveBean(FluxgateHealthIndicator.class);
                    registry(context).get("a").forceOpen();
                    assertThat(root(context).getStatus()).isEqualTo(Status.UP);
                    assertThat(components(root(context))).doesNotContain("fluxgate");
                });
    }

    /** The registry, once the application is live and ready (the runner publishes no availability events). */
    private static CircuitBreakerRegistry registry(AssertableApplicationContext context) {
        AvailabilityChangeEvent.publish(context, LivenessState.CORRECT);
        AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        return context.getBean(CircuitBreakerRegistry.class);
    }

    private static HealthEndpoint endpoint(AssertableApplicationContext context) {
        return context.getBean(HealthEndpoint.class);
    }

    private static HealthDescriptor root(AssertableApplicationContext context) {
        return endpoint(context).health();
    }

    private static java.util.Set<String> components(HealthDescriptor descriptor) {
        return descriptor instanceof CompositeHealthDescriptor c ? c.getComponents().keySet() : java.util.Set.of();
    }
}
