package dev.fluxgate.spring.actuate;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.spring.LiveReconfiguration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP side of {@link FluxgateEndpoint}'s command: the same rules, but a bad request answers 400
 * with a JSON body that says what was wrong and lists the valid values (Spring's own 400 for an
 * endpoint hides its message by default):
 *
 * <pre>{@code
 * POST /actuator/fluxgate/payments {"action": "explode"}
 * 400 {"status": 400, "error": "Bad Request", "message": "Unknown action 'explode'",
 *      "validActions": ["reset", "disable", "force-open", "metrics-only"]}
 * POST /actuator/fluxgate/nobody?action=reset
 * 400 {"status": 400, "error": "Bad Request", "message": "No circuit breaker named 'nobody'",
 *      "knownBreakers": ["inventory", "payments"]}
 * }</pre>
 *
 * <p>The action comes from the JSON body or from the query string. Thread safety: as the endpoint.
 */
@EndpointWebExtension(endpoint = FluxgateEndpoint.class)
public class FluxgateEndpointWebExtension {

    private final CircuitBreakerRegistry registry;
    private final @Nullable LiveReconfiguration live;

    /**
     * Creates the extension.
     *
     * @param registry the breakers it moves
     */
    public FluxgateEndpointWebExtension(CircuitBreakerRegistry registry) {
        this(registry, null);
    }

    /**
     * Creates the extension, with {@code POST /actuator/fluxgate} applying changed properties.
     *
     * @param registry the breakers it moves
     * @param live applies changed {@code fluxgate.circuitbreaker.*} properties, or null for none
     */
    public FluxgateEndpointWebExtension(CircuitBreakerRegistry registry, @Nullable LiveReconfiguration live) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.live = live;
    }

    /**
     * Applies changed {@code fluxgate.circuitbreaker.*} properties, keeping every breaker's state.
     *
     * @return 200 with what changed by breaker, or 400 with the message and the {@code property} whose
     *     new value is bad (no breaker changed)
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> reconfigure() {
        Map<String, Object> answer = FluxgateEndpoint.reconfigure(live);
        if (!LiveReconfiguration.isRefusal(answer)) {
            return new WebEndpointResponse<>(answer, WebEndpointResponse.STATUS_OK);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", WebEndpointResponse.STATUS_BAD_REQUEST);
        body.put("error", "Bad Request");
        body.putAll(answer);
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
    }

    /**
     * Moves a breaker by hand.
     *
     * @param name the breaker's name
     * @param action {@code reset}, {@code disable}, {@code force-open} or {@code metrics-only}
     * @return 200 with the breaker afterwards, or 400 with what was wrong and the valid values
     */
    @WriteOperation
    public WebEndpointResponse<Map<String, Object>> command(@Selector String name, @Nullable String action) {
        FluxgateEndpoint.Command c = FluxgateEndpoint.command(registry, name, action);
        if (c.error() == null) {
            return new WebEndpointResponse<>(c.breaker(), WebEndpointResponse.STATUS_OK);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", WebEndpointResponse.STATUS_BAD_REQUEST);
        body.put("error", "Bad Request");
        body.putAll(c.error());
        return new WebEndpointResponse<>(body, WebEndpointResponse.STATUS_BAD_REQUEST);
    }
}
