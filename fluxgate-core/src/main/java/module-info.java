/**
 * Fluxgate core: a composable circuit breaker and the resilience patterns that sit beside it.
 * Only {@code dev.fluxgate} is exported; {@code dev.fluxgate.internal} is implementation.
 */
module dev.fluxgate {
    exports dev.fluxgate;
}
