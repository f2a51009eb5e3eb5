package dev.fluxgate.reactor;

import dev.fluxgate.Retry;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link Mono} through a Fluxgate {@link Retry}: each attempt is a fresh subscription to the
 * source, the waits follow the retry's {@link dev.fluxgate.Backoff} on its scheduler (no thread
 * blocks), and its {@code retryOn}, {@code abortOn}, {@code retryOnResult}, {@code maxDuration},
 * listeners and counters all apply.
 *
 * <pre>{@code
 * Mono<Stock> stock = inventory.fetch(sku)
 *     .transformDeferred(CircuitBreakerOperator.of(breaker))   // every attempt asks the breaker
 *     .transformDeferred(RetryOperator.of(retry));
 * }</pre>
 *
 * <p>Cancelling the subscription stops the retries and cancels the attempt in flight. A {@code Mono}
 * only: retrying a stream replays elements already delivered, which is a decision for Reactor's own
 * {@code retryWhen}. The attempts run outside the subscriber's Reactor {@code Context}.
 *
 * <p>Immutable and safe to share.
 *
 * @param <T> the value type
 */
public final class RetryOperator<T> implements Function<Mono<T>, Mono<T>> {

    private final Retry retry;

    private RetryOperator(Retry retry) {
        this.retry = retry;
    }

    /**
     * An operator for {@code Mono.transformDeferred} that retries with {@code retry}.
     *
     * @param <T> the element type
     * @param retry the retry
     * @return an operator for {@code Mono}
     */
    public static <T> RetryOperator<T> of(Retry retry) {
        return new RetryOperator<>(Objects.requireNonNull(retry, "retry"));
    }

    @Override
    public Mono<T> apply(Mono<T> mono) {
        Objects.requireNonNull(mono, "mono");
        // Mono.fromFuture cancels the future when the subscriber cancels; the retry then cancels the
        // attempt's future, which (a Mono's toFuture) cancels that attempt's subscription.
        return Mono.fromFuture(() -> retry.callAsync(mono::toFuture));
    }

    @Override
    public String toString() {
        return "RetryOperator[" + retry.name() + "]";
    }
}
