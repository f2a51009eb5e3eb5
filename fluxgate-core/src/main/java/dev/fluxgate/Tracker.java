package dev.fluxgate;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Decides which exceptions count as failures. An exception the tracker does not count passes
 * through to the caller unrecorded: it neither fills the window nor breaks a failure streak.
 *
 * <p>Trackers compose like permissions: {@code Tracker.typeOf(IOException.class)
 * .and(Tracker.not(Tracker.typeOf(FileNotFoundException.class)))}. A lambda is a tracker too.
 * Trackers must be stateless and safe for concurrent use; one that throws is treated as having
 * counted the failure, and the problem is logged.
 */
@FunctionalInterface
public interface Tracker {

    /**
     * Returns whether {@code error} counts as a failure.
     *
     * @param error the exception the call threw, never {@code null}
     * @return true if it is a failure
     */
    boolean tracks(Throwable error);

    /**
     * Counts every exception (and {@link Error}) as a failure. The default.
     *
     * @return a tracker that counts everything
     */
    static Tracker all() {
        return Trackers.ALL;
    }

    /**
     * Counts nothing as a failure.
     *
     * @return a tracker that counts nothing
     */
    static Tracker none() {
        return Trackers.NONE;
    }

    /**
     * Counts exceptions that are instances of any of {@code types} (subclasses included).
     *
     * @param types the exception types to count
     * @return a tracker by type
     * @throws IllegalArgumentException if no type is given
     * @throws NullPointerException if {@code types} or one of its elements is null
     */
    @SafeVarargs
    static Tracker typeOf(Class<? extends Throwable>... types) {
        Objects.requireNonNull(types, "types");
        if (types.length == 0) {
            throw new IllegalArgumentException("types must name at least one exception class");
        }
        Class<?>[] copy = new Class<?>[types.length];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = Objects.requireNonNull(types[i], "types[" + i + "]");
        }
        return new Trackers.TypeOf(copy);
    }

    /**
     * Counts what {@code tracker} does not.
     *
     * @param tracker the tracker to invert
     * @return a tracker that counts what {@code tracker} does not
     */
    static Tracker not(Tracker tracker) {
        return Objects.requireNonNull(tracker, "tracker").negate();
    }

    /**
     * Counts an exception when both this and {@code other} count it.
     *
     * @param other the other tracker
     * @return a tracker that needs both
     */
    default Tracker and(Tracker other) {
        Objects.requireNonNull(other, "other");
        return new Trackers.Composite(this, other, true);
    }

    /**
     * Counts an exception when this or {@code other} counts it.
     *
     * @param other the other tracker
     * @return a tracker that needs either
     */
    default Tracker or(Tracker other) {
        Objects.requireNonNull(other, "other");
        return new Trackers.Composite(this, other, false);
    }

    /**
     * Counts what this tracker does not.
     *
     * @return a tracker that counts what this one does not
     */
    default Tracker negate() {
        return new Trackers.Not(this);
    }
}

/** The tracker implementations; each reads as its factory in {@code toString}. */
final class Trackers {
    private Trackers() {
    }

    static final Tracker ALL = new Tracker() {
        @Override
        public boolean tracks(Throwable error) {
            return true;
        }

        @Override
        public String toString() {
            return "all()";
        }
    };

    static final Tracker NONE = new Tracker() {
        @Override
        public boolean tracks(Throwable error) {
            return false;
        }

        @Override
        public String toString() {
            return "none()";
        }
    };

    // equals, hashCode and toString compare and print the contents; an array keeps tracks() free of iterators.
    @SuppressWarnings("ArrayRecordComponent")
    record TypeOf(Class<?>[] types) implements Tracker {
        @Override
        public boolean tracks(Throwable error) {
            for (Class<?> type : types) {
                if (type.isInstance(error)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TypeOf t && Arrays.equals(types, t.types);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(types);
        }

        @Override
        public String toString() {
            return Arrays.stream(types).map(Class::getSimpleName).collect(Collectors.joining(", ", "typeOf(", ")"));
        }
    }

    record Composite(Tracker left, Tracker right, boolean and) implements Tracker {
        @Override
        public boolean tracks(Throwable error) {
            return and ? left.tracks(error) && right.tracks(error) : left.tracks(error) || right.tracks(error);
        }

        @Override
        public String toString() {
            return "(" + left + (and ? " and " : " or ") + right + ")";
        }
    }

    record Not(Tracker tracker) implements Tracker {
        @Override
        public boolean tracks(Throwable error) {
            return !tracker.tracks(error);
        }

        @Override
        public Tracker negate() {
            return tracker;
        }

        @Override
        public String toString() {
            return "not(" + tracker + ")";
        }
    }
}
