/**
 * The Fluxgate demo: a real flaky HTTP service on a loopback port, the same load sent through a
 * circuit breaker and without one, a live console timeline, a self-contained HTML report, a live
 * dashboard with Prometheus metrics, and a tuning mode that replays a recorded trace of calls.
 *
 * <p>Entry point: {@link dev.fluxgate.demo.Demo#main(String[])}. The parts, each readable alone:
 * {@link dev.fluxgate.demo.Cli} (options), {@link dev.fluxgate.demo.Scenario} and
 * {@link dev.fluxgate.demo.FlakyService} (the downstream), {@link dev.fluxgate.demo.LoadGenerator}
 * (the callers), {@link dev.fluxgate.demo.RunRecorder} (what was measured),
 * {@link dev.fluxgate.demo.Timeline} (the console), {@link dev.fluxgate.demo.Report} (HTML),
 * {@link dev.fluxgate.demo.Dashboard} (HTTP endpoints) and {@link dev.fluxgate.demo.TraceReplay}.
 *
 * <p>Thread safety: {@code Scenario}, {@code Cli.Options} and report data are immutable;
 * {@code FlakyService}, {@code RunRecorder}, {@code Timeline} and {@code Dashboard} are safe for
 * concurrent use (they use atomics and {@link java.util.concurrent.locks.ReentrantLock}, never
 * {@code synchronized}); the rest are used by one thread at a time.
 */
@NullMarked
package dev.fluxgate.demo;

import org.jspecify.annotations.NullMarked;
