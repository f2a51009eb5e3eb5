/**
 * Test support for code that uses Fluxgate: {@link dev.fluxgate.test.ManualTicker} moves time by
 * hand, {@link dev.fluxgate.test.BreakerAssert} checks a breaker's state and figures,
 * {@link dev.fluxgate.test.ManualSleeper} waits on a manual ticker instead of the clock,
 * {@link dev.fluxgate.test.TestChaos} sets up seeded fault injection and
 * {@link dev.fluxgate.test.ChaosAssert} checks what it injected.
 *
 * <h2>Thread safety</h2>
 * {@code ManualTicker} and {@code ManualSleeper} are safe for concurrent use; a {@code BreakerAssert} or
 * {@code ChaosAssert} belongs to one test thread.
 */
@NullMarked
package dev.fluxgate.test;

import org.jspecify.annotations.NullMarked;
