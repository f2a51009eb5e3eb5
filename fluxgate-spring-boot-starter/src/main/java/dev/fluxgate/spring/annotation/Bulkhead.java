package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits concurrent calls of the annotated method (or of every public method of the annotated
 * class) with the {@link dev.fluxgate.Bulkhead} called {@link #name()}, configured under
 * {@code fluxgate.bulkhead.instances.<name>} (core defaults when absent). A call that finds no slot
 * fails with {@link dev.fluxgate.BulkheadFullException}. An async method holds its slot until its
 * stage completes; a {@code Mono} or {@code Flux} (which needs {@code fluxgate-reactor}) until it
 * terminates or is cancelled. Order with other annotations: see {@link Retry}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Bulkhead {

    /** {@return the bulkhead's name under {@code fluxgate.bulkhead.instances}} */
    String name();
}
