/**
 * jcstress tests of the circuit breaker's concurrency guarantees: each {@code *Stress} class races
 * two or more actors on one breaker (or one registry) and lists the outcomes that are acceptable and forbidden.
 * {@code Breakers} builds the breakers they share.
 */
@NullMarked
package dev.fluxgate.jcstress;

import org.jspecify.annotations.NullMarked;
