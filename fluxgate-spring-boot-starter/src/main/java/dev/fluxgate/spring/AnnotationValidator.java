package dev.fluxgate.spring;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Checks every annotated bean method once the singletons exist, so that a missing fallback method, a
 * fallback overload of the wrong type, an unsupported return type or a Reactor method without
 * {@code fluxgate-reactor} stops the application at startup (with a failure report naming the bean,
 * the method and the fallback) instead of failing the first call.
 */
final class AnnotationValidator implements SmartInitializingSingleton {

    private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(
            dev.fluxgate.spring.annotation.CircuitBreaker.class, dev.fluxgate.spring.annotation.Retry.class,
            dev.fluxgate.spring.annotation.Bulkhead.class, dev.fluxgate.spring.annotation.Timeout.class,
            dev.fluxgate.spring.annotation.Hedge.class,
            dev.fluxgate.spring.annotation.RateLimiter.class, dev.fluxgate.spring.annotation.AdaptiveBulkhead.class);

    private final ConfigurableListableBeanFactory beanFactory;

    AnnotationValidator(ConfigurableListableBeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public void afterSingletonsInstantiated() {
        for (String name : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(name, false);
            if (type == null) {
                continue;
            }
            Class<?> user = ClassUtils.getUserClass(type);
            if (!AnnotationUtils.isCandidateClass(user, ANNOTATIONS)) {
                continue;
            }
            ReflectionUtils.doWithMethods(user, m -> check(name, user, m), ReflectionUtils.USER_DECLARED_METHODS);
        }
    }

    private static void check(String bean, Class<?> user, Method method) {
        try {
            var cb = annotation(user, method, dev.fluxgate.spring.annotation.CircuitBreaker.class);
            if (cb != null && !isFallback(method, cb.fallbackMethod())) {
                Invocations.kindOf(method, "CircuitBreaker");
                FallbackMethod.resolve(method, user, cb.fallbackMethod(), "CircuitBreaker");
            }
            var retry = annotation(user, method, dev.fluxgate.spring.annotation.Retry.class);
            if (retry != null && !isFallback(method, retry.fallbackMethod())) {
                Invocations.Kind kind = Invocations.kindOf(method, "Retry");
                Invocations.requireOperators(kind, kind == Invocations.Kind.FLUX, "Retry", method);
                FallbackMethod.resolve(method, user, retry.fallbackMethod(), "Retry");
            }
            if (annotation(user, method, dev.fluxgate.spring.annotation.Bulkhead.class) != null) {
                Invocations.requireOperators(Invocations.kindOf(method, "Bulkhead"), false, "Bulkhead", method);
            }
            if (annotation(user, method, dev.fluxgate.spring.annotation.AdaptiveBulkhead.class) != null) {
                Invocations.requireOperators(Invocations.kindOf(method, "AdaptiveBulkhead"), false, "AdaptiveBulkhead",
                        method);
            }
            if (annotation(user, method, dev.fluxgate.spring.annotation.RateLimiter.class) != null) {
                Invocations.requireOperators(Invocations.kindOf(method, "RateLimiter"), false, "RateLimiter", method);
            }
            if (annotation(user, method, dev.fluxgate.spring.annotation.Timeout.class) != null) {
                Invocations.Kind kind = Invocations.kindOf(method, "Timeout");
                Invocations.requireOperators(kind, kind == Invocations.Kind.FLUX, "Timeout", method);
            }
            if (annotation(user, method, dev.fluxgate.spring.annotation.Hedge.class) != null) {
                Invocations.Kind kind = Invocations.kindOf(method, "Hedge");
                Invocations.requireOperators(kind, kind == Invocations.Kind.FLUX, "Hedge", method);
            }
        } catch (InvalidAnnotationException e) {
            throw e.onBean(bean);
        }
    }

    /** The method's annotation, or its class's when the method is one the proxy intercepts. */
    private static <A extends Annotation> @Nullable A annotation(Class<?> user, Method method, Class<A> type) {
        A a = AnnotatedElementUtils.findMergedAnnotation(method, type);
        if (a != null) {
            return a;
        }
        return Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                ? AnnotatedElementUtils.findMergedAnnotation(user, type) : null;
    }

    /** A class-level annotation's own fallback methods are not themselves checked as annotated methods. */
    private static boolean isFallback(Method method, String fallbackMethod) {
        return !fallbackMethod.isEmpty() && method.getName().equals(fallbackMethod)
                && AnnotatedElementUtils.findMergedAnnotation(method, dev.fluxgate.spring.annotation.CircuitBreaker.class) == null
                && AnnotatedElementUtils.findMergedAnnotation(method, dev.fluxgate.spring.annotation.Retry.class) == null;
    }
}
