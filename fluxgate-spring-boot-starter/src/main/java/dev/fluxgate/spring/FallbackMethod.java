package dev.fluxgate.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The fallback overloads of one annotated method: same parameters plus a trailing exception
 * parameter, same return type (an overload with those parameters and another return type is an
 * error). {@link #find} picks the overload with the most specific exception type that matches the
 * thrown exception.
 */
final class FallbackMethod {

    static final FallbackMethod NONE = new FallbackMethod(List.of());

    private final List<Method> candidates; // most specific exception type first

    private FallbackMethod(List<Method> candidates) {
        this.candidates = candidates;
    }

    /**
     * Finds the overloads called {@code name} for {@code annotated} in {@code targetClass} and its
     * superclasses.
     *
     * @param annotation the annotation naming the fallback, for messages ({@code CircuitBreaker})
     * @throws InvalidAnnotationException if {@code name} is not empty and no method fits, or if an
     *     overload takes the method's parameters and an exception but returns another type (it looks
     *     meant as a fallback and would silently never answer)
     */
    static FallbackMethod resolve(Method annotated, Class<?> targetClass, String name, String annotation) {
        if (name.isEmpty()) {
            return NONE;
        }
        Class<?>[] params = annotated.getParameterTypes();
        Class<?> returnType = annotated.getReturnType();
        String expected = name + "(" + Arrays.stream(params).map(Class::getSimpleName).map(n -> n + ", ")
                .collect(Collectors.joining()) + "<an exception type>) returning " + returnType.getSimpleName();
        List<Method> found = new ArrayList<>();
        ReflectionUtils.doWithMethods(targetClass, m -> {
            if (!returns(m, returnType)) {
                throw new InvalidAnnotationException(annotation, annotated, name, "the overload "
                        + InvalidAnnotationException.describe(m) + " returns " + m.getReturnType().getSimpleName()
                        + ", but " + annotated.getName() + " returns " + returnType.getSimpleName()
                        + "; a fallback must return the method's type",
                        "Make " + m.getName() + " return " + returnType.getSimpleName() + " (for an async or reactive "
                                + "method: the same async or reactive type), or give it another name.");
            }
            Class<?>[] types = m.getParameterTypes();
            // A subclass's override comes first in the walk; skip the superclass's copy of it.
            if (found.stream().noneMatch(f -> Arrays.equals(f.getParameterTypes(), types))) {
                found.add(m);
            }
        }, m -> m.getName().equals(name) && !m.isBridge() && !m.isSynthetic() && takes(m, params));
        if (found.isEmpty()) {
            throw new InvalidAnnotationException(annotation, annotated, name, "not found: expected a method "
                    + expected + " in " + targetClass.getName(),
                    "Add a method " + expected + " to " + targetClass.getSimpleName()
                            + ", or correct fallbackMethod.");
        }
        found.sort(Comparator.comparingInt((Method m) -> depth(m.getParameterTypes()[params.length])).reversed());
        found.forEach(ReflectionUtils::makeAccessible);
        return new FallbackMethod(List.copyOf(found));
    }

    /** Whether {@code m} takes the method's parameters plus a trailing exception. */
    private static boolean takes(Method m, Class<?>[] params) {
        Class<?>[] types = m.getParameterTypes();
        if (types.length != params.length + 1 || !Throwable.class.isAssignableFrom(types[params.length])) {
            return false;
        }
        for (int i = 0; i < params.length; i++) {
            if (!ClassUtils.isAssignable(types[i], params[i])) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code m}'s result can stand for the method's. */
    private static boolean returns(Method m, Class<?> returnType) {
        return returnType == void.class ? m.getReturnType() == void.class
                : m.getReturnType() != void.class && ClassUtils.isAssignable(returnType, m.getReturnType());
    }

    private static int depth(Class<?> type) {
        int depth = 0;
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            depth++;
        }
        return depth;
    }

    /**
     * This fallback's overloads, then {@code other}'s for an exception none of these takes (the
     * breaker's fallback applied at the retry, after the retry's own).
     */
    FallbackMethod orElse(FallbackMethod other) {
        if (!other.present()) {
            return this;
        }
        if (!present()) {
            return other;
        }
        List<Method> all = new ArrayList<>(candidates);
        all.addAll(other.candidates);
        return new FallbackMethod(List.copyOf(all));
    }

    /** Whether a fallback is configured. */
    boolean present() {
        return !candidates.isEmpty();
    }

    /** The overload for {@code error}, or null when none takes it. */
    @Nullable Method find(Throwable error) {
        for (Method m : candidates) {
            if (m.getParameterTypes()[m.getParameterCount() - 1].isInstance(error)) {
                return m;
            }
        }
        return null;
    }

    /** Answers with the fallback for {@code error}, or rethrows {@code error} when none takes it. */
    Object handle(Object target, Object[] args, Throwable error) throws Throwable {
        Method m = find(error);
        if (m == null) {
            throw error;
        }
        return invoke(m, target, args, error);
    }

    /** Calls {@code m} with {@code args} and {@code error}, rethrowing what it throws unwrapped. */
    static Object invoke(Method m, Object target, Object[] args, Throwable error) throws Throwable {
        Object[] all = Arrays.copyOf(args, args.length + 1);
        all[args.length] = error;
        try {
            return m.invoke(target, all);
        } catch (InvocationTargetException e) {
            throw e.getTargetException();
        }
    }
}
