/**
 * Slack notifications for Fluxgate circuit breakers: {@link dev.fluxgate.slack.SlackListener} posts an
 * incident when a breaker opens and follows it up in the same thread.
 *
 * <h2>Thread safety</h2>
 * A {@code SlackListener} is safe for concurrent use and may be shared by many breakers. Its
 * {@code onTransition} runs on the breaker's caller thread but only queues work under a short
 * {@link java.util.concurrent.locks.ReentrantLock} (no I/O, no user code under it); rendering and
 * HTTP happen on the configured executor and the {@link java.net.http.HttpClient}'s threads. Its
 * builder is for one thread.
 */
@NullMarked
package dev.fluxgate.slack;

import org.jspecify.annotations.NullMarked;
