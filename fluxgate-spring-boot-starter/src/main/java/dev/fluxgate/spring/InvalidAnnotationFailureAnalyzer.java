package dev.fluxgate.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidAnnotationException} as Boot's "APPLICATION FAILED TO START", naming the
 * bean, the method and the fallback, and saying how to fix it.
 */
final class InvalidAnnotationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidAnnotationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidAnnotationException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
    }
}
