package dev.fluxgate.reactor;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.BulkheadFullException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.UnaryOperator;
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
 * Runs each subscription of a {@link Mono} or {@link Flux} in a {@link Bulkhead} slot.
 *
 * <pre>{@code
 * Mono<Receipt> receipt = payments.charge(order).transformDeferred(BulkheadOperator.of(bulkhead));
 * }</pre>
 *
 * <p>The slot is taken at subscription without waiting (a reactive pipeline must not block): when
 * none is free the subscriber gets {@code onError(}{@link BulkheadFullException}{@code )} and the
 * source is never subscribed. The slot is held until the source terminates or the subscription is
 * cancelled, and given back exactly once.
 *
 * <p>Immutable and safe to share.
 *
 * @param <T> the element type
 */
public final class BulkheadOperator<T> implements UnaryOperator<Publisher<T>> {

    private final Bulkhead bulkhead;

    private BulkheadOperator(Bulkhead bulkhead) {
        this.bulkhead = bulkhead;
    }

    /**
     * An operator for {@code transformDeferred} that runs each subscription in a slot of {@code bulkhead}.
     *
     * @param <T> the element type
     * @param bulkhead the bulkhead
     * @return an operator for {@code Mono} and {@code Flux}
     */
    public static <T> BulkheadOperator<T> of(Bulkhead bulkhead) {
        return new BulkheadOperator<>(Objects.requireNonNull(bulkhead, "bulkhead"));
    }

    /** Decorates {@code publisher}: a {@link Mono} stays a {@code Mono}; any other publisher becomes a {@link Flux}. */
    @Override
    public Publisher<T> apply(Publisher<T> publisher) {
        Objects.requireNonNull(publisher, "publisher");
        if (publisher instanceof Mono<T> mono) {
            return new MonoBulkhead<>(mono, bulkhead);
        }
        return new FluxBulkhead<>(Flux.from(publisher), bulkhead);
    }

    @Override
    public String toString() {
        return "BulkheadOperator[" + bulkhead.name() + "]";
    }

    private static boolean enter(Bulkhead bulkhead, CoreSubscriber<?> actual) {
        if (bulkhead.tryAcquirePermission()) {
            return true;
        }
        Operators.error(actual, new BulkheadFullException(bulkhead.name(), "Bulkhead '" + bulkhead.name()
                + "' is full (" + bulkhead.maxConcurrentCalls() + " concurrent calls)"));
        return false;
    }

    private static final class MonoBulkhead<T> extends MonoOperator<T, T> {
        private final Bulkhead bulkhead;

        MonoBulkhead(Mono<? extends T> source, Bulkhead bulkhead) {
            super(source);
            this.bulkhead = bulkhead;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            if (enter(bulkhead, actual)) {
                source.subscribe(new SlotSubscriber<>(actual, bulkhead));
            }
        }
    }

    private static final class FluxBulkhead<T> extends FluxOperator<T, T> {
        private final Bulkhead bulkhead;

        FluxBulkhead(Flux<? extends T> source, Bulkhead bulkhead) {
            super(source);
            this.bulkhead = bulkhead;
        }

        @Override
        public void subscribe(CoreSubscriber<? super T> actual) {
            if (enter(bulkhead, actual)) {
                source.subscribe(new SlotSubscriber<>(actual, bulkhead));
            }
        }
    }

    /** Holds one slot and gives it back once: at the first of onError, onComplete and cancel. */
    private static final class SlotSubscriber<T> implements CoreSubscriber<T>, Subscription {
        @SuppressWarnings("rawtypes")
        private static final AtomicIntegerFieldUpdater<SlotSubscriber> RELEASED =
                AtomicIntegerFieldUpdater.newUpdater(SlotSubscriber.class, "released");

        private final CoreSubscriber<? super T> actual;
        private final Bulkhead bulkhead;
        @SuppressWarnings("NullAway.Init") // set in onSubscribe, which Reactive Streams calls before anything else
        private Subscription upstream;
        @SuppressWarnings("unused") // read and written through RELEASED
        private volatile int released;

        SlotSubscriber(CoreSubscriber<? super T> actual, Bulkhead bulkhead) {
            this.actual = actual;
            this.bulkhead = bulkhead;
        }

        private void release() {
            if (RELEASED.compareAndSet(this, 0, 1)) {
                bulkhead.releasePermission();
            }
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
            actual.onNext(value);
        }

        @Override
        public void onError(Throwable error) {
            release();
            actual.onError(error);
        }

        @Override
        public void onComplete() {
            release();
            actual.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            release();
            upstream.cancel();
        }
    }
}
