/**
 * Test support for code that uses Fluxgate: {@link dev.fluxgate.test.ManualTicker} moves time by
 * hand, {@link dev.fluxgate.test.BreakerAssert} checks a breaker's state and figures.
 *
 * <h2>Thread safety</h2>
 * {@code ManualTicker} is safe for concurrent use; a {@code BreakerAssert} belongs to one test thread.
 */
@NullMarked
package dev.fluxgate.test;

import org.jspecify.annotations.NullMarked;
