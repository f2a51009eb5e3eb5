package dev.fluxgate;

import java.time.Duration;
import java.util.Optional;

/**
 * Hears what a {@link RateLimiter} decides. Every method has an empty default, so a listener implements
 * only what it needs.
 *
 * <p>Listeners run synchronously, in the order added, on the thread that asked for the permits, right
 * after the decision (for a granted wait, before the wait), with no lock held. One that throws anything,
 * an {@link Error} included, is logged at {@code WARNING} on the {@link System.Logger}
 * {@code dev.fluxgate.RateLimiter} and ignored: the caller still gets its permits or its rejection, and
 * the other listeners still hear the event. A listener runs on the hot path: keep it short.
 *
 * <p>For a {@linkplain RateLimiter#perKey per-key} limiter the {@code limiter} argument is the key's
 * limiter: its {@link RateLimiter#name()} is the per-key limiter's name and {@link RateLimiter#key()}
 * the key.
 */
public interface RateLimiterListener {

    /**
     * Permits were granted (and counted against the rate).
     *
     * @param limiter the limiter that granted them
     * @param permits how many
     * @param wait how long the caller waits before using them ({@link Duration#ZERO} when they are free
     *     at once)
     */
    default void onPermitted(RateLimiter limiter, int permits, Duration wait) {
    }

    /**
     * Permits were refused: none were taken.
     *
     * @param limiter the limiter that refused them
     * @param permits how many were asked for
     * @param retryAfter how long until they would be free at once, empty when no wait brings them (as
     *     {@link RateLimitedException#retryAfter()})
     */
    default void onRejected(RateLimiter limiter, int permits, Optional<Duration> retryAfter) {
    }
}
