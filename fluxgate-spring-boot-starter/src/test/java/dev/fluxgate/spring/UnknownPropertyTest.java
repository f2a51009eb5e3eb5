package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** An unknown key under fluxgate.* stops startup, naming the closest valid key. */
class UnknownPropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class));

    @Test
    void aMisspeltKeyStopsStartupAndTheFailureAnalysisNamesTheClosestKey() {
        runner.withPropertyValues("fluxgate.circuitbreaker.instances.payments.max-half-open-call=3").run(context -> {
            assertThat(context).hasFailed();
            InvalidPropertyException e = find(context.getStartupFailure());
            assertThat(e).as("cause chain of %s", context.getStartupFailure()).isNotNull();
            assertThat(e.property()).isEqualTo("fluxgate.circuitbreaker.instances.payments.max-half-open-call");
            assertThat(e.getMessage()).contains("did you mean max-half-open-calls?")
                    .contains("fluxgate.circuitbreaker.instances.payments.max-half-open-calls");
            FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("did you mean max-half-open-calls?");
            assertThat(analysis.getAction()).contains("fluxgate.circuitbreaker.instances.payments.max-half-open-call");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fluxgate.circuitbreaker.instances.a.windw.size=5              | did you mean window.size?
            fluxgate.circuitbreaker.instances.a.cooldown.durration=5s     | did you mean duration?
            fluxgate.circuitbreaker.instances.a.failure-rate=0.5          | did you mean tripper.failure-rate?
            fluxgate.circuitbreaker.configs.default.half-open.failure-rate=0.5 | did you mean tripper.half-open.failure-rate?
            fluxgate.circuitbreaker.instances.a.tripper.failure-rat=0.5   | did you mean failure-rate?
            fluxgate.circuitbreaker.instance.a.window.size=5              | did you mean instances.a.window.size?
            fluxgate.circuitbraker.instances.a.window.size=5              | did you mean circuitbreaker.instances.a.window.size?
            fluxgate.circuitbreaker.log-transition=false                  | did you mean log-transitions?
            fluxgate.circuitbreaker.instances.a.allow-health-indicator-to-fial=true | did you mean allow-health-indicator-to-fail?
            fluxgate.metric.enabled=false                                 | did you mean metrics.enabled?
            fluxgate.retry.instances.r.max-atempts=3                      | did you mean max-attempts?
            fluxgate.retry.instances.r.backoff.jiter=full                 | did you mean jitter?
            fluxgate.bulkhead.instances.b.max-concurrent=3                | the keys there are max-concurrent-calls, max-wait
            fluxgate.timeout.instances.t.timeout=1s                       | the keys there are duration
            fluxgate.circuitbreaker.instances.a.window.size.max=5         | takes a value; there are no keys below it
            """)
    void anUnknownKeyNamesTheClosestValidOne(String property, String message) {
        runner.withPropertyValues(property).run(context -> {
            assertThat(context).hasFailed();
            InvalidPropertyException e = find(context.getStartupFailure());
            assertThat(e).as("cause chain of %s", context.getStartupFailure()).isNotNull();
            assertThat(e.getMessage()).contains("'" + property.substring(0, property.indexOf('=')) + "'")
                    .contains(message);
        });
    }

    @Test
    void everyUnknownKeyIsCounted() {
        runner.withPropertyValues("fluxgate.circuitbreaker.instances.a.windw.size=5",
                "fluxgate.circuitbreaker.instances.b.cooldwn.duration=5s").run(context -> {
            InvalidPropertyException e = find(context.getStartupFailure());
            assertThat(e.property()).isEqualTo("fluxgate.circuitbreaker.instances.a.windw.size");
            assertThat(e.getMessage()).contains("1 more unknown: fluxgate.circuitbreaker.instances.b.cooldwn.duration");
        });
    }

    @Test
    void relaxedNamesListIndexesAndInstanceNamesOfAnySpellingAreKnown() {
        runner.withPropertyValues("fluxgate.circuitbreaker.instances.Payments_EU.maxHalfOpenCalls=3",
                "fluxgate.circuitbreaker.instances[search].record-exceptions[0]=java.io.IOException",
                "fluxgate.circuitbreaker.instances.search.ignore-exceptions=java.io.FileNotFoundException",
                "fluxgate.circuitbreaker.configs.default.tripper.half-open.failure-rate=0.2",
                "fluxgate.circuitbreaker.log-transitions=false", "fluxgate.metrics.naming=resilience4j",
                "fluxgate.annotations.enabled=true", "fluxgate.retry.instances.r.backoff.jitter-ratio=0.2",
                "fluxgate.retry.instances.r.backoff.jitter=proportional", "fluxgate.retry.instances.r.backoff.initial=1s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    FluxgateCircuitBreakerProperties p = context.getBean(FluxgateCircuitBreakerProperties.class);
                    assertThat(p.instances().get("Payments_EU").maxHalfOpenCalls()).isEqualTo(3);
                    assertThat(p.logTransitions()).isFalse();
                });
    }

    @Test
    void environmentVariablesAreCheckedUnderTheBoundPrefixesOnly() {
        Map<String, Object> env = Map.of("FLUXGATE_CIRCUITBREAKER_INSTANCES_A_MAXHALFOPENCALLS", "3",
                "FLUXGATE_CIRCUITBREAKER_LOGTRANSITIONS", "false",
                "FLUXGATE_HOME", "/opt/fluxgate"); // a deployment's own variable, not a property of ours
        runner.withInitializer(c -> c.getEnvironment().getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", env))).run(context -> {
                    assertThat(context).hasNotFailed();
                    FluxgateCircuitBreakerProperties p = context.getBean(FluxgateCircuitBreakerProperties.class);
                    assertThat(p.instances().get("a").maxHalfOpenCalls()).isEqualTo(3);
                    assertThat(p.logTransitions()).isFalse();
                });
        // Dashes written as underscores arrive as dots (log.transitions), which Boot's binder rejects too.
        Map<String, Object> typo = Map.of("FLUXGATE_CIRCUITBREAKER_INSTANCES_A_MAX_HALF_OPEN_CALLS", "3");
        runner.withInitializer(c -> c.getEnvironment().getPropertySources()
                .addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", typo))).run(context -> {
                    InvalidPropertyException e = find(context.getStartupFailure());
                    assertThat(e).as("cause chain of %s", context.getStartupFailure()).isNotNull();
                    assertThat(e.getMessage()).contains("unknown key 'max'")
                            .contains("environment variable leaves a key's dashes out");
                });
    }

    private static InvalidPropertyException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InvalidPropertyException e) {
                return e;
            }
        }
        return null;
    }
}
