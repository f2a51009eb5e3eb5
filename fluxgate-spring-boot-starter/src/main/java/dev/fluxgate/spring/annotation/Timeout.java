package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds how long the annotated method (or every public method of the annotated class) may take,
 * with the {@link dev.fluxgate.Timeout} called {@link #name()}: {@code fluxgate.timeout.instances.<name>.duration}
 * (1 s when absent). When the time is up the call is really cancelled: a synchronous method runs on
 * a worker thread that is interrupted (so thread-bound context such as a transaction does not reach
 * it), an async stage or a {@code Mono} (which needs {@code fluxgate-reactor}) is cancelled. The
 * caller gets {@link java.util.concurrent.TimeoutException} if the method declares it, else
 * {@link dev.fluxgate.TimeoutExceededException}. A {@code Flux} cannot be bounded here (use Reactor's
 * {@code timeout}). Order with other annotations: see {@link Retry}.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Timeout {

    /** {@return the timeout's name under {@code fluxgate.timeout.instances}} */
    String name();
}
