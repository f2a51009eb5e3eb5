package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodClassKey;
import org.springframework.core.Ordered;

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
     * be retried later) and outside a bulkhead or timeout (a timeout counts as the dependency's
     * failure; a full bulkhead is a local decision the breaker does not count).
     */
    public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 30;

    private record Plan(String name, Invocations.Kind kind, FallbackMethod fallback) {
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
        Invocations.Target t = Invocations.Target.of(pjp);
        Object target = pjp.getTarget();
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        CircuitBreaker cb = breakers.apply(plan.name());
        Object[] args = pjp.getArgs();
        return switch (plan.kind()) {
            case SYNC -> sync(cb, plan.fallback(), pjp, target, args);
            case COMPLETION_STAGE -> Invocations.fallback(cb.callAsync(() -> Invocations.stage(pjp)), plan.fallback(),
                    target, args);
            case MONO -> ReactorSupport.mono(cb, Invocations.startReactive(pjp), plan.fallback(), target, args);
            case FLUX -> ReactorSupport.flux(cb, Invocations.startReactive(pjp), plan.fallback(), target, args);
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.CircuitBreaker.class);
        if (annotation == null) {
            return null;
        }
        FallbackMethod fallback = FallbackMethod.resolve(t.method(), t.targetClass(), annotation.fallbackMethod(),
                "CircuitBreaker");
        // With @Retry (or @Hedge) on the same method the fallback answers there, once the attempts are
        // spent: answering here would hide every failure from the retry (or win the hedge's race).
        boolean retried = Invocations.find(t, dev.fluxgate.spring.annotation.Retry.class) != null
                || Invocations.find(t, dev.fluxgate.spring.annotation.Hedge.class) != null;
        return new Plan(annotation.name(), Invocations.kindOf(t.method(), "CircuitBreaker"),
                retried ? FallbackMethod.NONE : fallback);
    }

    private static Object sync(CircuitBreaker cb, FallbackMethod fallback, ProceedingJoinPoint pjp, Object target,
            Object[] args) throws Throwable {
        try {
            return cb.call(() -> Invocations.proceed(pjp));
        } catch (Throwable t) {
            return Invocations.fallback(fallback, target, args, t);
        }
    }
}
