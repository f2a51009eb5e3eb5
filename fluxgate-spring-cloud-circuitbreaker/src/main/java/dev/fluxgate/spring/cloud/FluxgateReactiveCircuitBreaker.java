package dev.fluxgate.spring.cloud;

import dev.fluxgate.Timeout;
import dev.fluxgate.reactor.CircuitBreakerOperator;
import dev.fluxgate.reactor.TimeoutOperator;
import java.util.Objects;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreaker;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Spring Cloud's reactive circuit breaker on a Fluxgate breaker, with an optional timeout inside it. */
final class FluxgateReactiveCircuitBreaker implements ReactiveCircuitBreaker {

    private final dev.fluxgate.CircuitBreaker breaker;
    private final @Nullable Timeout timeout;

    FluxgateReactiveCircuitBreaker(dev.fluxgate.CircuitBreaker breaker, @Nullable Timeout timeout) {
        this.breaker = breaker;
        this.timeout = timeout;
    }

    @Override
    public <T> Mono<T> run(Mono<T> toRun, Function<Throwable, Mono<T>> fallback) {
        Objects.requireNonNull(toRun, "toRun");
        Objects.requireNonNull(fallback, "fallback");
        Mono<T> limited = timeout == null ? toRun : toRun.transformDeferred(TimeoutOperator.<T>of(timeout));
        CircuitBreakerOperator<T> guard = CircuitBreakerOperator.of(breaker);
        return limited.transformDeferred(guard).onErrorResume(fallback);
    }

    @Override
    public <T> Flux<T> run(Flux<T> toRun, Function<Throwable, Flux<T>> fallback) {
        Objects.requireNonNull(toRun, "toRun");
        Objects.requireNonNull(fallback, "fallback");
        // Each element within the limit, as Reactor's own Flux.timeout does (TimeoutOperator bounds a Mono),
        // counted in the timeout's timeouts() (and its meter) like the Mono path's.
        Flux<T> limited = timeout == null ? toRun : toRun.timeout(timeout.timeout(), timedOut(timeout));
        CircuitBreakerOperator<T> guard = CircuitBreakerOperator.of(breaker);
        return limited.transformDeferred(guard).onErrorResume(fallback);
    }

    /** The error a Flux ends with when an element is late: a plain TimeoutException, counted first. */
    private static <T> Flux<T> timedOut(Timeout timeout) {
        return Flux.defer(() -> {
            timeout.recordTimeout();
            return Flux.error(new TimeoutException("no element within " + timeout.timeout().toMillis() + " ms"));
        });
    }

    @Override
    public String toString() {
        return "FluxgateReactiveCircuitBreaker[" + breaker.name() + (timeout == null ? "" : ", " + timeout) + "]";
    }
}
