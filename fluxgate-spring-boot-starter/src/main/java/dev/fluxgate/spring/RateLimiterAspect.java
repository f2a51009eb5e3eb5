package dev.fluxgate.spring;

import dev.fluxgate.RateLimiter;
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
 * Runs methods annotated with {@link dev.fluxgate.spring.annotation.RateLimiter} once the named rate
 * limiter grants a permit, inside the breaker and outside the bulkhead. A refusal is the library's own
 * decision, not a failure of the dependency: the breaker outside does not count it. Safe for concurrent
 * use.
 */
@Aspect
public class RateLimiterAspect implements Ordered {

    /** Inside the breaker, outside the bulkhead and the timeout. */
    public static final int ORDER = CircuitBreakerAspect.ORDER + 5;

    private record Plan(String name, Invocations.Kind kind) {
    }

    private final Function<String, RateLimiter> limiters;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param limiters gets or creates the rate limiter of a name
     */
    public RateLimiterAspect(Function<String, RateLimiter> limiters) {
        this.limiters = Objects.requireNonNull(limiters, "limiters");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call once a permit is granted.
     *
     * @param pjp the intercepted call
     * @return the method's result
     * @throws Throwable the method's exception, or {@link dev.fluxgate.RateLimitedException}
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.RateLimiter) "
            + "|| @within(dev.fluxgate.spring.annotation.RateLimiter)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Invocations.Target t = Invocations.Target.of(pjp);
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        RateLimiter limiter = limiters.apply(plan.name());
        return switch (plan.kind()) {
            case SYNC -> limiter.call(() -> Invocations.proceed(pjp));
            case COMPLETION_STAGE -> limiter.callAsync(() -> Invocations.stage(pjp));
            case MONO -> FluxgateReactor.rateLimiter(ReactorSupport.mono(Invocations.startReactive(pjp)), limiter);
            case FLUX -> FluxgateReactor.rateLimiter(ReactorSupport.flux(Invocations.startReactive(pjp)), limiter);
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.RateLimiter.class);
        if (annotation == null) {
            return null;
        }
        Invocations.Kind kind = Invocations.kindOf(t.method(), "RateLimiter");
        Invocations.requireOperators(kind, false, "RateLimiter", t.method());
        return new Plan(annotation.name(), kind);
    }
}
