package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits concurrent calls of the annotated method (or of every public method of the annotated class) with
 * the {@link dev.fluxgate.AdaptiveBulkhead} called {@link #name()}, whose limit learns itself from the calls'
 * latency and drops; configured under {@code fluxgate.adaptive-bulkhead.instances.<name>} (core defaults when
 * absent). A call that finds the limit reached fails with {@link dev.fluxgate.BulkheadFullException}. An async
 * method holds its slot until its stage completes; a {@code Mono} or {@code Flux} (which needs
 * {@code fluxgate-reactor}) until it terminates or is cancelled (a cancellation is not sampled). It runs
 * inside {@link CircuitBreaker}, {@link RateLimiter} and {@link Bulkhead} and outside {@link Timeout}, so a
 * timeout counts as a drop. Order with other annotations: see {@link Retry}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface AdaptiveBulkhead {

    /** {@return the adaptive bulkhead's name under {@code fluxgate.adaptive-bulkhead.instances}} */
    String name();
}
