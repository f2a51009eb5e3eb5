package dev.fluxgate.spring;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A Fluxgate annotation that cannot work on the method it is on: a missing fallback, a fallback
 * overload of the wrong type, an unsupported return type. Thrown at startup (by the check of every
 * annotated bean), so the application stops instead of failing the first call;
 * {@link InvalidAnnotationFailureAnalyzer} turns it into Boot's failure report.
 */
final class InvalidAnnotationException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final String annotation;
    private final transient Method method;
    private final @Nullable String fallback;
    private final String problem;
    private final String action;

    /**
     * @param annotation the annotation's simple name, e.g. {@code CircuitBreaker}
     * @param method the annotated method
     * @param fallback the fallback method's name, or null when the problem is not the fallback
     * @param problem what is wrong, in a sentence
     * @param action how to fix it, in a sentence
     */
    InvalidAnnotationException(String annotation, Method method, @Nullable String fallback, String problem,
            String action) {
        this(null, annotation, method, fallback, problem, action);
    }

    private InvalidAnnotationException(@Nullable String bean, String annotation, Method method,
            @Nullable String fallback, String problem, String action) {
        super(message(bean, annotation, method, fallback, problem));
        this.annotation = annotation;
        this.method = method;
        this.fallback = fallback;
        this.problem = problem;
        this.action = action;
    }

    /** The same problem, found on bean {@code bean}. */
    InvalidAnnotationException onBean(String bean) {
        InvalidAnnotationException e = new InvalidAnnotationException(bean, annotation, method, fallback, problem,
                action);
        e.setStackTrace(getStackTrace());
        return e;
    }

    /** How to fix it. */
    String action() {
        return action;
    }

    private static String message(@Nullable String bean, String annotation, Method method, @Nullable String fallback,
            String problem) {
        return (bean == null ? "" : "Bean '" + bean + "': ") + "@" + annotation
                + (fallback == null ? "" : " fallbackMethod '" + fallback + "'") + " on " + describe(method) + ": "
                + problem;
    }

    /** {@code com.example.Payments.pay(Order)}. */
    static String describe(Method method) {
        return method.getDeclaringClass().getName() + "." + method.getName() + "("
                + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName).collect(Collectors.joining(", "))
                + ")";
    }
}
