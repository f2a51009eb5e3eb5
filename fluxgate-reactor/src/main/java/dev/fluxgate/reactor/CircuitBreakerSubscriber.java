package dev.fluxgate.reactor;

import dev.fluxgate.CircuitBreaker;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * Holds one permit between subscription and outcome, and settles it exactly once: the first of the
 * judging signal ({@code onNext} for a Mono, {@code onError}, {@code onComplete}) and {@code cancel}
 * wins a compare-and-set; the loser settles nothing.
 */
final class CircuitBreakerSubscriber<T> implements CoreSubscriber<T>, Subscription {

    private static final AtomicIntegerFieldUpdater<CircuitBreakerSubscriber<?>> SETTLED = settledUpdater();

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicIntegerFieldUpdater<CircuitBreakerSubscriber<?>> settledUpdater() {
        return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(CircuitBreakerSubscriber.class, "settled");
    }

    private final CoreSubscriber<? super T> actual;
    private final CircuitBreaker breaker;
    private final long permit;
    private final boolean judgeFirstValue;
    private final boolean timed;
    private final long start;
    @SuppressWarnings("NullAway.Init") // set in onSubscribe, which Reactive Streams calls before anything else
    private Subscription upstream;
    private volatile int settled;

    CircuitBreakerSubscriber(CoreSubscriber<? super T> actual, CircuitBreaker breaker, long permit,
            boolean judgeFirstValue) {
        this.actual = actual;
        this.breaker = breaker;
        this.permit = permit;
        this.judgeFirstValue = judgeFirstValue;
        this.timed = breaker.isTimed();
        this.start = timed ? breaker.ticker().read() : 0L;
    }

    private boolean settle() {
        return settled == 0 && SETTLED.compareAndSet(this, 0, 1);
    }

    private long elapsed() {
        return timed ? breaker.ticker().read() - start : 0L;
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
        // Record before passing the value on, so that the duration excludes the downstream's work.
        if (judgeFirstValue && settle()) {
            breaker.recordResult(permit, elapsed(), value);
        }
        actual.onNext(value);
    }

    @Override
    public void onError(Throwable error) {
        if (settle()) {
            breaker.recordError(permit, elapsed(), error);
        }
        actual.onError(error);
    }

    @Override
    public void onComplete() {
        if (settle()) {
            breaker.recordSuccess(permit, elapsed());
        }
        actual.onComplete();
    }

    @Override
    public void request(long n) {
        upstream.request(n);
    }

    @Override
    public void cancel() {
        if (settle()) {
            breaker.releasePermission(permit);
        }
        upstream.cancel();
    }
}
