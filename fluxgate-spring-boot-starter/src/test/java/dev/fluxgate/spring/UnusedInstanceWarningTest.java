package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.spring.annotation.Bulkhead;
import dev.fluxgate.spring.annotation.CircuitBreaker;
import dev.fluxgate.spring.annotation.Retry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A configured instance that nothing uses is a warning at startup: usually a typo that made a second one. */
@ExtendWith(OutputCaptureExtension.class)
class UnusedInstanceWarningTest {

    static class Payments {
        @Retry(name = "payments")
        @CircuitBreaker(name = "payments")
        public String pay() {
            return "paid";
        }
    }

    @Bulkhead(name = "search")
    static class Search {
        public String find() {
            return "found";
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Payments payments() {
            return new Payments();
        }

        @Bean
        Search search() {
            return new Search();
        }

        /** A breaker the application uses as a bean, not through an annotation. */
        @Bean
        dev.fluxgate.CircuitBreaker ledger(CircuitBreakerRegistry registry) {
            return registry.get("ledger");
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class))
            .withUserConfiguration(App.class);

    @Test
    void aMisspeltInstanceIsReportedWithTheNameTheAnnotationUses(CapturedOutput output) {
        runner.withPropertyValues("fluxgate.circuitbreaker.instances.paymnets.window.size=5",
                "fluxgate.circuitbreaker.instances.payments.window.size=10",
                "fluxgate.circuitbreaker.instances.ledger.window.size=10",
                "fluxgate.retry.instances.paymets.max-attempts=2",
                "fluxgate.bulkhead.instances.search.max-concurrent-calls=2",
                "fluxgate.timeout.instances.slow.duration=2s",
                "fluxgate.circuitbreaker.configs.slow-backend.slow-call-threshold=2s").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).contains("fluxgate.circuitbreaker.instances.paymnets is configured, but no"
                            + " @CircuitBreaker and no CircuitBreaker bean uses the name 'paymnets'; did you mean"
                            + " 'payments' (named by @CircuitBreaker)?");
                    assertThat(output).contains("fluxgate.retry.instances.paymets is configured")
                            .contains("did you mean 'payments' (named by @Retry)?");
                    assertThat(output).contains("fluxgate.timeout.instances.slow is configured");
                    assertThat(output).contains("fluxgate.circuitbreaker.configs.slow-backend is configured, but no"
                            + " instance names it as its base-config");
                    // Used by an annotation (on a method or the class) or as a bean: no warning.
                    assertThat(output).doesNotContain("instances.payments is configured")
                            .doesNotContain("instances.ledger is configured")
                            .doesNotContain("instances.search is configured");
                });
    }

    @Test
    void nothingIsReportedWhenEveryInstanceIsUsed(CapturedOutput output) {
        runner.withPropertyValues("fluxgate.circuitbreaker.instances.payments.window.size=10",
                "fluxgate.circuitbreaker.configs.default.window.size=20").run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(output).doesNotContain("is configured, but");
                });
    }
}
