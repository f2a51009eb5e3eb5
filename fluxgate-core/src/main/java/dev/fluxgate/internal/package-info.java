/**
 * Implementation of Fluxgate: window stores, striped buffers, metric snapshots. Not exported by the
 * module and not part of the API; it may change in any release.
 *
 * <h2>Thread safety</h2>
 * The classes here are not thread-safe by themselves unless they say so ({@code Stripes} is): the
 * owning breaker guards them with its lock.
 */
@NullMarked
package dev.fluxgate.internal;

import org.jspecify.annotations.NullMarked;
