package dev.fluxgate.spring.cloud;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.cloud.gateway.server.mvc.filter.BeforeFilterFunctions.uri;
import static org.springframework.cloud.gateway.server.mvc.filter.CircuitBreakerFilterFunctions.circuitBreaker;
import static org.springframework.cloud.gateway.server.mvc.handler.GatewayRouterFunctions.route;
import static org.springframework.cloud.gateway.server.mvc.handler.HandlerFunctions.http;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.State;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.circuitbreaker.CircuitBreakerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/** A real Gateway Server MVC on a loopback port, routes through CircuitBreakerFilterFunctions on Fluxgate. */
class GatewayMvcTest {

    private static FlakyBackend backend;
    private static ConfigurableApplicationContext app;
    private static String gateway;

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class GatewayMvcApp {
        @Bean
        RouterFunction<ServerResponse> routes(Environment env) {
            String backend = env.getRequiredProperty("backend.url");
            return route("open").GET("/open/**", http()).before(uri(backend))
                    .filter(circuitBreaker(c -> c.setId("open").setStatusCodes("500"))).build()
                    .and(route("fb").GET("/fb/**", http()).before(uri(backend))
                            .filter(circuitBreaker(c -> c.setId("fb").setStatusCodes("500")
                                    .setFallbackUri("forward:/fallback"))).build())
                    .and(route("slow").GET("/slow/**", http()).before(uri(backend))
                            .filter(circuitBreaker("slow")).build())
                    .and(RouterFunctions.route().GET("/fallback", r -> ServerResponse.ok().body("fallback")).build());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        backend = new FlakyBackend();
        app = new SpringApplicationBuilder(GatewayMvcApp.class).web(WebApplicationType.SERVLET).properties(
                "server.address=127.0.0.1", "server.port=0", "spring.main.banner-mode=off",
                "backend.url=" + backend.url(),
                // Both gateways share this test class path; this application is the MVC one.
                "spring.cloud.gateway.server.webflux.enabled=false",
                "fluxgate.circuitbreaker.configs.default.window.size=4",
                "fluxgate.circuitbreaker.configs.default.tripper.min-requests=4",
                "fluxgate.circuitbreaker.configs.default.tripper.failure-rate=0.5",
                "fluxgate.circuitbreaker.configs.default.cooldown.duration=1h",
                "fluxgate.timeout.instances.slow.duration=300ms").run();
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
    void usesFluxgatesFactory() {
        assertThat(app.getBean(CircuitBreakerFactory.class)).isInstanceOf(FluxgateCircuitBreakerFactory.class);
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
        // The cooldown is an hour: Retry-After says so, in whole seconds, never less than the wait left.
        assertThat(rejected.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(3000L, 3600L));
        assertThat(backend.hits()).isEqualTo(hits);
    }

    @Test
    void forwardsToTheFallbackOnFailureAndWhileOpen() throws Exception {
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
