package dev.fluxgate.spring.reconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.MapPropertySource;

/**
 * Live reconfiguration of rate limiters, retries and bulkheads in a real web application: changed
 * {@code fluxgate.ratelimiter|retry|bulkhead} properties reach the same instances on Spring Cloud's
 * {@link EnvironmentChangeEvent} and on {@code POST /actuator/fluxgate}, keeping their state; a bad value
 * is refused naming the property and nothing changes, breakers included.
 */
class LivePatternReconfigurationTest {

    private static final String L = "fluxgate.ratelimiter.instances.api.";
    private static final String R = "fluxgate.retry.instances.rt.";
    private static final String B = "fluxgate.bulkhead.instances.bh.";
    private static final String P = "fluxgate.circuitbreaker.instances.payments.";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    private ConfigurableApplicationContext context;
    private final Map<String, Object> overrides = new HashMap<>();
    private RateLimiter api;
    private Retry rt;
    private Bulkhead bh;
    private CircuitBreaker payments;

    @BeforeEach
    void start() {
        context = new SpringApplicationBuilder(App.class).properties(
                "server.port=0", "server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=fluxgate",
                L + "permits=10", L + "period=1s", L + "burst=10",
                R + "max-attempts=3",
                B + "max-concurrent-calls=2",
                P + "tripper.min-requests=10").run();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("live", overrides));
        api = this.<RateLimiter>registry(RateLimiter.class, RateLimiter.Builder.class).find("api").orElseThrow();
        rt = this.<Retry>registry(Retry.class, Retry.Builder.class).find("rt").orElseThrow();
        bh = this.<Bulkhead>registry(Bulkhead.class, Bulkhead.Builder.class).find("bh").orElseThrow();
        payments = context.getBean(CircuitBreakerRegistry.class).find("payments").orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private <P extends dev.fluxgate.Policy> Registry<P, ?> registry(Class<?> policy, Class<?> builder) {
        return (Registry<P, ?>) context.getBeanProvider(ResolvableType.forClassWithGenerics(Registry.class, policy, builder))
                .getObject();
    }

    @AfterEach
    void stop() {
        context.close();
    }

    private HttpResponse<String> post(String path) throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEnvironmentChangeEventReconfiguresTheSameLimiterRetryAndBulkheadKeepingTheirState() {
        for (int i = 0; i < 4; i++) {
            assertThat(api.tryAcquire()).isTrue();
        }
        assertThat(bh.tryAcquirePermission()).isTrue();
        overrides.put(L + "permits", "100");
        overrides.put(L + "burst", "3");
        overrides.put(R + "max-attempts", "5");
        overrides.put(B + "max-concurrent-calls", "4");

        context.publishEvent(new EnvironmentChangeEvent(context, Set.of(L + "burst", R + "max-attempts")));

        assertThat(this.<RateLimiter>registry(RateLimiter.class, RateLimiter.Builder.class).find("api")).containsSame(api);
        assertThat(api.limit().permits()).isEqualTo(100);
        assertThat(api.limit().burst()).isEqualTo(3);
        assertThat(api.availablePermits()).as("6 held, clamped to the new burst").isEqualTo(3);
        assertThat(api.permittedCalls()).as("counters kept").isEqualTo(4);
        assertThat(rt.maxAttempts()).isEqualTo(5);
        assertThat(bh.maxConcurrentCalls()).isEqualTo(4);
        assertThat(bh.concurrentCalls()).as("the call holding a slot is kept").isEqualTo(1);
        assertThat(bh.availablePermits()).isEqualTo(3);
    }

    @Test
    void theActuatorPostNamesWhatChangedPerPattern() throws Exception {
        overrides.put(R + "max-attempts", "2");
        overrides.put(L + "max-wait", "250ms");

        HttpResponse<String> response = post("/actuator/fluxgate");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(response.body(), "$.reconfigured['retry:rt'].changed.maxAttempts.after"))
                .isEqualTo("2");
        assertThat((String) JsonPath.read(response.body(), "$.reconfigured['ratelimiter:api'].changed.maxWait.after"))
                .isEqualTo("PT0.25S");
        assertThat(rt.maxAttempts()).isEqualTo(2);
    }

    @Test
    void aBadValueOfAnyPatternIsRefusedNamingThePropertyAndNothingChangesBreakersIncluded() throws Exception {
        Map<String, String> breakerBefore = payments.configuration();
        overrides.put(P + "tripper.min-requests", "3");
        overrides.put(R + "max-attempts", "5");
        overrides.put(L + "burst", "0");

        HttpResponse<String> response = post("/actuator/fluxgate");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.property")).isEqualTo(L + "burst");
        assertThat(api.limit().burst()).isEqualTo(10);
        assertThat(rt.maxAttempts()).isEqualTo(3);
        assertThat(payments.configuration()).isEqualTo(breakerBefore);

        overrides.put(L + "burst", "5");
        overrides.put(B + "max-concurrent-calls", "0");
        context.publishEvent(new EnvironmentChangeEvent(context, Set.of(B + "max-concurrent-calls")));
        assertThat(bh.maxConcurrentCalls()).as("refused on the event too").isEqualTo(2);
        assertThat(api.limit().burst()).isEqualTo(10);
        response = post("/actuator/fluxgate");
        assertThat((String) JsonPath.read(response.body(), "$.property")).isEqualTo(B + "max-concurrent-calls");

        overrides.remove(B + "max-concurrent-calls");
        assertThat(post("/actuator/fluxgate").statusCode()).isEqualTo(200);
        assertThat(api.limit().burst()).isEqualTo(5);
        assertThat(rt.maxAttempts()).isEqualTo(5);
        assertThat(payments.configuration()).isNotEqualTo(breakerBefore);
    }
}
