package dev.fluxgate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Collection;
import java.util.Objects;

/**
 * A policy's listeners, copy-on-write: the array is replaced whole by {@link #add}, {@link #remove} and
 * {@link #clear} (each a compare-and-set loop, lock-free), and a call reads it with one volatile read
 * ({@link #snapshot}), allocating nothing. Listeners are kept in the order added; the same listener may
 * be added more than once (it then hears each event that many times) and {@link #remove} drops its first
 * occurrence. Telling the listeners, under the one rule for plugged-in code ({@link Plugged}), is the
 * owner's loop over the snapshot. Safe for use from any thread.
 *
 * @param <L> the listener type
 */
final class ListenerArray<L> {

    private static final VarHandle ARRAY;

    static {
        try {
            ARRAY = MethodHandles.lookup().findVarHandle(ListenerArray.class, "array", Object[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The empty array of the listener type: every new array is copied from one of its kind. */
    private final L[] empty;
    /** Never modified once published: readers iterate it without a lock. */
    private volatile L[] array;

    /**
     * Listeners starting with {@code initial}, in its iteration order.
     *
     * @param empty an empty array of the listener type
     * @param initial the builder's listeners
     */
    ListenerArray(L[] empty, Collection<? extends L> initial) {
        if (empty.length != 0) {
            throw new IllegalArgumentException("empty must have length 0, was " + empty.length);
        }
        this.empty = empty;
        L[] first = initial.toArray(empty);
        for (L l : first) {
            Objects.requireNonNull(l, "listener");
        }
        this.array = first;
    }

    /**
     * The listeners now, in the order added: the array itself, not a copy, so callers must not change it.
     *
     * @return the current array (a later change replaces it, never alters it)
     */
    L[] snapshot() {
        return array;
    }

    /** {@return whether there is no listener now} */
    boolean isEmpty() {
        return array.length == 0;
    }

    /**
     * Adds a listener after those present.
     *
     * @param listener the listener
     * @throws NullPointerException if {@code listener} is null
     */
    void add(L listener) {
        Objects.requireNonNull(listener, "listener");
        L[] ls;
        L[] more;
        do {
            ls = array;
            more = Arrays.copyOf(ls, ls.length + 1);
            more[ls.length] = listener;
        } while (!ARRAY.compareAndSet(this, ls, more));
    }

    /**
     * Removes the first listener equal to {@code listener}.
     *
     * @param listener the listener
     * @return whether one was there
     */
    boolean remove(L listener) {
        while (true) {
            L[] ls = array;
            int i = 0;
            while (i < ls.length && !ls[i].equals(listener)) {
                i++;
            }
            if (i == ls.length) {
                return false;
            }
            L[] fewer = Arrays.copyOf(empty, ls.length - 1);
            System.arraycopy(ls, 0, fewer, 0, i);
            System.arraycopy(ls, i + 1, fewer, i, ls.length - i - 1);
            if (ARRAY.compareAndSet(this, ls, fewer)) {
                return true;
            }
        }
    }

    /** Drops every listener. */
    void clear() {
        array = empty;
    }
}
