package dev.fluxgate.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * The fallback overloads of one annotated method: same parameters plus a trailing exception
 * parameter, same return type. {@link #find} picks the overload with the most specific exception
 * type that matches the thrown exception.
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
     * @throws IllegalStateException if {@code name} is not empty and no method fits
     */
    static FallbackMethod resolve(Method annotated, Class<?> targetClass, String name) {
        if (name.isEmpty()) {
            return NONE;
        }
        Class<?>[] params = annotated.getParameterTypes();
        List<Method> found = new ArrayList<>();
        ReflectionUtils.doWithMethods(targetClass, m -> {
            Class<?>[] types = m.getParameterTypes();
            // A subclass's override comes first in the walk; skip the superclass's copy of it.
            if (found.stream().noneMatch(f -> Arrays.equals(f.getParameterTypes(), types))) {
                found.add(m);
            }
        }, m -> m.getName().equals(name) && fits(m, params, annotated.getReturnType()));
        if (found.isEmpty()) {
            String expected = Arrays.stream(params).map(Class::getSimpleName).collect(Collectors.joining(", "));
            throw new IllegalStateException("@CircuitBreaker fallbackMethod '" + name + "' of "
                    + targetClass.getName() + "." + annotated.getName() + " not found: expected a method " + name
                    + "(" + expected + (expected.isEmpty() ? "" : ", ") + "<an exception type>) returning "
                    + annotated.getReturnType().getSimpleName() + " in " + targetClass.getName());
        }
        found.sort(Comparator.comparingInt((Method m) -> depth(m.getParameterTypes()[params.length])).reversed());
        found.forEach(ReflectionUtils::makeAccessible);
        return new FallbackMethod(List.copyOf(found));
    }

    private static boolean fits(Method m, Class<?>[] params, Class<?> returnType) {
        Class<?>[] types = m.getParameterTypes();
        if (types.length != params.length + 1 || !Throwable.class.isAssignableFrom(types[params.length])) {
            return false;
        }
        for (int i = 0; i < params.length; i++) {
            if (!ClassUtils.isAssignable(types[i], params[i])) {
                return false;
            }
        }
        return returnType == void.class ? m.getReturnType() == void.class
                : ClassUtils.isAssignable(returnType, m.getReturnType());
    }

    private static int depth(Class<?> type) {
        int depth = 0;
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            depth++;
        }
        return depth;
    }

    /** Whether a fallback is configured. */
    boolean present() {
        return !candidates.isEmpty();
    }

    /** The overload for {@code error}, or null when none takes it. */
    Method find(Throwable error) {
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
