package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.spring.annotation.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A real application that cannot start prints Boot's failure report, through the registered analyzers. */
@ExtendWith(OutputCaptureExtension.class)
class FailureReportTest {

    static class Quotes {
        @CircuitBreaker(name = "quotes", fallbackMethod = "stale")
        public CompletableFuture<String> quote(String symbol) {
            return CompletableFuture.completedFuture(symbol);
        }

        String stale(String symbol, Throwable t) { // a plain String for an async method
            return "stale";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration({AopAutoConfiguration.class, FluxgateAutoConfiguration.class})
    static class App {
        @Bean
        Quotes quotes() {
            return new Quotes();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ImportAutoConfiguration(FluxgateAutoConfiguration.class)
    static class Empty {
    }

    @Test
    void anUnfitFallbackIsReportedAsApplicationFailedToStart(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).run())
                .hasStackTraceContaining("fallbackMethod 'stale'");
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Bean 'quotes': @CircuitBreaker fallbackMethod 'stale' on " + Quotes.class.getName()
                        + ".quote(String): the overload " + Quotes.class.getName()
                        + ".stale(String, Throwable) returns String, but quote returns CompletableFuture")
                .contains("Make stale return CompletableFuture");
    }

    @Test
    void anInvalidPropertyIsReportedAsApplicationFailedToStart(CapturedOutput output) {
        assertThatThrownBy(() -> new SpringApplicationBuilder(Empty.class).web(WebApplicationType.NONE)
                .properties("fluxgate.circuitbreaker.instances.a.window.size=0").run());
        assertThat(output.getAll()).contains("APPLICATION FAILED TO START")
                .contains("Invalid property 'fluxgate.circuitbreaker.instances.a.window.size'");
    }
}
