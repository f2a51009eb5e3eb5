package dev.fluxgate.spring.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.State;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.gateway.filter.factory.SpringCloudCircuitBreakerFilterFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** A real Spring Cloud Gateway (WebFlux) on a loopback port, routes with the CircuitBreaker filter on Fluxgate. */
class GatewayWebFluxTest {

    private static FlakyBackend backend;
    private static ConfigurableApplicationContext app;
    private static String gateway;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class GatewayApp {
        @Bean
        RouterFunction<ServerResponse> fallbackEndpoint() {
            return RouterFunctions.route().GET("/fallback", r -> ServerResponse.ok().bodyValue("fallback")).build();
        }
    }

    @BeforeAll
    static void start() throws Exception {
        backend = new FlakyBackend();
        String routes = "spring.cloud.gateway.server.webflux.routes";
        app = new SpringApplicationBuilder(GatewayApp.class).web(WebApplicationType.REACTIVE).properties(
                "server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                // A breaker that opens after 4 calls of which half failed, and stays open for the test.
                "fluxgate.circuitbreaker.configs.default.window.size=4",
                "fluxgate.circuitbreaker.configs.default.tripper.min-requests=4",
                "fluxgate.circuitbreaker.configs.default.tripper.failure-rate=0.5",
                "fluxgate.circuitbreaker.configs.default.cooldown.duration=1h",
                "fluxgate.timeout.instances.slow.duration=300ms",
                routes + "[0].id=open", routes + "[0].uri=" + backend.url(), routes + "[0].predicates[0]=Path=/open/**",
                routes + "[0].filters[0].name=CircuitBreaker", routes + "[0].filters[0].args.name=open",
                routes + "[0].filters[0].args.statusCodes=500",
                routes + "[1].id=fb", routes + "[1].uri=" + backend.url(), routes + "[1].predicates[0]=Path=/fb/**",
                routes + "[1].filters[0].name=CircuitBreaker", routes + "[1].filters[0].args.name=fb",
                routes + "[1].filters[0].args.fallbackUri=forward:/fallback",
                routes + "[1].filters[0].args.statusCodes=500",
                routes + "[2].id=slow", routes + "[2].uri=" + backend.url(), routes + "[2].predicates[0]=Path=/slow/**",
                routes + "[2].filters[0]=CircuitBreaker=slow").run();
        gateway = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        backend.close();
    }

    @Test
    void registersFluxgatesCircuitBreakerFilter() {
        assertThat(app.getBean(SpringCloudCircuitBreakerFilterFactory.class))
                .isInstanceOf(FluxgateCircuitBreakerFilterFactory.class);
    }

    @Test
    void answers503WhileTheBreakerIsOpenWithoutCallingTheBackend() throws Exception {
        backend.mode(FlakyBackend.Mode.HEALTHY);
        assertThat(Http.get(gateway + "/open/a").statusCode()).isEqualTo(200);
        backend.mode(FlakyBackend.Mode.FAILING);
        for (int i = 0; i < 3; i++) {
            assertThat(Http.get(gateway + "/open/a").statusCode()).isEqualTo(500);
        }
        assertThat(breakerState("open")).isEqualTo(State.OPEN);
        int hits = backend.hits();
        backend.mode(FlakyBackend.Mode.HEALTHY);
        HttpResponse<String> rejected = Http.get(gateway + "/open/a");
        assertThat(rejected.statusCode()).isEqualTo(503);
        assertThat(backend.hits()).isEqualTo(hits);
    }

    @Test
    void forwardsToTheFallbackUriOnFailureAndWhileOpen() throws Exception {
        backend.mode(FlakyBackend.Mode.FAILING);
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> failed = Http.get(gateway + "/fb/a");
            assertThat(failed.statusCode()).isEqualTo(200);
            assertThat(failed.body()).isEqualTo("fallback");
        }
        assertThat(breakerState("fb")).isEqualTo(State.OPEN);
        int hits = backend.hits();
        backend.mode(FlakyBackend.Mode.HEALTHY);
        assertThat(Http.get(gateway + "/fb/a").body()).isEqualTo("fallback");
        assertThat(backend.hits()).isEqualTo(hits);
    }

    @Test
    void answers504WhenTheCallRunsOutOfTime() throws Exception {
        backend.mode(FlakyBackend.Mode.SLOW);
        HttpResponse<String> late = Http.get(gateway + "/slow/a");
        assertThat(late.statusCode()).isEqualTo(504);
        assertThat(app.getBean(CircuitBreakerRegistry.class).get("slow").metrics().failures()).isEqualTo(1);
    }

    private static State breakerState(String id) {
        return app.getBean(CircuitBreakerRegistry.class).get(id).state();
    }
}
