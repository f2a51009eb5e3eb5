package dev.fluxgate.reactor;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Operators;

/** A {@link Flux} whose every subscription runs through a breaker, judged at its end. */
final class FluxCircuitBreaker<T> extends FluxOperator<T, T> {

    private final CircuitBreaker breaker;

    FluxCircuitBreaker(Flux<? extends T> source, CircuitBreaker breaker) {
        super(source);
        this.breaker = breaker;
    }

    @Override
    public void subscribe(CoreSubscriber<? super T> actual) {
        long permit;
        try {
            permit = breaker.acquirePermission();
        } catch (CallNotPermittedException rejected) {
            Operators.error(actual, rejected);
            return;
        }
        source.subscribe(new CircuitBreakerSubscriber<>(actual, breaker, permit, false));
    }
}
