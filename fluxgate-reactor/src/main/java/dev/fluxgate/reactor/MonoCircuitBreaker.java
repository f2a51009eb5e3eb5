package dev.fluxgate.reactor;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;

/** A {@link Mono} whose every subscription runs through a breaker. */
final class MonoCircuitBreaker<T> extends MonoOperator<T, T> {

    private final CircuitBreaker breaker;

    MonoCircuitBreaker(Mono<? extends T> source, CircuitBreaker breaker) {
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
        source.subscribe(new CircuitBreakerSubscriber<>(actual, breaker, permit, true));
    }
}
