package dev.fluxgate.spring;

import dev.fluxgate.Chaos;
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
 * Injects faults into methods annotated with {@link dev.fluxgate.spring.annotation.Chaos}, innermost of
 * Fluxgate's aspects (inside the timeout), so every policy outside sees an injected fault as the method's
 * own. Registered only while {@code fluxgate.chaos.enabled=true}. Safe for concurrent use.
 */
@Aspect
public class ChaosAspect implements Ordered {

    /** Innermost: inside the timeout, next to the method. */
    public static final int ORDER = TimeoutAspect.ORDER + 10;

    private record Plan(String name, Invocations.Kind kind) {
    }

    private final Function<String, Chaos> injectors;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param injectors gets or creates the fault injector of a name
     */
    public ChaosAspect(Function<String, Chaos> injectors) {
        this.injectors = Objects.requireNonNull(injectors, "injectors");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call through its fault injector.
     *
     * @param pjp the intercepted call
     * @return the method's result, or a substitute
     * @throws Throwable the method's exception, or an injected one
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.Chaos) || @within(dev.fluxgate.spring.annotation.Chaos)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Invocations.Target t = Invocations.Target.of(pjp);
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        Chaos chaos = injectors.apply(plan.name());
        return switch (plan.kind()) {
            case SYNC -> chaos.call(() -> Invocations.proceed(pjp));
            case COMPLETION_STAGE -> chaos.callAsync(() -> Invocations.stage(pjp));
            case MONO -> FluxgateReactor.chaos(ReactorSupport.mono(Invocations.startReactive(pjp)), chaos);
            case FLUX -> FluxgateReactor.chaos(ReactorSupport.flux(Invocations.startReactive(pjp)), chaos);
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.Chaos.class);
        if (annotation == null) {
            return null;
        }
        Invocations.Kind kind = Invocations.kindOf(t.method(), "Chaos");
        Invocations.requireOperators(kind, false, "Chaos", t.method());
        return new Plan(annotation.name(), kind);
    }
}
