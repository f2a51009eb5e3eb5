package dev.fluxgate.reactor;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.BulkheadFullException;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Runs each subscription of a {@link Mono} or {@link Flux} in a slot of an {@link AdaptiveBulkhead}, and
 * feeds the bulkhead the subscription's round-trip time so that its limit can learn.
 *
 * <pre>{@code
 * Mono<Stock> stock = inventory.lookup(sku).transformDeferred(AdaptiveBulkheadOperator.of(bulkhead));
 * }</pre>
 *
 * <p>The slot is taken at subscription with {@link AdaptiveBulkhead#tryAcquire()}, without waiting: when
 * the limit is reached the subscriber gets {@code onError(}{@link BulkheadFullException}{@code )} and the
 * source is never subscribed. The slot is held until the source terminates or the subscription is
 * cancelled, and given back exactly once: {@code onComplete} is a success (sampled, RTT from subscription
 * to completion on the bulkhead's ticker), {@code onError} is a drop or ignored as the bulkhead's drop
 * predicate says, and a cancellation frees the slot without a sample. A {@code Mono} that emits a value
 * counts as a success at that value (its completion follows).
 *
 * <p>Immutable and safe to share.
 *
 * @param <T> the element type
 */
public final class AdaptiveBulkheadOperator<T> implements UnaryOperator<Publisher<T>> {

    private final AdaptiveBulkhead bulkhead;

    private AdaptiveBulkheadOperator(AdaptiveBulkhead bulkhead) {
        this.bulkhead = bulkhead;
    }

    /**
     * An operator for {@code transformDeferred} that runs each subscription in a slot of {@code bulkhead}.
     *
     * @param <T> the element type
     * @param bulkhead the adaptive bulkhead
     * @return an operator for {@code Mono} and {@code Flux}
     */
    public static <T> AdaptiveBulkheadOperator<T> of(AdaptiveBulkhead bulkhead) {
        return new AdaptiveBulkheadOperator<>(Objects.requireNonNull(bulkhead, "bulkhead"));
    }

    /** Decorates {@code publisher}: a {@link Mono} stays a {@code Mono}; any other publisher becomes a {@link Flux}. */
    @Override
    public Publisher<T> apply(Publisher<T> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (publisher instanceof Mono<T> mono) {
            return new MonoAdaptive<>(mono, bulkhead);
        }
        return new FluxAdaptive<>(Flux.from(publisher), bulkhead);
    }

    @Override
    public String toString() {
        return "AdaptiveBulkheadOperator[" + bulkhead.name() + "]";
    }

    private static AdaptiveBulkhead.@Nullable Lease enter(AdaptiveBulkhead bulkhead, CoreSubscriber<?> actual) {
        AdaptiveBulkhead.Lease lease = bulkhead.tryAcquire();
        if (lease == null) {
            Operators.error(actual, new BulkheadFullException(bulkhead.name(), "AdaptiveBulkhead '" + bulkhead.name()
                    + "' is full (limit " + bulkhead.limit() + ")"));
        }
        return lease;
    }

    private static final class MonoAdaptive<T> extends MonoOperator<T, T> {
        private final AdaptiveBulkhead bulkhead;

        MonoAdaptive(Mono<? extends T> source, AdaptiveBulkhead bulkhead) {
            super(source);
            this.bulkhead = bulkhead;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            AdaptiveBulkhead.Lease lease = enter(bulkhead, actual);
            if (lease != null) {
                source.subscribe(new LeaseSubscriber<>(actual, lease, true));
            }
        }
    }

    private static final class FluxAdaptive<T> extends FluxOperator<T, T> {
        private final AdaptiveBulkhead bulkhead;

        FluxAdaptive(Flux<? extends T> source, AdaptiveBulkhead bulkhead) {
            super(source);
            this.bulkhead = bulkhead;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            AdaptiveBulkhead.Lease lease = enter(bulkhead, actual);
            if (lease != null) {
                source.subscribe(new LeaseSubscriber<>(actual, lease, false));
            }
        }
    }

    /** Holds one lease and finishes it once (the lease itself ignores every finish after the first). */
    private static final class LeaseSubscriber<T> implements CoreSubscriber<T>, Subscription {
        private final CoreSubscriber<? super T> actual;
        private final AdaptiveBulkhead.Lease lease;
        private final boolean mono;
        @SuppressWarnings("NullAway.Init") // set in onSubscribe, which Reactive Streams calls before anything else
        private Subscription upstream;

        LeaseSubscriber(CoreSubscriber<? super T> actual, AdaptiveBulkhead.Lease lease, boolean mono) {
            this.actual = actual;
            this.lease = lease;
            this.mono = mono;
        }

        @Override
        public Context currentContext() {
            return actual.currentContext();
        }

        @Override
        public void onSubscribe(Subscription s) {
            if (Operators.validate(upstream, s)) {
                upstream = s;
                actual.onSubscribe(this);
            }
        }

        @Override
        public void onNext(T value) {
            if (mono) {
                succeeded(); // a Mono's value is its result: sample before the subscriber acts on it
            }
            actual.onNext(value);
        }

        @Override
        public void onError(Throwable error) {
            failed(error);
            actual.onError(error);
        }

        @Override
        public void onComplete() {
            succeeded();
            actual.onComplete();
        }

        // The lease frees its slot first whatever happens; if it then throws (a user Ticker that fails), the
        // signal must still reach the subscriber, which would otherwise wait forever: the error is dropped.
        private void succeeded() {
            try {
                lease.onSuccess();
            } catch (RuntimeException e) {
                Operators.onErrorDropped(e, actual.currentContext());
            }
        }

        private void failed(Throwable error) {
            try {
                lease.onFailure(error);
            } catch (RuntimeException e) {
                Operators.onErrorDropped(e, actual.currentContext());
            }
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            lease.release();
            upstream.cancel();
        }
    }
}
