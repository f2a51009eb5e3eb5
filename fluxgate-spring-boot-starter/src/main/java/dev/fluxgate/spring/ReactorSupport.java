package dev.fluxgate.spring;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs {@code Mono} and {@code Flux} through a breaker. Loaded only when Reactor is on the class path.
 * With {@code fluxgate-reactor} present it uses its {@code CircuitBreakerOperator}; without, the same
 * rules on the core's low-level permit API.
 *
 * <p>A permit is asked for at each subscription (so {@code retry()} asks again); a Mono is settled
 * with its value (so {@code failureOnResult} sees it), a Flux with a success on completion; an error
 * goes to the tracker; a cancellation before the outcome gives the permit back unrecorded.
 */
final class ReactorSupport {
    private ReactorSupport() {
    }

    static boolean isMono(Class<?> type) {
        return type == Mono.class;
    }

    static boolean isFlux(Class<?> type) {
        return type == Flux.class;
    }

    static Object mono(CircuitBreaker cb, Object source, FallbackMethod fallback, Object target, Object[] args) {
        Mono<Object> mono = mono(source);
        Mono<Object> guarded = Invocations.OPERATORS ? mono.transformDeferred(FluxgateReactor.breaker(cb))
                : guard(cb, mono);
        return monoFallback(guarded, fallback, target, args);
    }

    static Object flux(CircuitBreaker cb, Object source, FallbackMethod fallback, Object target, Object[] args) {
        Flux<Object> flux = flux(source);
        Flux<Object> guarded = Invocations.OPERATORS ? flux.transformDeferred(FluxgateReactor.breaker(cb))
                : guard(cb, flux);
        return fluxFallback(guarded, fallback, target, args);
    }

    /** The low-level path for a Mono: a permit per subscription, settled once. */
    static <T> Mono<T> guard(CircuitBreaker cb, Mono<T> mono) {
        return Mono.defer(() -> {
            Outcome o = Outcome.acquire(cb);
            if (o.rejection != null) {
                return Mono.error(o.rejection);
            }
            return mono.doOnSuccess(v -> {
                if (v == null) {
                    o.success();
                } else {
                    o.result(v);
                }
            }).doOnError(o::error).doOnCancel(o::release);
        });
    }

    /** The low-level path for a Flux: a permit per subscription, settled once. */
    static <T> Flux<T> guard(CircuitBreaker cb, Flux<T> flux) {
        return Flux.defer(() -> {
            Outcome o = Outcome.acquire(cb);
            if (o.rejection != null) {
                return Flux.error(o.rejection);
            }
            return flux.doOnComplete(o::success).doOnError(o::error).doOnCancel(o::release);
        });
    }

    /** The Mono returned by an intercepted method (or its synchronous throw, as an error). */
    @SuppressWarnings("unchecked")
    static Mono<Object> mono(Object source) {
        return source == null ? Mono.empty()
                : source instanceof Invocations.ThrowingSource t ? Mono.error(t.error()) : (Mono<Object>) source;
    }

    /** The Flux returned by an intercepted method (or its synchronous throw, as an error). */
    @SuppressWarnings("unchecked")
    static Flux<Object> flux(Object source) {
        return source == null ? Flux.empty()
                : source instanceof Invocations.ThrowingSource t ? Flux.error(t.error()) : (Flux<Object>) source;
    }

    /** Resumes with the fallback when {@code mono} fails with an exception it takes. */
    @SuppressWarnings("unchecked")
    static Mono<Object> monoFallback(Mono<Object> mono, FallbackMethod fallback, Object target, Object[] args) {
        if (!fallback.present()) {
            return mono;
        }
        return mono.onErrorResume(e -> {
            Method m = fallback.find(e);
            if (m == null) {
                return Mono.error(e);
            }
            try {
                Object r = FallbackMethod.invoke(m, target, args, e);
                return r == null ? Mono.empty() : (Mono<Object>) r;
            } catch (Throwable t) {
                return Mono.error(t);
            }
        });
    }

    /** Resumes with the fallback when {@code flux} fails with an exception it takes. */
    @SuppressWarnings("unchecked")
    static Flux<Object> fluxFallback(Flux<Object> flux, FallbackMethod fallback, Object target, Object[] args) {
        if (!fallback.present()) {
            return flux;
        }
        return flux.onErrorResume(e -> {
            Method m = fallback.find(e);
            if (m == null) {
                return Flux.error(e);
            }
            try {
                Object r = FallbackMethod.invoke(m, target, args, e);
                return r == null ? Flux.empty() : (Flux<Object>) r;
            } catch (Throwable t) {
                return Flux.error(t);
            }
        });
    }

    /** One subscription's permit, settled exactly once (the flag guards against racing signals). */
    private static final class Outcome extends AtomicBoolean {
        private static final long serialVersionUID = 1L;

        final transient CircuitBreaker cb;
        final long permit;
        final long start;
        final @Nullable CallNotPermittedException rejection;

        private Outcome(CircuitBreaker cb, long permit, @Nullable CallNotPermittedException rejection) {
            this.cb = cb;
            this.permit = permit;
            this.rejection = rejection;
            this.start = rejection == null && cb.isTimed() ? cb.ticker().read() : 0L;
        }

        static Outcome acquire(CircuitBreaker cb) {
            try {
                return new Outcome(cb, cb.acquirePermission(), null);
            } catch (CallNotPermittedException e) {
                return new Outcome(cb, CircuitBreaker.NO_PERMISSION, e);
            }
        }

        private long elapsed() {
            return cb.isTimed() ? cb.ticker().read() - start : 0L;
        }

        void success() {
            if (compareAndSet(false, true)) {
                cb.recordSuccess(permit, elapsed());
            }
        }

        void result(Object value) {
            if (compareAndSet(false, true)) {
                cb.recordResult(permit, elapsed(), value);
            }
        }

        void error(Throwable error) {
            if (compareAndSet(false, true)) {
                cb.recordError(permit, elapsed(), error);
            }
        }

        void release() {
            if (compareAndSet(false, true)) {
                cb.releasePermission(permit);
            }
        }
    }
}
