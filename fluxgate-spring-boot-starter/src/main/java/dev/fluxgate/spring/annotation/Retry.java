package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries the annotated method (or every public method of the annotated class) with the
 * {@link dev.fluxgate.Retry} called {@link #name()}, configured under
 * {@code fluxgate.retry.instances.<name>} (core defaults when absent).
 *
 * <p>With several annotations on one method the order is fixed, outermost first: {@code @Retry},
 * {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @Timeout}. Each attempt goes through the
 * breaker; a timeout or a full bulkhead counts as a failed attempt. Put the fallback on the
 * outermost annotation ({@code @Retry}): a fallback on {@code @CircuitBreaker} answers every
 * attempt, so nothing would be left to retry.
 *
 * <p>Return types as for {@link CircuitBreaker}; a {@code Flux} cannot be retried here (retry its
 * {@code Mono}s, or use Reactor's own {@code retryWhen}). A {@code Mono} needs {@code fluxgate-reactor}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Retry {

    /** The retry's name under {@code fluxgate.retry.instances}. */
    String name();

    /** The fallback method for when the retries are spent, as for {@link CircuitBreaker#fallbackMethod()}. */
    String fallbackMethod() default "";
}
