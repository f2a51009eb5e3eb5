package dev.fluxgate.spring.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.State;
import dev.fluxgate.spring.CircuitBreakerCustomizer;
import dev.fluxgate.test.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.GetMapping;

/** A real application with an OpenFeign client behind a Fluxgate breaker (fake time for the cooldown). */
class OpenFeignTest {

    private static final ManualTicker TICKER = new ManualTicker();
    private static FlakyBackend backend;
    private static ConfigurableApplicationContext app;

    @FeignClient(name = "backend", url = "${backend.url}", fallback = BackendFallback.class)
    public interface BackendClient {
        @GetMapping("/hello")
        String hello();
    }

    static class BackendFallback implements BackendClient {
        @Override
        public String hello() {
            return "fallback";
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @EnableFeignClients(clients = BackendClient.class)
    static class FeignApp {
        @Bean
        BackendFallback backendFallback() {
            return new BackendFallback();
        }

        @Bean
        CircuitBreakerCustomizer fakeTime() {
            return (name, builder) -> builder.ticker(TICKER);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        backend = new FlakyBackend();
        app = new SpringApplicationBuilder(FeignApp.class).web(WebApplicationType.NONE).properties(
                "spring.main.banner-mode=off", "backend.url=" + backend.url(),
                "spring.cloud.gateway.server.webflux.enabled=false",
                "spring.cloud.openfeign.circuitbreaker.enabled=true",
                // Each method is its own breaker, configured by the client's name (its group).
                "spring.cloud.openfeign.circuitbreaker.group.enabled=true",
                "fluxgate.circuitbreaker.instances.backend.window.size=4",
                "fluxgate.circuitbreaker.instances.backend.tripper.min-requests=4",
                "fluxgate.circuitbreaker.instances.backend.tripper.failure-rate=0.5",
                "fluxgate.circuitbreaker.instances.backend.cooldown.duration=10s",
                "fluxgate.circuitbreaker.instances.backend.permit.type=all").run();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        backend.close();
    }

    @Test
    void opensFallsBackAndClosesAgain() {
        BackendClient client = app.getBean(BackendClient.class);
        assertThat(client.hello()).isEqualTo("ok");
        CircuitBreaker breaker = breakerOfHello();
        assertThat(breaker.configuration()).containsEntry("window", "Window.count(4)");

        backend.mode(FlakyBackend.Mode.FAILING);
        for (int i = 0; i < 3; i++) {
            assertThat(client.hello()).isEqualTo("fallback"); // a 500 is a failure, and falls back
        }
        assertThat(breaker.state()).isEqualTo(State.OPEN);

        backend.mode(FlakyBackend.Mode.HEALTHY);
        int hits = backend.hits();
        assertThat(client.hello()).isEqualTo("fallback"); // rejected without a call
        assertThat(backend.hits()).isEqualTo(hits);

        TICKER.advance(Duration.ofSeconds(10));
        assertThat(client.hello()).isEqualTo("ok"); // the probe succeeds and closes the breaker
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(client.hello()).isEqualTo("ok");
        assertThat(backend.hits()).isEqualTo(hits + 2);
    }

    /** The breaker Feign created for {@code hello()}: its own id, not the group's name. */
    private static CircuitBreaker breakerOfHello() {
        return app.getBean(CircuitBreakerRegistry.class).all().stream()
                .filter(b -> b.name().contains("hello"))
                .findFirst().orElseThrow();
    }
}
