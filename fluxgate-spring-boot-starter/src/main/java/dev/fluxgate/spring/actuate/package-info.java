/**
 * Actuator support: the {@code fluxgate} endpoint ({@link dev.fluxgate.spring.actuate.FluxgateEndpoint},
 * with {@link dev.fluxgate.spring.actuate.FluxgateEndpointWebExtension} for its HTTP command) and the
 * {@code fluxgate} health contributor ({@link dev.fluxgate.spring.actuate.FluxgateHealthIndicator}), which
 * lists the breakers and takes the instance out of service only for breakers that opted in.
 * Both are optional and appear only when Spring Boot's actuator is on the class path.
 *
 * <h2>Thread safety</h2>
 * Both are safe for concurrent use: they read the registry and immutable metric snapshots, and the
 * endpoint's commands are the breaker's own thread-safe {@code reset()}, {@code disable()},
 * {@code forceOpen()} and {@code metricsOnly()}.
 */
@NullMarked
package dev.fluxgate.spring.actuate;

import org.jspecify.annotations.NullMarked;
