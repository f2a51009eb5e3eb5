package dev.fluxgate.reactor;

import dev.fluxgate.Chaos;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Injects the faults of a {@link Chaos} into a {@link Mono} or {@link Flux}, one draw per subscription.
 *
 * <pre>{@code
 * Mono<Quote> quote = pricing.quote(id)
 *     .transformDeferred(ChaosOperator.of(chaos))                 // innermost: stands for a broken downstream
 *     .transformDeferred(CircuitBreakerOperator.of(breaker));
 * }</pre>
 *
 * <p>Each subscription draws once from the policy ({@link Chaos#nextFault()}: counted and heard by its
 * listeners exactly as a synchronous call); while the policy is disabled it costs one volatile read and
 * the source is subscribed untouched. An exception fault: the subscriber gets {@code onError} with the
 * injected exception (marked, so {@link Chaos#isInjected} knows it) and the source is never subscribed.
 * A latency fault: the subscription to the source is delayed with {@link Mono#delay} (Reactor's parallel
 * scheduler, or the virtual-time one in tests), so no thread is blocked; cancelling during the delay
 * cancels it and the source is never subscribed. A result fault: the subscriber gets the substitute value
 * (once, for a {@code Flux} too) and completes; the source is never subscribed. The value is not
 * type-checked: a value of the wrong type fails with a {@link ClassCastException} where it is used.
 *
 * <p>Immutable and safe to share.
 *
 * @param <T> the element type
 */
public final class ChaosOperator<T> implements UnaryOperator<Publisher<T>> {

    private final Chaos chaos;

    private ChaosOperator(Chaos chaos) {
        this.chaos = chaos;
    }

    /**
     * An operator for {@code transformDeferred} that injects {@code chaos}'s faults into each subscription.
     *
     * @param chaos the fault injector
     * @param <T> the element type
     * @return the operator
     * @throws NullPointerException if {@code chaos} is null
     */
    public static <T> ChaosOperator<T> of(Chaos chaos) {
        return new ChaosOperator<>(Objects.requireNonNull(chaos, "chaos"));
    }

    /**
     * Decorates {@code publisher}: a {@link Mono} stays a {@code Mono}; any other publisher becomes a {@link Flux}.
     *
     * @param publisher the source
     * @return the source with faults injected into a share of its subscriptions
     */
    @Override
    public Publisher<T> apply(Publisher<T> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (publisher instanceof Mono<T> mono) {
            return Mono.defer(() -> {
                Chaos.Fault fault = chaos.nextFault();
                if (fault == null) {
                    return mono;
                }
                return switch (fault.kind()) {
                    case EXCEPTION -> Mono.error(chaos.exceptionOf(fault));
                    case LATENCY -> Mono.delay(fault.latency()).then(mono);
                    case RESULT -> Mono.just(substitute(fault));
                };
            });
        }
        Flux<T> flux = Flux.from(publisher);
        return Flux.defer(() -> {
            Chaos.Fault fault = chaos.nextFault();
            if (fault == null) {
                return flux;
            }
            return switch (fault.kind()) {
                case EXCEPTION -> Flux.error(chaos.exceptionOf(fault));
                case LATENCY -> Mono.delay(fault.latency()).thenMany(flux);
                case RESULT -> Flux.just(substitute(fault));
            };
        });
    }

    @SuppressWarnings("unchecked") // documented: the substitute is the caller's to type correctly
    private T substitute(Chaos.Fault fault) {
        Object value = Objects.requireNonNull(fault.result(), "result"); // never null for a RESULT fault
        return (T) value;
    }

    @Override
    public String toString() {
        return "ChaosOperator[" + chaos.name() + "]";
    }
}
