package dev.fluxgate.spring;

import dev.fluxgate.Hedge;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.core.MethodClassKey;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;

/**
 * Runs methods annotated with {@link dev.fluxgate.spring.annotation.Hedge} through the named hedge,
 * inside a retry and outside the breaker (each hedged attempt goes through the breaker on its own). Safe
 * for concurrent use.
 */
@Aspect
public class HedgeAspect implements Ordered {

    /** Inside the retry, outside the breaker: each attempt takes its own breaker permit. */
    public static final int ORDER = CircuitBreakerAspect.ORDER - 5;

    private record Plan(String name, Invocations.Kind kind, FallbackMethod fallback) {
    }

    private final Function<String, Hedge> hedges;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param hedges gets or creates the hedge of a name
     */
    public HedgeAspect(Function<String, Hedge> hedges) {
        this.hedges = Objects.requireNonNull(hedges, "hedges");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call as hedged attempts.
     *
     * @param pjp the intercepted call
     * @return the first successful attempt's result, or the breaker's fallback's
     * @throws Throwable the last attempt's exception, when every attempt failed and no fallback takes it
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.Hedge) || @within(dev.fluxgate.spring.annotation.Hedge)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Invocations.Target t = Invocations.Target.of(pjp);
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        Hedge hedge = hedges.apply(plan.name());
        Object target = pjp.getTarget();
        Object[] args = pjp.getArgs();
        return switch (plan.kind()) {
            case SYNC -> {
                try {
                    yield hedge.call(() -> Invocations.proceed(pjp));
                } catch (Throwable e) {
                    yield Invocations.fallback(plan.fallback(), target, args, e);
                }
            }
            case COMPLETION_STAGE -> Invocations.fallback(hedge.callAsync(() -> Invocations.stage(pjp)),
                    plan.fallback(), target, args);
            case MONO -> ReactorSupport.monoFallback(
                    FluxgateReactor.hedge(ReactorSupport.mono(Invocations.startReactive(pjp)), hedge),
                    plan.fallback(), target, args);
            case FLUX -> throw new IllegalStateException("unreachable");
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.Hedge.class);
        if (annotation == null) {
            return null;
        }
        Invocations.Kind kind = Invocations.kindOf(t.method(), "Hedge");
        Invocations.requireOperators(kind, kind == Invocations.Kind.FLUX, "Hedge", t.method());
        // A @CircuitBreaker fallback answers here, once every attempt failed, unless a @Retry outside takes it.
        FallbackMethod fallback = FallbackMethod.NONE;
        var breaker = Invocations.find(t, dev.fluxgate.spring.annotation.CircuitBreaker.class);
        if (breaker != null && Invocations.find(t, dev.fluxgate.spring.annotation.Retry.class) == null) {
            fallback = FallbackMethod.resolve(t.method(), t.targetClass(), breaker.fallbackMethod(), "CircuitBreaker");
        }
        return new Plan(annotation.name(), kind, fallback);
    }
}
