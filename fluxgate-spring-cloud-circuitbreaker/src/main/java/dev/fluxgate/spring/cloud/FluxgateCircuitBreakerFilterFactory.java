package dev.fluxgate.spring.cloud;

import dev.fluxgate.RejectedException;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;
import org.springframework.cloud.gateway.filter.factory.SpringCloudCircuitBreakerFilterFactory;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.DispatcherHandler;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway's {@code CircuitBreaker} route filter on Fluxgate (the gateway registers its
 * own only for Resilience4j). Without a fallback URI, a route answers 503 Service Unavailable while
 * the breaker rejects calls (any Fluxgate {@link RejectedException}: an open breaker, a full bulkhead,
 * a rate limit) and 504 Gateway Timeout when the call ran out of time; with {@code fallbackUri} the
 * gateway forwards there instead. Other errors pass through (or end the exchange quietly with
 * {@code resumeWithoutError}). Safe for concurrent use.
 */
public class FluxgateCircuitBreakerFilterFactory extends SpringCloudCircuitBreakerFilterFactory {

    /**
     * A filter factory whose breakers come from {@code factory}.
     *
     * @param factory the reactive circuit breakers
     * @param dispatcherHandler the gateway's dispatcher, for forwarding to a fallback URI
     */
    public FluxgateCircuitBreakerFilterFactory(ReactiveCircuitBreakerFactory<?, ?> factory,
            ObjectProvider<DispatcherHandler> dispatcherHandler) {
        super(factory, dispatcherHandler);
    }

    @Override
    protected Mono<Void> handleErrorWithoutFallback(Throwable t, boolean resumeWithoutError) {
        if (t instanceof TimeoutException) {
            return Mono.error(new ResponseStatusException(HttpStatus.GATEWAY_TIMEOUT, t.getMessage(), t));
        }
        if (t instanceof RejectedException) {
            return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, t.getMessage(), t));
        }
        return resumeWithoutError ? Mono.empty() : Mono.error(t);
    }
}
