package dev.fluxgate.spring;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/** What the aspects share: finding the annotation, sorting return types, proceeding, async fallbacks. */
final class Invocations {
    private Invocations() {
    }

    static final boolean REACTOR = ClassUtils.isPresent("reactor.core.publisher.Mono",
            Invocations.class.getClassLoader());

    /** Whether fluxgate-reactor's operators are on the class path. */
    static final boolean OPERATORS = REACTOR && ClassUtils.isPresent("dev.fluxgate.reactor.CircuitBreakerOperator",
            Invocations.class.getClassLoader());

    /**
     * Checks at the first call that a reactive method can be run by {@code annotation}.
     *
     * @throws InvalidAnnotationException naming the method when it cannot
     */
    static void requireOperators(Kind kind, boolean unsupported, String annotation,
            java.lang.reflect.Method method) {
        if (kind != Kind.MONO && kind != Kind.FLUX) {
            return;
        }
        if (unsupported) {
            throw new InvalidAnnotationException(annotation, method, null, "a Flux is not supported",
                    "Use @" + annotation + " on a method returning Mono, or Reactor's own operator on the Flux.");
        }
        if (!OPERATORS) {
            throw new InvalidAnnotationException(annotation, method, null, "the method returns a Reactor type, "
                    + "which needs fluxgate-reactor", "Add dev.fluxgate:fluxgate-reactor to the class path.");
        }
    }

    /** How a method's return type is run. */
    enum Kind { SYNC, COMPLETION_STAGE, MONO, FLUX }

    /** The intercepted method, as declared on the target class, and that class. */
    record Target(Method method, Class<?> targetClass) {
        static Target of(ProceedingJoinPoint pjp) {
            Method method = ((MethodSignature) pjp.getSignature()).getMethod();
            Object target = pjp.getTarget();
            Class<?> targetClass = target != null ? AopUtils.getTargetClass(target) : method.getDeclaringClass();
            return new Target(AopUtils.getMostSpecificMethod(method, targetClass), targetClass);
        }
    }

    /** The annotation on the method, else on its class; null when neither has it. */
    static <A extends Annotation> @Nullable A find(Target t, Class<A> type) {
        A a = AnnotatedElementUtils.findMergedAnnotation(t.method(), type);
        return a != null ? a : AnnotatedElementUtils.findMergedAnnotation(t.targetClass(), type);
    }

    static Kind kindOf(Method method, String annotation) {
        Class<?> type = method.getReturnType();
        if (REACTOR && ReactorSupport.isMono(type)) {
            return Kind.MONO;
        }
        if (REACTOR && ReactorSupport.isFlux(type)) {
            return Kind.FLUX;
        }
        if (CompletionStage.class.isAssignableFrom(type)) {
            if (!type.isAssignableFrom(CompletableFuture.class)) {
                throw new InvalidAnnotationException(annotation, method, null, "an async method must return "
                        + "CompletionStage or CompletableFuture, not " + type.getName(),
                        "Declare the method's return type as CompletionStage or CompletableFuture.");
            }
            return Kind.COMPLETION_STAGE;
        }
        return Kind.SYNC;
    }

    /** Proceeds, passing a bare {@link Throwable} (neither Exception nor Error) through {@code Callable}. */
    static Object proceed(ProceedingJoinPoint pjp) throws Exception {
        try {
            return pjp.proceed();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UndeclaredThrowableException(t);
        }
    }

    /** Proceeds with an async method; a synchronous throw becomes a failed stage (one failed call). */
    @SuppressWarnings("unchecked")
    static CompletionStage<Object> stage(ProceedingJoinPoint pjp) {
        try {
            Object stage = pjp.proceed();
            return stage == null ? CompletableFuture.completedFuture(null) : (CompletionStage<Object>) stage;
        } catch (Throwable t) {
            return CompletableFuture.failedFuture(t);
        }
    }

    /** Calls a reactive method now; a synchronous throw becomes an error signal of the publisher. */
    static Object startReactive(ProceedingJoinPoint pjp) {
        try {
            return pjp.proceed();
        } catch (Throwable t) {
            return new ThrowingSource(t);
        }
    }

    /** Marks a reactive method that threw instead of returning a publisher. */
    record ThrowingSource(Throwable error) {
    }

    /** The sync path's fallback: answers with it, or rethrows {@code error}. */
    static Object fallback(FallbackMethod fallback, Object target, Object[] args, Throwable error) throws Throwable {
        if (!fallback.present()) {
            throw error;
        }
        return fallback.handle(target, args, error);
    }

    /** Completes with the fallback when {@code call} fails with an exception it takes. */
    @SuppressWarnings("unchecked")
    static CompletableFuture<Object> fallback(CompletableFuture<Object> call, FallbackMethod fallback, Object target,
            Object[] args) {
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
                Object stage = FallbackMethod.invoke(m, target, args, cause);
                return stage == null ? CompletableFuture.completedFuture(null) : (CompletionStage<Object>) stage;
            } catch (Throwable t) {
                return CompletableFuture.failedFuture(t);
            }
        });
        // Cancelling what the caller holds must still cancel the call (and free what it holds).
        answer.whenComplete((v, e) -> {
            if (e instanceof CancellationException) {
                call.cancel(true);
            }
        });
        return answer;
    }
}
