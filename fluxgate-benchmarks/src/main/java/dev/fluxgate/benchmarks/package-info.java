/**
 * JMH benchmarks of the Fluxgate circuit breaker against Resilience4j and Failsafe, configured alike
 * and measured in the same run, plus {@link dev.fluxgate.benchmarks.RetainedSize}, which measures
 * retained bytes per breaker with JOL.
 *
 * <p>Thread safety: the benchmark states are shared by JMH's worker threads exactly as a breaker is
 * shared by callers; the per-thread states ({@code Scope.Thread}) are confined to one thread. Nothing
 * here is a library: run it through {@code fluxgate-benchmarks/run.sh}.
 */
@NullMarked
package dev.fluxgate.benchmarks;

import org.jspecify.annotations.NullMarked;
