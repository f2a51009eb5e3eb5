package dev.fluxgate.spring;

import org.jspecify.annotations.Nullable;

/**
 * A Fluxgate property that cannot be applied; the message starts with the full property name.
 * Thrown at startup, so a misconfigured breaker stops the application instead of running with a
 * surprise. {@link InvalidPropertyFailureAnalyzer} turns it into Boot's failure report.
 */
final class InvalidPropertyException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String property;

    InvalidPropertyException(String property, @Nullable String problem, @Nullable Throwable cause) {
        super("Invalid property '" + property + "': " + problem, cause);
        this.property = property;
    }

    InvalidPropertyException(String property, String problem) {
        this(property, problem, null);
    }

    /** The full name of the offending property, e.g. {@code fluxgate.circuitbreaker.instances.a.window.size}. */
    String property() {
        return property;
    }
}
