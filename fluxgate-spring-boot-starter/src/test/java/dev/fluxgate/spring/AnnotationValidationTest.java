package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.spring.annotation.CircuitBreaker;
import dev.fluxgate.spring.annotation.Retry;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.diagnostics.FailureAnalysis;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Annotated methods are checked at startup, not at their first call. */
class AnnotationValidationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class));

    static class MissingFallback {
        @CircuitBreaker(name = "a", fallbackMethod = "missing")
        public String call(String id) {
            return id;
        }

        String missing(String id) { // no exception parameter: does not fit
            return id;
        }
    }

    static class WrongReturnType {
        @CircuitBreaker(name = "a", fallbackMethod = "fallback")
        public CompletableFuture<String> call() {
            return CompletableFuture.completedFuture("x");
        }

        String fallback(Exception e) { // a plain String for an async method
            return "y";
        }
    }

    /** One overload fits; the other takes the right parameters but returns String for a Mono method. */
    static class MonoWithUnfitOverload {
        @CircuitBreaker(name = "prices", fallbackMethod = "stalePrice")
        public Mono<Integer> price(String symbol) {
            return Mono.just(1);
        }

        Mono<Integer> stalePrice(String symbol, IOException e) {
            return Mono.just(-1);
        }

        String stalePrice(String symbol, Exception e) { // never usable: would silently not answer
            return "-1";
        }
    }

    static class RetriedFlux {
        @Retry(name = "r")
        public Flux<String> stream() {
            return Flux.just("x");
        }
    }

    @CircuitBreaker(name = "a", fallbackMethod = "fallback")
    static class Fine {
        public String call(String id) throws IOException {
            return id;
        }

        public String fallback(String id, Exception e) { // public: not itself taken as an annotated method
            return "fallback";
        }
    }

    @Test
    void aFallbackThatDoesNotFitStopsTheApplicationNamingBeanAndMethod() {
        runner.withBean("payments", MissingFallback.class).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasMessageContaining("Bean 'payments'")
                    .hasMessageContaining("fallbackMethod 'missing'").hasMessageContaining("call");
        });
        runner.withBean("quotes", WrongReturnType.class).run(context -> assertThat(context.getStartupFailure())
                .hasMessageContaining("fallbackMethod 'fallback'")
                .hasMessageContaining("returns String, but call returns CompletableFuture"));
    }

    @Test
    void aFallbackOverloadOfTheWrongTypeStopsTheApplicationWithAFailureReport() {
        runner.withBean("priceClient", MonoWithUnfitOverload.class).run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new InvalidAnnotationFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).as("analyzed, not a raw stack trace").isNotNull();
            assertThat(analysis.getDescription()).contains("Bean 'priceClient'")
                    .contains("@CircuitBreaker fallbackMethod 'stalePrice'")
                    .contains(MonoWithUnfitOverload.class.getName() + ".price(String)")
                    .contains("the overload " + MonoWithUnfitOverload.class.getName() + ".stalePrice(String, Exception)"
                            + " returns String, but price returns Mono");
            assertThat(analysis.getAction()).contains("Make stalePrice return Mono");
        });
    }

    @Test
    void aMissingFallbackIsAnalyzedToo() {
        runner.withBean("payments", MissingFallback.class).run(context -> {
            FailureAnalysis analysis = new InvalidAnnotationFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("Bean 'payments'").contains("fallbackMethod 'missing'")
                    .contains("not found: expected a method missing(String, <an exception type>) returning String");
            assertThat(analysis.getAction())
                    .contains("Add a method missing(String, <an exception type>) returning String");
        });
    }

    @Test
    void anUnsupportedReactiveCombinationStopsTheApplication() {
        runner.withBean("feed", RetriedFlux.class).run(context -> assertThat(context.getStartupFailure())
                .hasMessageContaining("@Retry").hasMessageContaining("Flux is not supported"));
    }

    @Test
    void aWellFormedClassLevelAnnotationStarts() {
        runner.withBean(Fine.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(Fine.class).call("id")).isEqualTo("id");
        });
    }
}
