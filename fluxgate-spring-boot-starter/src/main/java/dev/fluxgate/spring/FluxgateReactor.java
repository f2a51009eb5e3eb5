package dev.fluxgate.spring;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.Chaos;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Hedge;
import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Retry;
import dev.fluxgate.Timeout;
import dev.fluxgate.reactor.BulkheadOperator;
import dev.fluxgate.reactor.ChaosOperator;
import dev.fluxgate.reactor.CircuitBreakerOperator;
import dev.fluxgate.reactor.HedgeOperator;
import dev.fluxgate.reactor.AdaptiveBulkheadOperator;
import dev.fluxgate.reactor.RateLimiterOperator;
import dev.fluxgate.reactor.RetryOperator;
import dev.fluxgate.reactor.TimeoutOperator;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The fluxgate-reactor operators; loaded only when that module is on the class path. */
final class FluxgateReactor {
    private FluxgateReactor() {
    }

    static <P extends Publisher<Object>> Function<P, Publisher<Object>> breaker(CircuitBreaker cb) {
        CircuitBreakerOperator<Object> operator = CircuitBreakerOperator.of(cb);
        return operator::apply;
    }

    static Mono<Object> bulkhead(Mono<Object> mono, Bulkhead bulkhead) {
        BulkheadOperator<Object> operator = BulkheadOperator.of(bulkhead);
        return mono.transformDeferred(operator);
    }

    static Flux<Object> bulkhead(Flux<Object> flux, Bulkhead bulkhead) {
        BulkheadOperator<Object> operator = BulkheadOperator.of(bulkhead);
        return flux.transformDeferred(operator);
    }

    static Mono<Object> retry(Mono<Object> mono, Retry retry) {
        return mono.transformDeferred(RetryOperator.<Object>of(retry));
    }

    static Mono<Object> hedge(Mono<Object> mono, Hedge hedge) {
        return mono.transformDeferred(HedgeOperator.<Object>of(hedge));
    }

    static Mono<Object> timeout(Mono<Object> mono, Timeout timeout) {
        return mono.transformDeferred(TimeoutOperator.<Object>of(timeout));
    }

    static Mono<Object> rateLimiter(Mono<Object> mono, RateLimiter limiter) {
        RateLimiterOperator<Object> operator = RateLimiterOperator.of(limiter);
        return mono.transformDeferred(operator);
    }

    static Flux<Object> rateLimiter(Flux<Object> flux, RateLimiter limiter) {
        RateLimiterOperator<Object> operator = RateLimiterOperator.of(limiter);
        return flux.transformDeferred(operator);
    }

    static Mono<Object> chaos(Mono<Object> mono, Chaos chaos) {
        ChaosOperator<Object> operator = ChaosOperator.of(chaos);
        return mono.transformDeferred(operator);
    }

    static Flux<Object> chaos(Flux<Object> flux, Chaos chaos) {
        ChaosOperator<Object> operator = ChaosOperator.of(chaos);
        return flux.transformDeferred(operator);
    }

    static Mono<Object> adaptiveBulkhead(Mono<Object> mono, AdaptiveBulkhead bulkhead) {
        AdaptiveBulkheadOperator<Object> operator = AdaptiveBulkheadOperator.of(bulkhead);
        return mono.transformDeferred(operator);
    }

    static Flux<Object> adaptiveBulkhead(Flux<Object> flux, AdaptiveBulkhead bulkhead) {
        AdaptiveBulkheadOperator<Object> operator = AdaptiveBulkheadOperator.of(bulkhead);
        return flux.transformDeferred(operator);
    }
}
