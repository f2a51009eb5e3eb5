package dev.fluxgate.spring.cloud;

import dev.fluxgate.Timeout;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.client.circuitbreaker.CircuitBreaker;

/** Spring Cloud's blocking circuit breaker on a Fluxgate breaker, with an optional timeout inside it. */
final class FluxgateSpringCircuitBreaker implements CircuitBreaker {

    private static final Logger log = LoggerFactory.getLogger(FluxgateSpringCircuitBreaker.class);

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
            return fallback(fallback, e);
        } catch (Exception e) {
            return fallback(fallback, e);
        }
    }

    /**
     * Gateway Server MVC's fallback (CircuitBreakerFilterFunctions, without a fallback path) tests the
     * failure against Resilience4j's CallNotPermittedException and so fails with NoClassDefFoundError
     * when Resilience4j is absent. Then the failure itself goes on: a rejection becomes a 503 through
     * FluxgateRejectionExceptionResolver, the gateway's status-code exceptions keep their status.
     */
    private static <T> T fallback(Function<Throwable, T> fallback, Exception failure) {
        try {
            return fallback.apply(failure);
        } catch (NoClassDefFoundError missing) {
            String message = String.valueOf(missing.getMessage());
            if (failure instanceof RuntimeException unchecked && message.startsWith("io/github/resilience4j/")) {
                log.debug("fallback needs Resilience4j, which is absent; rethrowing {}", failure.toString());
                throw unchecked;
            }
            throw missing;
        }
    }

    @Override
    public String toString() {
        return "FluxgateSpringCircuitBreaker[" + breaker.name() + (timeout == null ? "" : ", " + timeout) + "]";
    }
}
