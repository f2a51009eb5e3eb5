package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the annotated method (or every public method of the annotated class) through the
 * {@link dev.fluxgate.CircuitBreaker} called {@link #name()}, configured under
 * {@code fluxgate.circuitbreaker.instances.<name>} (or by {@code configs.default} when absent).
 *
 * <pre>{@code
 * @CircuitBreaker(name = "payments", fallbackMethod = "lastKnownBalance")
 * public Balance balance(String account) { return client.balance(account); }
 *
 * private Balance lastKnownBalance(String account, CallNotPermittedException rejected) { return cache.get(account); }
 * private Balance lastKnownBalance(String account, Exception failure) { return Balance.unknown(account); }
 * }</pre>
 *
 * <p>Return types: plain values run synchronously; {@code CompletionStage} / {@code CompletableFuture}
 * are recorded when they complete; Reactor's {@code Mono} and {@code Flux} (when Reactor is present)
 * are recorded per subscription, and a permit is asked for at subscription time.
 *
 * <p>Fallback: a method of the same class named {@link #fallbackMethod()}, with the same parameters
 * plus a trailing exception parameter, returning the same type (for async types: the same async
 * type). When several overloads fit, the one with the most specific exception type that matches the
 * thrown exception wins; when none matches, the exception propagates. A rejected call arrives as
 * {@link dev.fluxgate.CallNotPermittedException}. A missing fallback, or an overload with the
 * method's parameters and a trailing exception that returns another type, stops the application at
 * startup with a failure report naming the bean, the method and the fallback.
 *
 * <p>With {@link Retry} on the same method, the fallback answers after the retries, not around each
 * attempt: a failing method is tried {@code max-attempts} times, then the fallback answers with the
 * last failure (or at once with a {@code CallNotPermittedException} the retry does not retry). See
 * {@link Retry}.
 *
 * <p>Annotations are processed by Spring AOP, so, as with {@code @Transactional}, they apply to
 * calls made through the Spring proxy, not to calls from inside the same object.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface CircuitBreaker {

    /** {@return the breaker's name in the registry and under {@code fluxgate.circuitbreaker.instances}} */
    String name();

    /** {@return the name of the fallback method in the same class; empty for none} */
    String fallbackMethod() default "";
}
