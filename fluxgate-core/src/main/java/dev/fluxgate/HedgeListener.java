package dev.fluxgate;

import java.time.Duration;

/**
 * Hears what a {@link Hedge} does with each call. Every method has an empty default, so a listener
 * implements only what it needs. Listeners run synchronously, in the order added, with no lock held:
 * for {@link Hedge#call} on the caller's thread, for {@link Hedge#callAsync} on the thread that fired
 * the hedge's timer or completed the attempt. One that throws anything, an {@link Error} included, is
 * logged at {@code WARNING} on the {@link System.Logger} {@code dev.fluxgate.Hedge} and ignored: it
 * changes neither the call's outcome nor what the other listeners hear.
 *
 * <p>Attempts are numbered from 1 (the first attempt, started at once); a hedged attempt is number 2
 * or more. A call that needed no hedge (its first attempt answered before the delay) is heard by
 * nobody.
 */
public interface HedgeListener {

    /**
     * A hedged attempt is starting, {@code delay} after the previous attempt started, because no
     * attempt had succeeded yet.
     *
     * @param hedge the hedge running the call
     * @param attempt the attempt's number, from 2
     * @param delay the delay this call waits between attempts
     */
    default void onHedge(Hedge hedge, int attempt, Duration delay) {
    }

    /**
     * Attempt {@code attempt} succeeded first in a call that had started {@code started} attempts
     * (at least 2): its result is the call's. Heard after the {@link #onCancelled} of the attempts it
     * beat: they are cancelled first, so that they free their resources before anything else runs.
     *
     * @param hedge the hedge running the call
     * @param attempt the winning attempt's number
     * @param started the attempts the call had started
     */
    default void onWon(Hedge hedge, int attempt, int started) {
    }

    /**
     * Attempt {@code attempt} was cancelled (its future cancelled, its thread interrupted) because
     * another attempt won or the caller gave up. A cancelled attempt is not a failure.
     *
     * @param hedge the hedge running the call
     * @param attempt the cancelled attempt's number
     */
    default void onCancelled(Hedge hedge, int attempt) {
    }

    /**
     * Every attempt the call started failed; the caller gets {@code failure}, the last one, with the
     * earlier ones attached as suppressed.
     *
     * @param hedge the hedge running the call
     * @param attempts the attempts the call started
     * @param failure what the caller gets
     */
    default void onFailed(Hedge hedge, int attempts, Throwable failure) {
    }
}
