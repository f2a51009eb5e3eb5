package dev.fluxgate.spring;

import dev.fluxgate.Bulkhead;
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
 * Runs methods annotated with {@link dev.fluxgate.spring.annotation.Bulkhead} through the named
 * bulkhead, inside the breaker. A full bulkhead is the library's own decision, not a failure of the
 * dependency: the breaker outside does not count it. Safe for concurrent use.
 */
@Aspect
public class BulkheadAspect implements Ordered {

    /** Inside the breaker, outside the timeout. */
    public static final int ORDER = CircuitBreakerAspect.ORDER + 10;

    private record Plan(String name, Invocations.Kind kind) {
    }

    private final Function<String, Bulkhead> bulkheads;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param bulkheads gets or creates the bulkhead of a name
     */
    public BulkheadAspect(Function<String, Bulkhead> bulkheads) {
        this.bulkheads = Objects.requireNonNull(bulkheads, "bulkheads");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call in the bulkhead.
     *
     * @param pjp the intercepted call
     * @return the method's result
     * @throws Throwable the method's exception, or {@link dev.fluxgate.BulkheadFullException}
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.Bulkhead) "
            + "|| @within(dev.fluxgate.spring.annotation.Bulkhead)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Invocations.Target t = Invocations.Target.of(pjp);
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        Bulkhead bulkhead = bulkheads.apply(plan.name());
        return switch (plan.kind()) {
            case SYNC -> bulkhead.call(() -> Invocations.proceed(pjp));
            case COMPLETION_STAGE -> bulkhead.callAsync(() -> Invocations.stage(pjp));
            case MONO -> FluxgateReactor.bulkhead(ReactorSupport.mono(Invocations.startReactive(pjp)), bulkhead);
            case FLUX -> FluxgateReactor.bulkhead(ReactorSupport.flux(Invocations.startReactive(pjp)), bulkhead);
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.Bulkhead.class);
        if (annotation == null) {
            return null;
        }
        Invocations.Kind kind = Invocations.kindOf(t.method(), "Bulkhead");
        Invocations.requireOperators(kind, false, "Bulkhead", t.method());
        return new Plan(annotation.name(), kind);
    }
}
