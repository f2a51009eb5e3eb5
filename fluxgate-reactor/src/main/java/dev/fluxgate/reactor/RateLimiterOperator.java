package dev.fluxgate.reactor;

import dev.fluxgate.RateLimitedException;
import dev.fluxgate.RateLimiter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Subscribes to a {@link Mono} or {@link Flux} once a {@link RateLimiter} grants a permit.
 *
 * <pre>{@code
 * Mono<Quote> quote = pricing.quote(id).transformDeferred(RateLimiterOperator.of(limiter));
 * }</pre>
 *
 * <p>Each subscription takes one permit ({@link RateLimiter#reserve(int)}). A permit free now subscribes
 * to the source at once; one free within the limiter's maximum wait delays the subscription with
 * {@link Mono#delay(Duration)} (on Reactor's parallel scheduler, or the virtual-time one in tests), so no
 * thread is blocked; otherwise the subscriber gets {@code onError(}{@link RateLimitedException}{@code )}
 * and the source is never subscribed. Cancelling during the delay cancels it (the permit stays spent, as
 * the limiter documents). An exception of the limiter's store reaches the subscriber as {@code onError}.
 *
 * <p>Immutable and safe to share.
 *
 * @param <T> the element type
 */
public final class RateLimiterOperator<T> implements UnaryOperator<Publisher<T>> {

    private final RateLimiter limiter;

    private RateLimiterOperator(RateLimiter limiter) {
        this.limiter = limiter;
    }

    /**
     * An operator for {@code transformDeferred} that subscribes to each source once {@code limiter} grants a permit.
     *
     * @param limiter the rate limiter
     * @param <T> the element type
     * @return the operator
     * @throws NullPointerException if {@code limiter} is null
     */
    public static <T> RateLimiterOperator<T> of(RateLimiter limiter) {
        return new RateLimiterOperator<>(Objects.requireNonNull(limiter, "limiter"));
    }

    /**
     * Decorates {@code publisher}: a {@link Mono} stays a {@code Mono}; any other publisher becomes a {@link Flux}.
     *
     * @param publisher the source
     * @return the source, subscribed once a permit is granted
     */
    @Override
    public Publisher<T> apply(Publisher<T> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (publisher instanceof Mono<T> mono) {
            return Mono.defer(() -> {
                long wait = limiter.reserve(1); // a refusal or a store's failure: Mono.defer turns it into onError
                return wait == 0 ? mono : Mono.delay(Duration.ofNanos(wait)).then(mono);
            });
        }
        Flux<T> flux = Flux.from(publisher);
        return Flux.defer(() -> {
            long wait = limiter.reserve(1);
            return wait == 0 ? flux : Mono.delay(Duration.ofNanos(wait)).thenMany(flux);
        });
    }

    @Override
    public String toString() {
        return "RateLimiterOperator[" + limiter.name() + "]";
    }
}
