package dev.fluxgate.spring;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicBoolean;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Runs {@code Mono} and {@code Flux} through a breaker with the core's low-level permit API. Loaded
 * only when Reactor is on the class path.
 *
 * <p>A permit is asked for at each subscription (so {@code retry()} asks again); a Mono is settled
 * with its value (so {@code failureOnResult} sees it), a Flux with a success on completion; an error
 * goes to the tracker; a cancellation before any element gives the permit back unrecorded, and one
 * after an element counts as a success (the subscriber took what it wanted).
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

    @SuppressWarnings("unchecked")
    static Object mono(CircuitBreaker cb, Object source, Fallback fallback, Object target, Object[] args) {
        Mono<Object> mono = source == null ? Mono.empty()
                : source instanceof CircuitBreakerAspect.ThrowingSource t ? Mono.error(t.error()) : (Mono<Object>) source;
        Mono<Object> guarded = Mono.defer(() -> {
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
        if (!fallback.present()) {
            return guarded;
        }
        return guarded.onErrorResume(e -> {
            Method m = fallback.find(e);
            if (m == null) {
                return Mono.error(e);
            }
            try {
                Object r = Fallback.invoke(m, target, args, e);
                return r == null ? Mono.empty() : (Mono<Object>) r;
            } catch (Throwable t) {
                return Mono.error(t);
            }
        });
    }

    @SuppressWarnings("unchecked")
    static Object flux(CircuitBreaker cb, Object source, Fallback fallback, Object target, Object[] args) {
        Flux<Object> flux = source == null ? Flux.empty()
                : source instanceof CircuitBreakerAspect.ThrowingSource t ? Flux.error(t.error()) : (Flux<Object>) source;
        Flux<Object> guarded = Flux.defer(() -> {
            Outcome o = Outcome.acquire(cb);
            if (o.rejection != null) {
                return Flux.error(o.rejection);
            }
            return flux.doOnNext(v -> o.emitted = true)
                    .doOnComplete(o::success)
                    .doOnError(o::error)
                    .doOnCancel(() -> {
                        if (o.emitted) {
                            o.success();
                        } else {
                            o.release();
                        }
                    });
        });
        if (!fallback.present()) {
            return guarded;
        }
        return guarded.onErrorResume(e -> {
            Method m = fallback.find(e);
            if (m == null) {
                return Flux.error(e);
            }
            try {
                Object r = Fallback.invoke(m, target, args, e);
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
        final CallNotPermittedException rejection;
        volatile boolean emitted;

        private Outcome(CircuitBreaker cb, long permit, CallNotPermittedException rejection) {
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
