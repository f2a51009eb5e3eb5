/**
 * Fluxgate core: a composable circuit breaker and the resilience patterns that sit beside it.
 * Only {@code dev.fluxgate} is exported; {@code dev.fluxgate.internal} is implementation.
 */
module dev.fluxgate {
    requires jdk.jfr; // Listeners.jfr(): a JDK module, not a dependency
    // @NullMarked and @Nullable: needed to compile, not at run time; transitive because @Nullable is
    // part of the exported API, so a reader that has JSpecify sees it.
    requires static transitive org.jspecify;
    // RetryAfter.of(HttpResponse, ...) names a java.net.http type (so transitive) but touches it only when
    // given a response (so static: a JDK module, optional at run time; the rest of RetryAfter works without it).
    requires static transitive java.net.http;
    exports dev.fluxgate;
}
