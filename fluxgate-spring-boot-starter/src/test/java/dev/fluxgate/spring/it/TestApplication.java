package dev.fluxgate.spring.it;

import dev.fluxgate.spring.CircuitBreakerCustomizer;
import dev.fluxgate.test.ManualTicker;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;

/** A small application: annotated services, and a manual ticker so that tests move time by hand. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApplication {

    @Bean
    ManualTicker ticker() {
        return new ManualTicker();
    }

    @Bean
    CircuitBreakerCustomizer manualTime(ManualTicker ticker) {
        return (name, builder) -> builder.ticker(ticker);
    }

    @Bean
    Faults faults() {
        return new Faults();
    }

    @Bean
    InventoryService inventoryService(Faults faults) {
        return new InventoryService(faults);
    }

    @Bean
    QuoteService quoteService(Faults faults) {
        return new QuoteService(faults);
    }

    @Bean
    PatternService.Probe patternProbe() {
        return new PatternService.Probe();
    }

    @Bean
    PatternService patternService(PatternService.Probe probe) {
        return new PatternService(probe);
    }

    @Bean
    RecommendationService recommendationService(Faults faults) {
        return new RecommendationService(faults);
    }
}
