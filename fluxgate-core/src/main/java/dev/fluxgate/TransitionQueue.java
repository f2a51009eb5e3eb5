package dev.fluxgate;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Hands one breaker's transitions to its listeners one at a time, in the order the transitions were
 * made, with no lock held while they are delivered.
 *
 * <p>Every transition is made (its compare-and-set of the state word) and {@linkplain #offer offered}
 * here while the breaker's lock is held, so the queue holds transitions in generation order. After
 * releasing the lock, the thread that made a transition calls {@link #deliver}: the thread that wins
 * the delivering flag delivers every queued transition in order, drops the flag, and looks at the
 * queue again, so a transition offered while it was dropping the flag is never stranded (either it
 * sees that transition, or the thread that offered it sees the flag free). A thread that finds the
 * flag taken returns at once: the holder delivers its transition after the earlier ones.
 *
 * <p>Consequences, documented on {@link Listener}: a listener runs in the thread that caused the
 * transition or in a thread of the same breaker that was already delivering an earlier one; and the
 * caller whose call caused a transition may return before that transition's listeners have run. A
 * listener that calls back into its breaker (a {@code reset()} on OPEN) does not recurse: the nested
 * transition is delivered after the current one, by the same thread.
 */
final class TransitionQueue {

    /** A transition made under the breaker's lock, turned into a {@link Transition} when delivered. */
    record Move(State from, State to, Metrics metrics, String reason) {
    }

    private final ConcurrentLinkedQueue<Move> pending = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();

    /** Queues a transition. Caller holds the breaker's lock, which orders the offers by generation. */
    void offer(Move move) {
        pending.offer(move);
    }

    /**
     * Delivers every queued transition to {@code sink}, in order, unless another thread is delivering
     * already (it then delivers them). {@code sink} must not throw; if it does anyway, the flag is
     * dropped and the remaining transitions wait for the next call.
     */
    void deliver(Consumer<Move> sink) {
        while (!pending.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                for (Move m = pending.poll(); m != null; m = pending.poll()) {
                    sink.accept(m);
                }
            } finally {
                delivering.set(false);
            }
        }
    }
}
