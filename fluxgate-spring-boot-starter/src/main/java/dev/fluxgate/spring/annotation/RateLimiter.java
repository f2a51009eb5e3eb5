package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how often the annotated method (or every public method of the annotated class) runs with the
 * {@link dev.fluxgate.RateLimiter} called {@link #name()}, configured under
 * {@code fluxgate.ratelimiter.instances.<name>} (core defaults when absent). Each call takes one permit,
 * waiting up to the limiter's {@code max-wait}; beyond it the call fails with
 * {@link dev.fluxgate.RateLimitedException} and the method does not run. An async method's start and a
 * {@code Mono} or {@code Flux}'s subscription (which needs {@code fluxgate-reactor}) are delayed without
 * blocking a thread.
 *
 * <p>Order with other annotations, outermost first: {@code @Retry}, {@code @CircuitBreaker},
 * {@code @RateLimiter}, {@code @Bulkhead}, {@code @Timeout}: each attempt of a retry takes a permit, and
 * a refusal is a local decision that the breaker outside does not count as a failure.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface RateLimiter {

    /**
     * The rate limiter's name under {@code fluxgate.ratelimiter.instances}.
     *
     * @return the name
     */
    String name();
}
