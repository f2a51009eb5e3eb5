package dev.fluxgate.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports an {@link InvalidPropertyException} as Boot's "APPLICATION FAILED TO START" with the property named. */
final class InvalidPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidPropertyException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidPropertyException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Fix '" + cause.property() + "' in your configuration (see the fluxgate.circuitbreaker "
                        + "section of the Fluxgate README for the allowed values).", cause);
    }
}
