package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Runs methods annotated with {@link dev.fluxgate.spring.annotation.CircuitBreaker} (or declared in
 * an annotated class) through the named breaker, answering with the fallback method when one fits.
 *
 * <p>What is worked out per method (the breaker name, how the return type is run, the fallback
 * overloads) is worked out once and cached. The breaker is looked up by name on each call, so a
 * breaker removed from the registry is re-created rather than used stale.
 *
 * <p>Thread safety: safe for concurrent use; no lock is held while the method or its fallback runs.
 */
@Aspect
public class CircuitBreakerAspect implements Ordered {

    /**
     * This aspect's order: inside a retry (each attempt goes through the breaker and a rejection can
     * be retried later) and outside a bulkhead or timeout (whose rejections and timeouts count as
     * the dependency's failures).
     */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 30;

    private static final boolean REACTOR = ClassUtils.isPresent("reactor.core.publisher.Mono",
            CircuitBreakerAspect.class.getClassLoader());

    private enum Kind { SYNC, COMPLETION_STAGE, MONO, FLUX }

    private record Plan(String name, Kind kind, Fallback fallback) {
    }

    private final Function<String, CircuitBreaker> breakers;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param breakers gets or creates the breaker of a name, e.g. {@code registry::get}
     */
    public CircuitBreakerAspect(Function<String, CircuitBreaker> breakers) {
        this.breakers = Objects.requireNonNull(breakers, "breakers");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call through its breaker.
     *
     * @param pjp the intercepted call
     * @return the method's result, or the fallback's
     * @throws Throwable the method's exception, when no fallback takes it
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.CircuitBreaker) "
            + "|| @within(dev.fluxgate.spring.annotation.CircuitBreaker)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Method method = ((MethodSignature) pjp.getSignature()).getMethod();
        Object target = pjp.getTarget();
        Class<?> targetClass = target != null ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
        Plan plan = plans.computeIfAbsent(new MethodClassKey(method, targetClass), k -> plan(method, targetClass));
        if (plan == null) {
            return pjp.proceed();
        }
        CircuitBreaker cb = breakers.apply(plan.name());
        Object[] args = pjp.getArgs();
        return switch (plan.kind()) {
            case SYNC -> sync(cb, plan.fallback(), pjp, target, args);
            case COMPLETION_STAGE -> async(cb, plan.fallback(), pjp, target, args);
            case MONO -> ReactorSupport.mono(cb, startReactive(pjp), plan.fallback(), target, args);
            case FLUX -> ReactorSupport.flux(cb, startReactive(pjp), plan.fallback(), target, args);
        };
    }

    private static Plan plan(Method method, Class<?> targetClass) {
        Method specific = AopUtils.getMostSpecificMethod(method, targetClass);
        var annotation = AnnotatedElementUtils.findMergedAnnotation(specific,
                dev.fluxgate.spring.annotation.CircuitBreaker.class);
        if (annotation == null) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(targetClass,
                    dev.fluxgate.spring.annotation.CircuitBreaker.class);
        }
        if (annotation == null) {
            return null;
        }
        Class<?> type = specific.getReturnType();
        Kind kind;
        if (REACTOR && ReactorSupport.isMono(type)) {
            kind = Kind.MONO;
        } else if (REACTOR && ReactorSupport.isFlux(type)) {
            kind = Kind.FLUX;
        } else if (CompletionStage.class.isAssignableFrom(type)) {
            if (!type.isAssignableFrom(CompletableFuture.class)) {
                throw new IllegalStateException("@CircuitBreaker on " + specific + ": an async method must return "
                        + "CompletionStage or CompletableFuture, not " + type.getName());
            }
            kind = Kind.COMPLETION_STAGE;
        } else {
            kind = Kind.SYNC;
        }
        return new Plan(annotation.name(), kind, Fallback.resolve(specific, targetClass, annotation.fallbackMethod()));
    }

    private static Object sync(CircuitBreaker cb, Fallback fallback, ProceedingJoinPoint pjp, Object target,
            Object[] args) throws Throwable {
        try {
            return cb.call(() -> proceed(pjp));
        } catch (Throwable t) {
            if (!fallback.present()) {
                throw t;
            }
            return fallback.handle(target, args, t);
        }
    }

    /** Proceeds, passing a bare {@link Throwable} (neither Exception nor Error) through {@code Callable}. */
    private static Object proceed(ProceedingJoinPoint pjp) throws Exception {
        try {
            return pjp.proceed();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object async(CircuitBreaker cb, Fallback fallback, ProceedingJoinPoint pjp, Object target,
            Object[] args) {
        CompletableFuture<Object> call = cb.callAsync(() -> {
            try {
                Object stage = pjp.proceed();
                return stage == null ? CompletableFuture.completedFuture(null) : (CompletionStage<Object>) stage;
            } catch (Throwable t) {
                // A method that throws instead of returning a failed stage is still one failed call.
                return CompletableFuture.failedFuture(t);
            }
        });
        if (!fallback.present()) {
            return call;
        }
        CompletableFuture<Object> answer = call.exceptionallyCompose(e -> {
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            Method m = fallback.find(cause);
            if (m == null) {
                return CompletableFuture.failedFuture(cause);
            }
            try {
                Object stage = Fallback.invoke(m, target, args, cause);
                return stage == null ? CompletableFuture.completedFuture(null) : (CompletionStage<Object>) stage;
            } catch (Throwable t) {
                return CompletableFuture.failedFuture(t);
            }
        });
        // Cancelling what the caller holds must still cancel the call (and free a half-open slot).
        answer.whenComplete((v, e) -> {
            if (e instanceof CancellationException) {
                call.cancel(true);
            }
        });
        return answer;
    }

    /** Calls a reactive method now; a synchronous throw becomes an error signal of the publisher. */
    private static Object startReactive(ProceedingJoinPoint pjp) {
        try {
            return pjp.proceed();
        } catch (Throwable t) {
            return new ThrowingSource(t);
        }
    }

    /** Marks a reactive method that threw instead of returning a publisher. */
    record ThrowingSource(Throwable error) {
    }
}
