package dev.fluxgate.reactor;

import dev.fluxgate.CircuitBreaker;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs a {@link Mono} or {@link Flux} through a {@link CircuitBreaker}, once per subscription.
 *
 * <pre>{@code
 * Mono<Order> order = client.fetchOrder(id)
 *     .transformDeferred(CircuitBreakerOperator.of(breaker));
 * Flux<Line> lines = client.streamLines(id)
 *     .transformDeferred(CircuitBreakerOperator.of(breaker));
 * }</pre>
 *
 * <p>Use it with {@code transformDeferred}, so that every subscription (including each resubscription
 * by {@code retry()}) asks the breaker for its own permit. What happens, per subscription:
 *
 * <ul>
 *   <li><b>Rejection</b>: the breaker is asked at subscription; a rejected subscriber gets
 *       {@code onSubscribe} then {@code onError(}{@link dev.fluxgate.CallNotPermittedException}{@code )},
 *       and the source is never subscribed.
 *   <li><b>Mono</b>: the value is judged when it arrives ({@code failureOnResult} applies to it); an
 *       empty {@code Mono} is a success; an error goes to the breaker's tracker, except a
 *       {@link dev.fluxgate.RejectedException} from an operator upstream (a full bulkhead, an inner
 *       breaker), which is a local decision and counts as ignored (see
 *       {@link CircuitBreaker.Builder#trackLocalRejections(boolean)}); likewise for a Flux.
 *   <li><b>Flux</b>: the outcome is judged at the end: completion is a success, an error goes to the
 *       tracker. Individual elements are not judged.
 *   <li><b>Cancellation</b> before the outcome is known settles nothing but gives the permit back, so a
 *       cancelled half-open probe frees its slot at once.
 * </ul>
 *
 * <p>Every permit is settled exactly once, whatever order signals and cancellation race in. Durations
 * run from subscription to the judging signal, on the breaker's ticker, and are measured only when the
 * breaker needs them ({@link CircuitBreaker#isTimed()}).
 *
 * <p>Instances are immutable and safe to share; one operator can decorate any number of publishers.
 *
 * @param <T> the element type
 */
public final class CircuitBreakerOperator<T> implements UnaryOperator<Publisher<T>> {

    private final CircuitBreaker breaker;

    private CircuitBreakerOperator(CircuitBreaker breaker) {
        this.breaker = breaker;
    }

    /**
     * An operator for {@code transformDeferred} that runs each subscription through {@code breaker}.
     *
     * @param <T> the element type
     * @param breaker the breaker
     * @return an operator for {@code Mono} and {@code Flux}
     */
    public static <T> CircuitBreakerOperator<T> of(CircuitBreaker breaker) {
        return new CircuitBreakerOperator<>(Objects.requireNonNull(breaker, "breaker"));
    }

    /**
     * Decorates {@code publisher}: a {@link Mono} stays a {@code Mono}; any other publisher becomes a
     * {@link Flux}.
     */
    @Override
    public Publisher<T> apply(Publisher<T> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (publisher instanceof Mono<T> mono) {
            return new MonoCircuitBreaker<>(mono, breaker);
        }
        return new FluxCircuitBreaker<>(Flux.from(publisher), breaker);
    }

    @Override
    public String toString() {
        return "CircuitBreakerOperator[" + breaker.name() + "]";
    }
}
