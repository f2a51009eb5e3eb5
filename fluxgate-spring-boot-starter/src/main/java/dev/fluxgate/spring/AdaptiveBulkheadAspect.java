package dev.fluxgate.spring;

import dev.fluxgate.AdaptiveBulkhead;
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
 * Runs methods annotated with {@link dev.fluxgate.spring.annotation.AdaptiveBulkhead} through the named
 * adaptive bulkhead, inside the breaker and the fixed bulkhead, outside the timeout (so that a timeout is
 * seen as a drop and lowers the limit). A full bulkhead is the library's own decision, not a failure of the
 * dependency: the breaker outside does not count it. Safe for concurrent use.
 */
@Aspect
public class AdaptiveBulkheadAspect implements Ordered {

    /** Inside the breaker and the fixed bulkhead, outside the timeout. */
    public static final int ORDER = CircuitBreakerAspect.ORDER + 15;

    private record Plan(String name, Invocations.Kind kind) {
    }

    private final Function<String, AdaptiveBulkhead> bulkheads;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param bulkheads gets or creates the adaptive bulkhead of a name
     */
    public AdaptiveBulkheadAspect(Function<String, AdaptiveBulkhead> bulkheads) {
        this.bulkheads = Objects.requireNonNull(bulkheads, "bulkheads");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call in the adaptive bulkhead.
     *
     * @param pjp the intercepted call
     * @return the method's result
     * @throws Throwable the method's exception, or {@link dev.fluxgate.BulkheadFullException}
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.AdaptiveBulkhead) "
            + "|| @within(dev.fluxgate.spring.annotation.AdaptiveBulkhead)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Invocations.Target t = Invocations.Target.of(pjp);
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        AdaptiveBulkhead bulkhead = bulkheads.apply(plan.name());
        return switch (plan.kind()) {
            case SYNC -> bulkhead.call(() -> Invocations.proceed(pjp));
            case COMPLETION_STAGE -> bulkhead.callAsync(() -> Invocations.stage(pjp));
            case MONO -> FluxgateReactor.adaptiveBulkhead(ReactorSupport.mono(Invocations.startReactive(pjp)), bulkhead);
            case FLUX -> FluxgateReactor.adaptiveBulkhead(ReactorSupport.flux(Invocations.startReactive(pjp)), bulkhead);
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.AdaptiveBulkhead.class);
        if (annotation == null) {
            return null;
        }
        Invocations.Kind kind = Invocations.kindOf(t.method(), "AdaptiveBulkhead");
        Invocations.requireOperators(kind, false, "AdaptiveBulkhead", t.method());
        return new Plan(annotation.name(), kind);
    }
}
