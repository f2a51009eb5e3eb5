package dev.fluxgate.spring;

import dev.fluxgate.Timeout;
import dev.fluxgate.TimeoutExceededException;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.jspecify.annotations.Nullable;
import org.springframework.core.MethodClassKey;
import org.springframework.core.Ordered;

/**
 * Runs methods annotated with {@link dev.fluxgate.spring.annotation.Timeout} under the named time
 * limit, innermost of Fluxgate's aspects (a timeout counts as a failed call to the breaker and a
 * failed attempt to the retry). Safe for concurrent use.
 */
@Aspect
public class TimeoutAspect implements Ordered {

    /** Innermost: the limit applies to the method itself. */
    public static final int ORDER = CircuitBreakerAspect.ORDER + 20;

    private record Plan(String name, Invocations.Kind kind, boolean declaresTimeout) {
    }

    private final Function<String, Timeout> timeouts;
    private final ConcurrentMap<MethodClassKey, Plan> plans = new ConcurrentHashMap<>();

    /**
     * Creates the aspect.
     *
     * @param timeouts gets or creates the timeout of a name
     */
    public TimeoutAspect(Function<String, Timeout> timeouts) {
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    /**
     * Runs one annotated call under its time limit.
     *
     * @param pjp the intercepted call
     * @return the method's result
     * @throws Throwable the method's exception, or the timeout
     */
    @Around("@annotation(dev.fluxgate.spring.annotation.Timeout) || @within(dev.fluxgate.spring.annotation.Timeout)")
    public Object around(ProceedingJoinPoint pjp) throws Throwable {
        Invocations.Target t = Invocations.Target.of(pjp);
        Plan plan = plans.computeIfAbsent(new MethodClassKey(t.method(), t.targetClass()), k -> plan(t));
        if (plan == null) {
            return pjp.proceed();
        }
        Timeout timeout = timeouts.apply(plan.name());
        return switch (plan.kind()) {
            case SYNC -> {
                try {
                    yield timeout.call(() -> Invocations.proceed(pjp));
                } catch (TimeoutException e) {
                    // A checked exception the method does not declare would reach the caller wrapped.
                    throw plan.declaresTimeout() ? e : new TimeoutExceededException(e);
                }
            }
            case COMPLETION_STAGE -> timeout.callAsync(() -> Invocations.stage(pjp));
            case MONO -> FluxgateReactor.timeout(ReactorSupport.mono(Invocations.startReactive(pjp)), timeout);
            case FLUX -> throw new IllegalStateException("unreachable");
        };
    }

    private static @Nullable Plan plan(Invocations.Target t) {
        var annotation = Invocations.find(t, dev.fluxgate.spring.annotation.Timeout.class);
        if (annotation == null) {
            return null;
        }
        Invocations.Kind kind = Invocations.kindOf(t.method(), "Timeout");
        Invocations.requireOperators(kind, kind == Invocations.Kind.FLUX, "Timeout", t.method());
        boolean declares = Arrays.stream(t.method().getExceptionTypes())
                .anyMatch(type -> type.isAssignableFrom(TimeoutException.class));
        return new Plan(annotation.name(), kind, declares);
    }
}
