package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Invalid properties stop the application at startup with a message naming the property. */
class StartupFailureTest {

    private static final String P = "fluxgate.circuitbreaker.";

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class));

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            instances.a.window.size=0                                   | instances.a.window.size                | window size must be >= 1
            instances.a.window.span=10s;instances.a.window.bucket=20s   | instances.a.window.bucket              | bucket must be <= span
            configs.default.window.bucket=1s                            | configs.default.window.bucket          | needs a time window
            instances.a.window.type=time                                | instances.a.window.span                | needs a span
            instances.a.cooldown.initial=1s;instances.a.cooldown.max=1m;instances.a.cooldown.multiplier=0.5 | instances.a.cooldown.multiplier | multiplier must be finite and >= 1
            instances.a.cooldown.initial=1s                             | instances.a.cooldown.max               | longest wait
            instances.a.cooldown.duration=-1s                           | instances.a.cooldown.duration          | positive
            instances.a.cooldown.jitter=2;instances.a.cooldown.type=none | instances.a.cooldown.jitter           | jitter ratio must be in [0, 1]
            instances.a.permit.ratio=1.5                                | instances.a.permit.ratio               | must be in (0, 1]
            instances.a.permit.ratio=0                                  | instances.a.permit.ratio               | must be in (0, 1]
            instances.a.permit.initial=0.8;instances.a.permit.target=0.5 | instances.a.permit.target             | rampUp target
            instances.a.permit.type=random                              | instances.a.permit.ratio               | needs its ratio
            instances.a.record-exceptions=java.io.IOException,com.example.Missing | instances.a.record-exceptions[1] | no class named 'com.example.Missing'
            instances.a.ignore-exceptions=java.lang.String              | instances.a.ignore-exceptions[0]       | not an exception
            instances.a.base-config=nope                                | instances.a.base-config                | no config named 'nope'
            configs.x.base-config=default                               | configs.x.base-config                  | only instances have a base config
            instances.a.tripper.failure-rate=0                          | instances.a.tripper.failure-rate       | failureRate ratio must be in (0, 1]
            instances.a.tripper.half-open.failure-streak=0              | instances.a.tripper.half-open.failure-streak | failureStreak n must be >= 1
            instances.a.tripper.slow-rate=0.5                           | instances.a.tripper.slow-rate          | needs slow-call-threshold
            instances.a.tripper.expression=minRequests(5) and           | instances.a.tripper.expression         | expected a rule
            instances.a.tripper.expression=failureRates(0.5)            | instances.a.tripper.expression         | unknown rule 'failureRates'
            instances.a.tripper.expression=x;instances.a.tripper.min-requests=3 | instances.a.tripper.expression | not both
            instances.a.max-half-open-calls=0                           | instances.a.max-half-open-calls        | maxHalfOpenCalls must be in [1,
            instances.a.close-after-successes=0                         | instances.a.close-after-successes      | closeAfterSuccesses must be >= 1
            instances.a.half-open-timeout=0s                            | instances.a.half-open-timeout          | positive
            instances.a.window.size=5;instances.a.tripper.min-requests=10 | fluxgate.circuitbreaker.instances.a' | minRequests must be <= window size
            configs.default.window.size=5;configs.default.tripper.min-requests=10 | fluxgate.circuitbreaker.configs.default' | minRequests must be <= window size
            instances.a.close-after-successes=11                        | fluxgate.circuitbreaker.instances.a'   | closeAfterSuccesses must be in [1, maxHalfOpenCalls]
            """)
    void aBadValueNamesItsProperty(String properties, String property, String problem) {
        runner.withPropertyValues(prefixed(properties)).run(context -> {
            assertThat(context).hasFailed();
            InvalidPropertyException e = find(context.getStartupFailure(), InvalidPropertyException.class);
            assertThat(e).as("cause chain of %s", context.getStartupFailure()).isNotNull();
            assertThat(e.getMessage()).contains(property.startsWith("fluxgate") ? property : P + property)
                    .contains(problem);
            FailureAnalysis analysis = new InvalidPropertyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).isEqualTo(e.getMessage());
            assertThat(analysis.getAction()).contains(e.property());
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fluxgate.retry.instances.r.max-attempts=0                  | fluxgate.retry.instances.r.max-attempts | maxAttempts must be >= 1
            fluxgate.retry.instances.r.backoff.increment=1s            | fluxgate.retry.instances.r.backoff.initial | required
            fluxgate.retry.instances.r.backoff.initial=1s;fluxgate.retry.instances.r.backoff.max=1m;fluxgate.retry.instances.r.backoff.multiplier=0.5 | fluxgate.retry.instances.r.backoff | multiplier
            fluxgate.retry.instances.r.retry-exceptions=java.lang.Object | fluxgate.retry.instances.r.retry-exceptions[0] | not an exception
            fluxgate.retry.instances.r.max-attempts=2147483647         | fluxgate.retry.instances.r' | needs a maxDuration
            fluxgate.bulkhead.instances.b.max-concurrent-calls=0       | fluxgate.bulkhead.instances.b.max-concurrent-calls | maxConcurrentCalls must be >= 1
            fluxgate.bulkhead.instances.b.max-wait=-1s                 | fluxgate.bulkhead.instances.b.max-wait | maxWait must be zero or a positive duration
            fluxgate.timeout.instances.t.duration=0s                   | fluxgate.timeout.instances.t.duration | positive
            fluxgate.retry.budgets.b.ratio=11                          | fluxgate.retry.budgets.b.ratio | ratio must be in [0, 10.0]
            fluxgate.retry.budgets.b.max-tokens=0                      | fluxgate.retry.budgets.b.max-tokens | maxTokens must be in [1,
            fluxgate.retry.budgets.b.ratio=0;fluxgate.retry.budgets.b.min-retries-per-second=0 | fluxgate.retry.budgets.b | both 0
            fluxgate.retry.instances.r.budget=missing                  | fluxgate.retry.instances.r.budget | no retry budget 'missing'
            fluxgate.hedge.instances.h.max-attempts=11                 | fluxgate.hedge.instances.h.max-attempts | maxAttempts must be in [1, 10]
            fluxgate.hedge.instances.h.percentile=1.5                  | fluxgate.hedge.instances.h.percentile | percentile must be in (0, 1]
            fluxgate.hedge.instances.h.percentile=0.9;fluxgate.hedge.instances.h.delay=0s | fluxgate.hedge.instances.h.delay | fallbackDelay
            fluxgate.hedge.instances.h.delay=-1s                       | fluxgate.hedge.instances.h.delay | delay must be a positive
            fluxgate.hedge.instances.h.min-samples=500                 | fluxgate.hedge.instances.h' | minSamples
            """)
    void aBadPatternValueNamesItsProperty(String properties, String property, String problem) {
        String[] pairs = properties.split(";");
        runner.withPropertyValues(pairs).run(context -> {
            assertThat(context).hasFailed();
            InvalidPropertyException e = find(context.getStartupFailure(), InvalidPropertyException.class);
            assertThat(e).as("cause chain of %s", context.getStartupFailure()).isNotNull();
            assertThat(e.getMessage()).contains(property).contains(problem);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            instances.a.windw.size=5              | fluxgate.circuitbreaker.instances.a.windw.size
            instances.a.max-half-open-calls=many  | fluxgate.circuitbreaker.instances.a.max-half-open-calls
            instances.a.cooldown.type=sometimes   | fluxgate.circuitbreaker.instances.a.cooldown.type
            """)
    void aTypoOrAWrongTypeFailsBindingWithThePropertyNamed(String property, String named) {
        runner.withPropertyValues(P + property).run(context -> {
            assertThat(context).hasFailed();
            assertThat(messages(context.getStartupFailure())).contains(named);
        });
    }

    @Test
    void validPropertiesStart() {
        runner.withPropertyValues(P + "instances.a.window.size=5", P + "instances.a.tripper.min-requests=5")
                .run(context -> assertThat(context).hasNotFailed());
    }

    private static String[] prefixed(String properties) {
        String[] pairs = properties.split(";");
        for (int i = 0; i < pairs.length; i++) {
            pairs[i] = P + pairs[i].trim();
        }
        return pairs;
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }
}
