package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Hedges the annotated method (or every public method of the annotated class) with the
 * {@link dev.fluxgate.Hedge} called {@link #name()}, configured under
 * {@code fluxgate.hedge.instances.<name>} (core defaults when absent: 2 attempts, the second after
 * 100 ms): when the method has not answered after the delay it is called again, and the first success
 * wins while the other calls are cancelled.
 *
 * <p>Only for idempotent methods: the method runs more than once. A synchronous method runs on the
 * hedge's worker threads (thread-bound context such as a transaction does not reach it), a losing call
 * is interrupted; an async stage is cancelled; a {@code Mono} (which needs {@code fluxgate-reactor}) is
 * subscribed to again and the losing subscription cancelled. A {@code Flux} cannot be hedged here.
 *
 * <p>With other annotations the order is fixed, outermost first: {@code @Retry}, {@code @Hedge},
 * {@code @CircuitBreaker}, {@code @Bulkhead}, {@code @Timeout}: each hedged attempt goes through the
 * breaker (and takes its own permit), the bulkhead and the timeout on its own, and a retry retries the
 * whole hedged call. A {@code @CircuitBreaker(fallbackMethod = ...)} on the same method answers at the
 * hedge, once every attempt has failed (or at the retry, when there is one), never for one attempt:
 * a fallback's answer to one attempt would otherwise win the race.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Hedge {

    /**
     * The hedge's name under {@code fluxgate.hedge.instances}.
     *
     * @return the name
     */
    String name();
}
