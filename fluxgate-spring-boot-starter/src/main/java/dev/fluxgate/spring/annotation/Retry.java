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
 * {@code @Hedge}, {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @Timeout}. Each attempt goes through the
 * breaker; a timeout counts as a failed attempt.
 *
 * <p><b>Fallbacks with a retry.</b> On a method that also has {@code @Retry}, every fallback answers
 * outside the retry: once the attempts are spent, or at once when the retry gives up early (a
 * {@link dev.fluxgate.CallNotPermittedException} is not retried unless {@code retry-on-rejection} is
 * set; an exception under {@code abort-exceptions} or not under {@code retry-exceptions}). That holds
 * for a {@code @CircuitBreaker(fallbackMethod = ...)} too: it is applied at the retry, not around each
 * attempt (which would hide every failure from the retry, so nothing would ever be retried). When both
 * annotations name a fallback, the retry's overloads are tried first, then the breaker's, for an
 * exception none of the retry's takes.
 *
 * <p>Return types as for {@link CircuitBreaker}; a {@code Flux} cannot be retried here (retry its
 * {@code Mono}s, or use Reactor's own {@code retryWhen}). A {@code Mono} needs {@code fluxgate-reactor}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Retry {

    /** {@return the retry's name under {@code fluxgate.retry.instances}} */
    String name();

    /**
     * {@return the fallback method for when the retries are spent, as for
     * {@link CircuitBreaker#fallbackMethod()}}
     *
     */
    String fallbackMethod() default "";
}
