package dev.fluxgate;

/**
 * Hears what an {@link AdaptiveBulkhead} decides. Every method has an empty default, so a listener
 * implements only what it needs.
 *
 * <p>Listeners run synchronously, in the order added, with no lock held: {@link #onLimitChanged} on the
 * thread that completed the call whose sample moved the limit (for {@link AdaptiveBulkhead#callAsync},
 * the thread that completed the task's future), {@link #onRejected} on the rejected caller's thread. One
 * that throws anything, an {@link Error} included, is logged at {@code WARNING} on the
 * {@link System.Logger} {@code dev.fluxgate.AdaptiveBulkhead} and ignored: admission, the limit and the
 * caller's outcome are unaffected, and the other listeners still hear the event. Two limit changes made
 * on different threads may reach a listener in either order; {@link AdaptiveBulkhead#limit()} is the
 * value in force.
 */
public interface AdaptiveBulkheadListener {

    /**
     * The limit in force changed.
     *
     * @param bulkhead the bulkhead whose limit changed
     * @param oldLimit the limit before
     * @param newLimit the limit now
     */
    default void onLimitChanged(AdaptiveBulkhead bulkhead, int oldLimit, int newLimit) {
    }

    /**
     * A call was rejected because as many calls as the limit were in flight.
     *
     * @param bulkhead the bulkhead that rejected it
     * @param limit the limit in force when it was rejected
     */
    default void onRejected(AdaptiveBulkhead bulkhead, int limit) {
    }
}
