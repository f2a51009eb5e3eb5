package dev.fluxgate.reactor;

import dev.fluxgate.Timeout;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Bounds a {@link Mono} by a Fluxgate {@link Timeout}: when the time is up the subscriber gets a
 * {@link java.util.concurrent.TimeoutException}, the source's subscription is cancelled, and the
 * timeout's {@code timeouts()} counter counts it.
 *
 * <pre>{@code
 * Mono<Quote> quote = pricing.quote(id)
 *     .transformDeferred(TimeoutOperator.of(Timeout.of(Duration.ofSeconds(2))))
 *     .transformDeferred(CircuitBreakerOperator.of(breaker));   // the breaker sees the timeout as a failure
 * }</pre>
 *
 * <p>For a per-element or whole-stream limit on a {@code Flux}, use Reactor's own {@code timeout}.
 * Immutable and safe to share.
 *
 * @param <T> the value type
 */
public final class TimeoutOperator<T> implements Function<Mono<T>, Mono<T>> {

    private final Timeout timeout;

    private TimeoutOperator(Timeout timeout) {
        this.timeout = timeout;
    }

    /**
     * An operator for {@code Mono.transformDeferred} that bounds each subscription by {@code timeout}.
     *
     * @param <T> the element type
     * @param timeout the timeout
     * @return an operator for {@code Mono}
     */
    public static <T> TimeoutOperator<T> of(Timeout timeout) {
        return new TimeoutOperator<>(Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public Mono<T> apply(Mono<T> mono) {
        Objects.requireNonNull(mono, "mono");
        return Mono.fromFuture(() -> timeout.callAsync(mono::toFuture));
    }

    @Override
    public String toString() {
        return "TimeoutOperator[" + timeout + "]";
    }
}
