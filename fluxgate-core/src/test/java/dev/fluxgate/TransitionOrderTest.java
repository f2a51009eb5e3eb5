package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * Regression: listeners heard a breaker's transitions out of order. The OPEN to HALF_OPEN move was a
 * compare-and-set outside the breaker's lock and was published after it, outside any lock, so a later
 * transition made by another thread (the failed probe's HALF_OPEN to OPEN) could reach the listeners
 * first: they saw {@code [OPEN, OPEN, HALF_OPEN]}. Now every transition is queued under the lock in
 * generation order and delivered from that queue by one thread at a time.
 */
class TransitionOrderTest {

    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: the tests compare outcomes, not traces
    private static final IOException DOWN = new IOException("down");

    private final TestTicker ticker = new TestTicker();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void shutdown() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private CircuitBreaker.Builder builder() {
        return CircuitBreaker.builder("order").ticker(ticker).window(Window.count(10))
                .tripper(Tripper.failureStreak(1)).cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                .permit(Permit.all()).maxHalfOpenCalls(1);
    }

    /** A listener that records what it hears and, on one chosen state, waits inside the event until released. */
    private static final class Gate implements Listener {
        final List<String> heard = new CopyOnWriteArrayList<>();
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final State holdOn;
        volatile boolean held;

        Gate(State holdOn) {
            this.holdOn = holdOn;
        }

        @Override
        public void onTransition(Transition t) {
            heard.add(t.to() + " on " + Thread.currentThread().getName());
            if (t.to() == holdOn && !held) {
                held = true;
                inside.countDown();
                try {
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        List<String> states() {
            return heard.stream().map(h -> h.substring(0, h.indexOf(' '))).toList();
        }
    }

    @Test
    void aProbeFailingWhileTheHalfOpenMoveIsStillBeingDeliveredIsHeardAfterIt() throws Exception {
        Gate gate = new Gate(State.HALF_OPEN);
        CircuitBreaker cb = builder().listener(gate).build();
        assertThatThrownBy(() -> cb.run(() -> sneaky(DOWN))).isSameAs(DOWN);
        ticker.advance(Duration.ofSeconds(10));

        // A reader makes the OPEN to HALF_OPEN move and is held inside its delivery.
        Future<State> reader = pool.submit(() -> {
            Thread.currentThread().setName("reader");
            return cb.state();
        });
        assertThat(gate.inside.await(30, TimeUnit.SECONDS)).isTrue();

        // Meanwhile the probe fails and reopens the breaker: this caller returns at once, its transition
        // waiting behind the one still being delivered (it used to be heard first).
        assertThatThrownBy(() -> cb.run(() -> sneaky(DOWN))).isSameAs(DOWN);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(gate.states()).containsExactly("OPEN", "HALF_OPEN");

        gate.release.countDown();
        assertThat(reader.get(30, TimeUnit.SECONDS)).as("read after delivering, so already reopened").isEqualTo(State.OPEN);
        assertThat(gate.states()).containsExactly("OPEN", "HALF_OPEN", "OPEN");
        assertThat(gate.heard.get(2)).as("delivered by the thread that was delivering already").endsWith("on reader");
    }

    @Test
    void aCommandWhileAnEarlierTransitionIsBeingDeliveredReturnsAtOnceAndIsHeardAfterIt() throws Exception {
        Gate gate = new Gate(State.OPEN);
        CircuitBreaker cb = builder().listener(gate).build();
        Future<?> tripper = pool.submit(() -> {
            Thread.currentThread().setName("tripper");
            return cb.call(() -> sneaky(DOWN));
        });
        assertThat(gate.inside.await(30, TimeUnit.SECONDS)).isTrue();

        cb.forceOpen();
        cb.reset();
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(gate.states()).as("nothing overtakes the held delivery").containsExactly("OPEN");

        gate.release.countDown();
        assertThatThrownBy(() -> tripper.get(30, TimeUnit.SECONDS)).hasCause(DOWN);
        assertThat(gate.heard).containsExactly("OPEN on tripper", "FORCED_OPEN on tripper", "CLOSED on tripper");
    }

    @Test
    void aListenerThatCommandsItsBreakerHearsTheNestedTransitionAfterTheCurrentOneNotInsideIt() {
        List<String> events = new ArrayList<>();
        CircuitBreaker cb = builder().build();
        cb.addListener(t -> {
            events.add("begin " + t.to());
            if (t.to() == State.OPEN) {
                cb.reset(); // a listener that closes the breaker again at once
            }
            events.add("end " + t.to());
        });
        cb.addListener(t -> events.add("second " + t.to()));

        assertThatThrownBy(() -> cb.run(() -> sneaky(DOWN))).isSameAs(DOWN);

        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(events).containsExactly("begin OPEN", "end OPEN", "second OPEN",
                "begin CLOSED", "end CLOSED", "second CLOSED");
    }

    @RepeatedTest(20)
    void underRacingCallersAndCommandsEveryTransitionStartsWhereThePreviousOneEnded() throws Exception {
        List<Transition> heard = new CopyOnWriteArrayList<>();
        AtomicLong millis = new AtomicLong();
        CircuitBreaker cb = CircuitBreaker.builder("chain").ticker(ticker).window(Window.count(4))
                .clock(() -> Instant.ofEpochMilli(millis.incrementAndGet()))
                .tripper(Tripper.failureStreak(2)).cooldown(Cooldown.none()).permit(Permit.all())
                .maxHalfOpenCalls(2).listener(heard::add).build();
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            futures.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                ThreadLocalRandom random = ThreadLocalRandom.current();
                for (int i = 0; i < 2_000; i++) {
                    if (id == 0 && i % 97 == 0) {
                        cb.reset();
                    } else if (id == 1 && i % 211 == 0) {
                        cb.forceOpen();
                        cb.reset();
                    } else {
                        long p = cb.tryAcquirePermission();
                        if (p != CircuitBreaker.NO_PERMISSION) {
                            if (random.nextInt(3) == 0) {
                                cb.recordSuccess(p, 0);
                            } else {
                                cb.recordError(p, 0, DOWN);
                            }
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        assertThat(heard).hasSizeGreaterThan(10);
        long transitions = cb.metrics().transitions(); // first: with no cooldown, reading may move OPEN to HALF_OPEN
        assertThat((long) heard.size()).isEqualTo(transitions);
        assertThat(heard.get(0).from()).isEqualTo(State.CLOSED);
        for (int i = 1; i < heard.size(); i++) {
            assertThat(heard.get(i).from()).as("transition %d: %s after %s", i, heard.get(i), heard.get(i - 1))
                    .isEqualTo(heard.get(i - 1).to());
            assertThat(heard.get(i).at()).as("stamped when delivered, so in order too").isAfter(heard.get(i - 1).at());
        }
    }

    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"}) // a sneaky throw: T fits any expression, on purpose
    private static <T, E extends Throwable> T sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
