/**
 * Fluxgate core: a composable circuit breaker and the resilience patterns that sit beside it.
 * Only {@code dev.fluxgate} is exported; {@code dev.fluxgate.internal} is implementation.
 */
module dev.fluxgate {
    requires jdk.jfr; // Listeners.jfr(): a JDK module, not a dependency
    exports dev.fluxgate;
}
