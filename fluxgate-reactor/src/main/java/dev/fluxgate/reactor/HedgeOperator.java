package dev.fluxgate.reactor;

import dev.fluxgate.Hedge;
import java.util.Objects;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * Hedges a {@link Mono} with a Fluxgate {@link Hedge}: the source is subscribed to once, and again after
 * each delay while no subscription has produced a value, up to the hedge's {@code maxAttempts}; the first
 * value wins and the other subscriptions are cancelled (as {@code Mono.firstWithValue} does, but with the
 * hedge's delays, counters and listeners, and without starting attempts that are not needed). Each attempt
 * is a fresh subscription, so the source must be cold (a {@code WebClient} or R2DBC call is).
 *
 * <pre>{@code
 * Mono<Result> result = search.query(q)
 *     .transformDeferred(CircuitBreakerOperator.of(breaker))   // each attempt takes its own permit
 *     .transformDeferred(HedgeOperator.of(hedge));
 * }</pre>
 *
 * <p>The call fails once every attempt started has failed, with the last failure (the earlier ones
 * suppressed); an attempt that completes empty counts as a success with no value, and the subscriber
 * then completes empty. Cancelling the subscription cancels every attempt and the pending delay. A
 * {@code Mono} only: hedging a stream would replay elements already delivered. The attempts run outside
 * the subscriber's Reactor {@code Context}; the delays run on the hedge's scheduler.
 *
 * <p>Immutable and safe to share.
 *
 * @param <T> the value type
 */
public final class HedgeOperator<T> implements Function<Mono<T>, Mono<T>> {

    private final Hedge hedge;

    private HedgeOperator(Hedge hedge) {
        this.hedge = hedge;
    }

    /**
     * An operator for {@code Mono.transformDeferred} that hedges with {@code hedge}.
     *
     * @param <T> the value type
     * @param hedge the hedge
     * @return the operator
     */
    public static <T> HedgeOperator<T> of(Hedge hedge) {
        return new HedgeOperator<>(Objects.requireNonNull(hedge, "hedge"));
    }

    @Override
    public Mono<T> apply(Mono<T> mono) {
        Objects.requireNonNull(mono, "mono");
        // Mono.fromFuture cancels the future when the subscriber cancels; the hedge then cancels every
        // attempt's future, which (a Mono's toFuture) cancels that attempt's subscription.
        return Mono.fromFuture(() -> hedge.callAsync(mono::toFuture));
    }

    @Override
    public String toString() {
        return "HedgeOperator[" + hedge.name() + "]";
    }
}
