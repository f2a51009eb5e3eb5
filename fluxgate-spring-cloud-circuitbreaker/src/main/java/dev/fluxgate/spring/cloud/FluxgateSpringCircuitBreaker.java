package dev.fluxgate.spring.cloud;

import dev.fluxgate.Timeout;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cloud.client.circuitbreaker.CircuitBreaker;

/** Spring Cloud's blocking circuit breaker on a Fluxgate breaker, with an optional timeout inside it. */
final class FluxgateSpringCircuitBreaker implements CircuitBreaker {

    private final dev.fluxgate.CircuitBreaker breaker;
    private final @Nullable Timeout timeout;

    FluxgateSpringCircuitBreaker(dev.fluxgate.CircuitBreaker breaker, @Nullable Timeout timeout) {
        this.breaker = breaker;
        this.timeout = timeout;
    }

    @Override
    public <T> T run(Supplier<T> toRun, Function<Throwable, T> fallback) {
        Objects.requireNonNull(toRun, "toRun");
        Objects.requireNonNull(fallback, "fallback");
        Timeout limit = timeout;
        try {
            return limit == null ? breaker.call(toRun::get) : breaker.call(() -> limit.call(toRun::get));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller was interrupted while waiting: keep the flag
            return fallback.apply(e);
        } catch (Exception e) {
            return fallback.apply(e);
        }
    }

    @Override
    public String toString() {
        return "FluxgateSpringCircuitBreaker[" + breaker.name() + (timeout == null ? "" : ", " + timeout) + "]";
    }
}
