/**
 * Actuator support: the {@code fluxgate} endpoint ({@link dev.fluxgate.spring.actuate.FluxgateEndpoint})
 * and the {@code fluxgate} readiness health contributor ({@link dev.fluxgate.spring.actuate.FluxgateHealthIndicator}).
 * Both are optional and appear only when Spring Boot's actuator is on the class path.
 *
 * <h2>Thread safety</h2>
 * Both are safe for concurrent use: they read the registry and immutable metric snapshots, and the
 * endpoint's commands are the breaker's own thread-safe {@code reset()}, {@code disable()},
 * {@code forceOpen()} and {@code metricsOnly()}.
 */
package dev.fluxgate.spring.actuate;
