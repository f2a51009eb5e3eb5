package dev.fluxgate;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The deadlines of calls that run on their caller's own thread ({@link Timeout.Builder#onCallerThread()}):
 * when a call's time is up, its thread is interrupted, and the interrupt is taken back before the call
 * returns, so it never reaches the caller's code after the call.
 *
 * <p>A call takes a free {@link Watch} from a shared array (no allocation, no lock), stamps it with its
 * thread and deadline, and gives it back when the task ends. One daemon thread, the watchdog, sleeps until
 * the earliest deadline it knows of, interrupts the threads whose watches are past their deadline, and
 * sleeps again. A call wakes it only when its deadline is earlier than the one the watchdog sleeps
 * towards (or the watchdog has nothing to wait for), so calls of one timeout that end in time cost no
 * wake-up at all: the watchdog wakes about once per timeout period and finds their watches given back.
 *
 * <p>Who settles a watch: the call, by taking its armed watch back ({@link Watch#disarm()} returns
 * {@code true}), or the watchdog (or a scheduled task, for a timeout with its own scheduler), by firing it
 * first; one compare-and-set decides. A watch's state counts its uses above the phase bits, so a watchdog
 * that read a watch during one call cannot fire it during the next.
 */
final class CallerDeadlines {

    // A watch's state: phase in the low 3 bits, the number of times it was taken above them.
    static final long FREE = 0;
    static final long CLAIMED = 1; // taken, not yet armed, or being given back: the watchdog leaves it alone
    static final long ARMED = 2;
    static final long FIRING = 3; // the watchdog is interrupting the thread
    static final long FIRED = 4;
    private static final long PHASE = 7;
    private static final long USE = 8;
    private static final long NONE = Long.MAX_VALUE; // the watchdog has no deadline to wait for

    private static final VarHandle STATE;
    private static final VarHandle WATCHES;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            STATE = lookup.findVarHandle(WatchFields.class, "state", long.class);
            WATCHES = lookup.findStaticVarHandle(CallerDeadlines.class, "watches", Watch[].class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The shared watches; replaced by a larger copy (holding the same watches) when every one is taken. */
    private static volatile Watch[] watches = newWatches(new Watch[0], initialLength());
    /** The deadline the watchdog sleeps towards, or {@link #NONE}. */
    private static volatile long nextWake = NONE;

    private CallerDeadlines() {
    }

    /**
     * Arms a shared watch for the current thread, firing {@code timeoutNanos} from now.
     *
     * @param timeoutNanos the time the call has
     * @return the watch, to {@linkplain Watch#disarm() disarm} when the task ends
     */
    static Watch arm(long timeoutNanos) {
        Thread thread = Thread.currentThread();
        long deadline = System.nanoTime() + timeoutNanos;
        Watch watch = claim(thread);
        watch.thread = thread;
        watch.deadline = deadline;
        watch.state = watch.state - CLAIMED + ARMED; // a volatile write, so ordered before the read below
        long wake = nextWake;
        if (wake == NONE || deadline - wake < 0) {
            LockSupport.unpark(Watchdog.THREAD); // earlier than the watchdog's next wake-up
        }
        return watch;
    }

    /**
     * A watch of its own, armed for the current thread, that only {@link Watch#fire(long)} fires: for a
     * timeout whose deadlines a scheduler keeps.
     *
     * @return the armed watch; its state to fire is {@link Watch#armedState()}
     */
    static Watch armAlone() {
        Watch watch = new Watch();
        watch.thread = Thread.currentThread();
        watch.state = USE | ARMED;
        return watch;
    }

    private static Watch claim(Thread thread) {
        // Threads start at different watches, so they rarely compete for one.
        int start = (int) (thread.getId() * 0x9E3779B9L);
        for (;;) {
            Watch[] all = watches;
            int mask = all.length - 1;
            for (int i = 0; i < all.length; i++) {
                Watch w = all[(start + i) & mask];
                long s = w.state;
                if ((s & PHASE) == FREE && STATE.compareAndSet(w, s, s + USE + CLAIMED)) {
                    return w;
                }
            }
            grow(all);
        }
    }

    /**
     * Every watch is taken: doubles the array, keeping the watches it had (armed ones stay armed). Of
     * concurrent growers one wins; the others claim from its array. It never shrinks: it holds as many
     * watches as calls were once timed at the same moment.
     */
    private static void grow(Watch[] seen) {
        WATCHES.compareAndSet(seen, newWatches(seen, seen.length * 2));
    }

    /** A power of two (probing masks with it), room for four timed calls per processor, at least 16. */
    private static int initialLength() {
        int length = 16;
        while (length < Runtime.getRuntime().availableProcessors() * 4) {
            length <<= 1;
        }
        return length;
    }

    private static Watch[] newWatches(Watch[] old, int length) {
        Watch[] all = new Watch[length];
        System.arraycopy(old, 0, all, 0, old.length);
        for (int i = old.length; i < length; i++) {
            all[i] = new Watch();
        }
        return all;
    }

    /** One round of the watchdog: fires the watches past their deadline; returns the earliest deadline left. */
    static long fireExpired() {
        long now = System.nanoTime();
        long earliest = NONE;
        for (Watch w : watches) {
            long s = w.state;
            if ((s & PHASE) != ARMED) {
                continue;
            }
            long deadline = w.deadline; // written before the state that armed it
            if (deadline - now <= 0) {
                w.fire(s);
            } else if (earliest == NONE || deadline - earliest < 0) {
                earliest = deadline;
            }
        }
        return earliest;
    }

    // Left-hand padding: keeps two busy watches off one cache line.
    @SuppressWarnings("unused")
    abstract static class WatchPad {
        long p01, p02, p03, p04, p05, p06, p07;
    }

    /** The fields of a watch (between the paddings). */
    abstract static class WatchFields extends WatchPad {
        volatile long state;
        long deadline;
        @Nullable Thread thread;
    }

    /** One call's deadline: whose thread to interrupt, and when. */
    @SuppressWarnings("unused")
    static final class Watch extends WatchFields {
        long p11, p12, p13, p14, p15, p16, p17;

        /** {@return the state in which this watch (from {@link #armAlone()}) is armed} */
        long armedState() {
            return USE | ARMED;
        }

        /**
         * Fires this watch if it is still armed in state {@code armed}: interrupts its thread.
         *
         * @param armed the state in which it was seen armed
         */
        void fire(long armed) {
            if (!STATE.compareAndSet(this, armed, armed - ARMED + FIRING)) {
                return; // given back, or taken by a later call
            }
            try {
                Thread t = thread;
                if (t != null) {
                    t.interrupt();
                }
            } finally {
                state = armed - ARMED + FIRED;
            }
        }

        /**
         * Gives this watch back when the task has ended; called once, by the call's own thread.
         *
         * @return {@code true} if the call ended in time; {@code false} if the watch fired, in which case
         *         the interrupt it delivered has been taken back (the thread's interrupt status is clear)
         */
        boolean disarm() {
            long s = state;
            boolean inTime = (s & PHASE) == ARMED && STATE.compareAndSet(this, s, s - ARMED + CLAIMED);
            if (!inTime) {
                // Fired (or firing): wait for the interrupt to land (the watchdog is between two writes, but
                // may have lost its core), then clear it.
                int spins = 0;
                while (((s = state) & PHASE) != FIRED) {
                    if (++spins < 100) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(10_000L);
                    }
                }
                Thread.interrupted();
            }
            thread = null;
            STATE.setRelease(this, (s & ~PHASE) | FREE);
            return inTime;
        }
    }

    /** The daemon thread that keeps the shared watches' deadlines. */
    private static final class Watchdog {
        static final Thread THREAD = start();

        private static Thread start() {
            Thread t = new Thread(Watchdog::watch, "fluxgate-timeout-watchdog");
            t.setDaemon(true);
            t.setContextClassLoader(null); // lives as long as the JVM: must not hold an application's loader
            t.start();
            return t;
        }

        private static void watch() {
            for (;;) {
                try {
                    watchOnce();
                } catch (RuntimeException | Error e) { // e.g. OutOfMemoryError: the deadlines must still be kept
                    System.getLogger(CallerDeadlines.class.getName()).log(System.Logger.Level.ERROR,
                            "fluxgate-timeout-watchdog: a round failed; going on", e);
                }
            }
        }

        private static void watchOnce() {
            for (;;) {
                long next = fireExpired();
                nextWake = next;
                // A call armed during that round saw the old nextWake and may not have woken us: look again.
                long again = fireExpired();
                if (again != NONE && (next == NONE || again - next < 0)) {
                    continue;
                }
                if (next == NONE) {
                    LockSupport.park(CallerDeadlines.class);
                } else {
                    LockSupport.parkNanos(CallerDeadlines.class, next - System.nanoTime());
                }
            }
        }
    }
}
