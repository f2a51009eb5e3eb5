/**
 * Annotations that put a Spring bean's methods behind Fluxgate: {@link dev.fluxgate.spring.annotation.CircuitBreaker}.
 *
 * <h2>Thread safety</h2>
 * Annotations are immutable metadata. The aspect that processes them is safe for any number of
 * concurrent callers; it holds no lock while the annotated method or its fallback runs.
 */
@NullMarked
package dev.fluxgate.spring.annotation;

import org.jspecify.annotations.NullMarked;
