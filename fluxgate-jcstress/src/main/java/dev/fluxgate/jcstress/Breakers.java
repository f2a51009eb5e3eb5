package dev.fluxgate.jcstress;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Listener;
import dev.fluxgate.Permit;
import dev.fluxgate.State;
import dev.fluxgate.Ticker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** Builds breakers in a known state for the stress tests, single-threaded, before the actors start. */
final class Breakers {

    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: the tests observe states, not traces
    static final IOException BOOM = new IOException("boom");

    /**
     * The breaker logs a warning each time a hung probe's lease expires; here that is the point of a
     * test and would print millions of lines. Held strongly so the setting is not collected.
     */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("dev.fluxgate.CircuitBreaker");

    static {
        QUIET.setLevel(java.util.logging.Level.OFF);
    }

    private Breakers() {
    }

    /** A ticker that moves only when a test moves it. */
    static final class StressTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong();

        @Override
        public long read() {
            return nanos.get();
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    /** Counts transitions into one state. */
    static final class Counter implements Listener {
        final State to;
        final AtomicInteger count = new AtomicInteger();

        Counter(State to) {
            this.to = to;
        }

        @Override
        public void onTransition(dev.fluxgate.Transition t) {
            if (t.to() == to) {
                count.incrementAndGet();
            }
        }
    }

    /** A breaker that trips on one failure and probes at once (no cooldown), every call admitted as a probe. */
    static CircuitBreaker.Builder tripsOnFirstFailure(Ticker ticker) {
        return CircuitBreaker.builder("stress")
                .window(Window.count(10))
                .tripper(Tripper.failureStreak(1))
                .cooldown(Cooldown.none())
                .permit(Permit.all())
                .ticker(ticker);
    }

    /** Trips a CLOSED breaker with one failure (with no cooldown left, reading it already finds it HALF_OPEN). */
    static void trip(CircuitBreaker cb) {
        cb.recordError(cb.acquirePermission(), 0, BOOM);
        State s = cb.state();
        check(s == State.OPEN || s == State.HALF_OPEN, cb);
    }

    /** Builds, trips and moves the breaker to HALF_OPEN with no probe in flight. */
    static CircuitBreaker halfOpen(CircuitBreaker.Builder b) {
        CircuitBreaker cb = b.build();
        trip(cb);
        long p = cb.acquirePermission(); // the cooldown is over: OPEN -> HALF_OPEN, and this call is a probe
        cb.releasePermission(p);
        check(cb.state() == State.HALF_OPEN && cb.metrics().probesInUse() == 0, cb);
        return cb;
    }

    static int admitted(long permit) {
        return permit == CircuitBreaker.NO_PERMISSION ? 0 : 1;
    }

    static void check(boolean ok, CircuitBreaker cb) {
        if (!ok) {
            throw new IllegalStateException("setup failed: " + cb + " " + cb.metrics());
        }
    }
}
