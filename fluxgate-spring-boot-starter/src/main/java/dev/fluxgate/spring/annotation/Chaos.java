package dev.fluxgate.spring.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects faults into the annotated method (or every public method of the annotated class) with the
 * {@link dev.fluxgate.Chaos} called {@link #name()}, configured under {@code fluxgate.chaos.instances.<name>}.
 * <b>Inert unless {@code fluxgate.chaos.enabled=true}</b>: without that property no fault injector exists
 * and the annotation does nothing, so it can stay in production code. A name the properties do not list
 * injects nothing.
 *
 * <p>Innermost of Fluxgate's annotations (inside {@code @Timeout}): an injected fault stands for the
 * method itself failing, slowing down or answering differently, and every policy outside sees it as it
 * would see the real thing: a breaker counts an injected exception as a failure, a retry retries it, a
 * timeout cuts an injected latency short. Sync methods, {@code CompletionStage} methods, and (with
 * {@code fluxgate-reactor}) {@code Mono} and {@code Flux} methods are supported; latency never blocks a
 * thread for the asynchronous ones.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Chaos {

    /**
     * The fault injector's name under {@code fluxgate.chaos.instances}.
     *
     * @return the name
     */
    String name();
}
