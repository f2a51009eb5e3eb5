package dev.fluxgate.spring.reconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Listener;
import dev.fluxgate.Reconfiguration;
import dev.fluxgate.State;
import dev.fluxgate.Transition;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * Live reconfiguration in a real web application: changed properties reach the running breaker on
 * Spring Cloud's {@link EnvironmentChangeEvent} and on {@code POST /actuator/fluxgate}, the breaker (the
 * same bean-held object) keeps its state and window, and a bad value is refused naming the property.
 */
class LiveReconfigurationTest {

    private static final String P = "fluxgate.circuitbreaker.instances.payments.";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class App {
    }

    private ConfigurableApplicationContext context;
    private final Map<String, Object> overrides = new HashMap<>();
    private final List<Reconfiguration> heard = new CopyOnWriteArrayList<>();
    private CircuitBreaker payments;

    @BeforeEach
    void start() {
        context = new SpringApplicationBuilder(App.class).properties(
                "server.port=0", "server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=fluxgate",
                P + "window.size=10",
                P + "tripper.min-requests=10",
                P + "tripper.failure-rate=0.5").run();
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("live", overrides));
        payments = context.getBean(CircuitBreakerRegistry.class).find("payments").orElseThrow();
        payments.addListener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onReconfigured(Reconfiguration r) {
                heard.add(r);
            }
        });
    }

    @AfterEach
    void stop() {
        context.close();
    }

    private void fail(int n) {
        for (int i = 0; i < n; i++) {
            payments.recordError(payments.acquirePermission(), 0, new IOException("down"));
        }
    }

    private HttpResponse<String> post(String path) throws Exception {
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEnvironmentChangeEventAppliesTheNewTripperToTheSameBreakerKeepingItsWindow() {
        fail(3);
        assertThat(payments.state()).isEqualTo(State.CLOSED);

        overrides.put(P + "tripper.min-requests", "3");
        context.publishEvent(new EnvironmentChangeEvent(context, Set.of(P + "tripper.min-requests")));

        CircuitBreaker now = context.getBean(CircuitBreakerRegistry.class).find("payments").orElseThrow();
        assertThat(now).isSameAs(payments);
        assertThat(payments.state()).as("the kept window (3 failures) meets the new minRequests(3)").isEqualTo(State.OPEN);
        assertThat(heard).singleElement().satisfies(r -> {
            assertThat(r.changed()).containsExactly("tripper");
            assertThat(r.carriedOver()).contains("window", "state");
        });
    }

    @Test
    void anEventAboutOtherKeysChangesNothing() {
        overrides.put(P + "tripper.min-requests", "3");
        context.publishEvent(new EnvironmentChangeEvent(context, Set.of("spring.application.name")));
        assertThat(heard).isEmpty();
        assertThat(payments.configuration().get("tripper")).contains("minRequests(10)");
    }

    @Test
    void theActuatorPostAppliesChangedPropertiesAndSaysWhatCarriedOver() throws Exception {
        fail(2);
        overrides.put(P + "window.size", "20");

        HttpResponse<String> response = post("/actuator/fluxgate");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> reset = JsonPath.read(response.body(), "$.reconfigured.payments.reset");
        assertThat(reset).containsExactly("window");
        assertThat((String) JsonPath.read(response.body(), "$.reconfigured.payments.changed.window.after"))
                .isEqualTo("Window.count(20)");
        assertThat(payments.configuration()).containsEntry("window", "Window.count(20)");
        assertThat(payments.metrics().failedCalls()).as("lifetime counters carry over").isEqualTo(2);
        assertThat(payments.metrics().calls()).as("a window of another size starts empty").isZero();
    }

    @Test
    void aBadNewValueIsRefusedNamingThePropertyAndTheOldConfigurationIsKept() throws Exception {
        fail(2);
        Map<String, String> before = payments.configuration();
        overrides.put(P + "max-half-open-calls", "0");
        overrides.put(P + "tripper.min-requests", "3");

        HttpResponse<String> response = post("/actuator/fluxgate");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.property")).isEqualTo(P + "max-half-open-calls");
        assertThat((String) JsonPath.read(response.body(), "$.message")).contains("[1, 100000]").contains("was 0");
        assertThat(payments.configuration()).isEqualTo(before);
        assertThat(payments.metrics().calls()).isEqualTo(2);

        // The same bad value on the event: logged, refused, nothing changed.
        context.publishEvent(new EnvironmentChangeEvent(context, Set.of(P + "max-half-open-calls")));
        assertThat(payments.configuration()).isEqualTo(before);
        assertThat(heard).isEmpty();

        // Fixed: applies.
        overrides.put(P + "max-half-open-calls", "4");
        assertThat(post("/actuator/fluxgate").statusCode()).isEqualTo(200);
        assertThat(payments.configuration()).containsEntry("maxHalfOpenCalls", "4");
        assertThat(heard).hasSize(1);
    }
}
