package dev.fluxgate.spring;

import dev.fluxgate.Retry;
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
 * Runs methods annotated with {@link dev.fluxgate.spring.annotation.Retry} through the named retry,
 * outermost of Fluxgate's aspects (see {@link CircuitBreakerAspect#ORDER}). Safe for concurrent use.
 */
@Aspect
public class RetryAspect implements Ordered {

    /** Outside the breaker: every attempt goes through the breaker. */
    public static final int ORDER = CircuitBreakerAspect.ORDER - 10;

    private record Plan(String name, Invocations.Kind kind, FallbackMethod fallback) {
    }

    private final Function<String, Retry> retries;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param retries gets or creates the retry of a name
     */
    public RetryAspect(Function<String, Retry> retries) {
        this.retries = Objects.requireNonNull(retries, "retries");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call with retries.
     *
     * @param pjp the intercepted call
     * @return the method's result, or the fallback's
     * @throws Throwable the last attempt's exception, when no fallback takes it
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.Retry) || @within(dev.fluxgate.spring.annotation.Retry)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Invocations.Target t = Invocations.Target.of(pjp);
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        Retry retry = retries.apply(plan.name());
        Object target = pjp.getTarget();
        Object[] args = pjp.getArgs();
        return switch (plan.kind()) {
            case SYNC -> {
                try {
                    yield retry.call(() -> Invocations.proceed(pjp));
                } catch (Throwable e) {
                    yield Invocations.fallback(plan.fallback(), target, args, e);
                }
            }
            case COMPLETION_STAGE -> Invocations.fallback(retry.callAsync(() -> Invocations.stage(pjp)),
                    plan.fallback(), target, args);
            case MONO -> ReactorSupport.monoFallback(
                    FluxgateReactor.retry(ReactorSupport.mono(Invocations.startReactive(pjp)), retry),
                    plan.fallback(), target, args);
            case FLUX -> throw new IllegalStateException("unreachable");
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.Retry.class);
        if (annotation == null) {
            return null;
        }
        Invocations.Kind kind = Invocations.kindOf(t.method(), "Retry");
        Invocations.requireOperators(kind, kind == Invocations.Kind.FLUX, "Retry", t.method());
        FallbackMethod fallback = FallbackMethod.resolve(t.method(), t.targetClass(), annotation.fallbackMethod(),
                "Retry");
        // A @CircuitBreaker fallback on the same method answers here, after the retries (see CircuitBreakerAspect).
        var breaker = Invocations.find(t, dev.fluxgate.spring.annotation.CircuitBreaker.class);
        if (breaker != null) {
            fallback = fallback.orElse(FallbackMethod.resolve(t.method(), t.targetClass(), breaker.fallbackMethod(),
                    "CircuitBreaker"));
        }
        return new Plan(annotation.name(), kind, fallback);
    }
}
