package dev.fluxgate.spring.actuate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import org.junit.jupiter.api.Test;

/** The registry rejects blank names; the endpoint answers "no such breaker" for them, not a server error. */
class EndpointLookupTest {

    @Test
    void aBlankNameIsAnUnknownBreaker() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        registry.get("inventory");
        FluxgateEndpoint endpoint = new FluxgateEndpoint(registry);
        assertThat(endpoint.breaker(" ")).isNull();
        assertThat(endpoint.breaker("inventory")).isNotNull();
        FluxgateEndpoint.Command command = FluxgateEndpoint.command(registry, " ", "reset");
        assertThat(command.breaker()).isNull();
        assertThat(command.error()).containsEntry("message", "No circuit breaker named ' '");
    }
}
