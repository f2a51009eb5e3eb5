package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Model-based test of the whole breaker: seeded random sequences of calls, held permits settled
 * later, time moves, and manual commands, run against the real breaker and against a naive
 * single-threaded model of the documented semantics. After every step the state, the window
 * figures, the lifetime counters and the listener events must agree.
 *
 * <p>The policies' own arithmetic (a tripper's rule, a cooldown's wait, a permit's share) is taken
 * from the policy objects, drawing from an identically seeded random source; what is checked here
 * is the breaker: which window it keeps, what it asks and when, how it moves, fences and counts.
 *
 * <p>A failure prints the seed; replay it with {@code -Dfluxgate.seed=<seed>}.
 */
class BreakerModelTest {

    private static final int RUNS = Integer.getInteger("fluxgate.runs", 300);
    private static final int STEPS = 250;
    private static final long SECOND = 1_000_000_000L;
    private static final Duration SLOW = Duration.ofSeconds(1);

    @Test
    void breakerAgreesWithTheReferenceModelOnSeededRandomSequences() {
        Long fixed = Long.getLong("fluxgate.seed");
        long base = fixed != null ? fixed : System.nanoTime();
        int runs = fixed != null ? 1 : RUNS;
        for (int i = 0; i < runs; i++) {
            long seed = base + i;
            try {
                new Run(seed).go();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("BreakerModelTest failed with seed " + seed
                        + " (replay: -Dfluxgate.seed=" + seed + "): " + e.getMessage(), e);
            }
        }
    }

    /** What a settled call reports. */
    enum Outcome { SUCCESS, FAILURE, IGNORED, BAD_RESULT, RELEASE }

    /** A permit as the model sees it. */
    record MPermit(long gen, State state, boolean probe) {
    }

    /** A permit held by the test: the breaker's long and the model's view of it. */
    record Held(long real, MPermit model) {
    }

    /** One recorded call in the model's window. */
    record Entry(long epoch, boolean failure, long duration) {
    }

    static final class Run {
        final long seed;
        final Random rnd;
        final AtomicLong now = new AtomicLong(5 * SECOND);
        final List<String> events = new ArrayList<>();

        // configuration
        final boolean countWindow;
        final int size;
        final long bucket;
        final int buckets;
        final Tripper tripper;
        final Cooldown cooldown;
        final Permit permit;
        final int maxProbes;
        final int closeAfter;
        final long halfOpenTimeout;
        final boolean resultPredicate;
        final boolean slowTracked;
        final boolean timed;
        /** Whether the configuration itself needs durations (only then does the window keep them). */
        final boolean configTimed;
        final String description;
        final CircuitBreaker cb;

        // the model
        final Random modelRandom;
        State state = State.CLOSED;
        long gen;
        final Deque<Entry> window = new ArrayDeque<>();
        int streak;
        int reopens;
        long openUntil;
        long halfOpenSince;
        long lastProbeAdmitted;
        long stateSince;
        /** Probe slots taken in this half-open period: kept by a probe that settles, given back by one released. */
        int probes;
        /** Probe outcomes recorded in this half-open period. */
        int settled;
        int halfOpenSuccesses;
        long successes;
        long failures;
        long ignored;
        long rejected;
        long stale;
        long transitions;
        final List<String> modelEvents = new ArrayList<>();
        final List<Held> held = new ArrayList<>();

        Run(long seed) {
            this.seed = seed;
            this.rnd = new Random(seed);
            countWindow = rnd.nextBoolean();
            size = 1 + rnd.nextInt(8);
            bucket = (1 + rnd.nextInt(3)) * SECOND;
            buckets = 1 + rnd.nextInt(4);
            int minRequests = 1 + rnd.nextInt(countWindow ? size : 6);
            double[] rates = {0.25, 0.5, 0.75, 1.0};
            double rate = rates[rnd.nextInt(rates.length)];
            boolean needsDurations;
            switch (rnd.nextInt(6)) {
                case 0 -> {
                    tripper = Tripper.minRequests(minRequests).and(Tripper.failureRate(rate));
                    needsDurations = false;
                }
                case 1 -> {
                    tripper = Tripper.failureStreak(1 + rnd.nextInt(4));
                    needsDurations = false;
                }
                case 2 -> {
                    tripper = Tripper.minRequests(minRequests).and(
                            Tripper.closed().and(Tripper.failureRate(rate))
                                    .or(Tripper.halfOpened().and(Tripper.failureRate(rates[rnd.nextInt(4)]))));
                    needsDurations = false;
                }
                case 3 -> {
                    tripper = Tripper.failureStreak(1 + rnd.nextInt(4))
                            .or(Tripper.minRequests(minRequests).and(Tripper.slowRate(rate, SLOW)));
                    needsDurations = true;
                }
                case 4 -> {
                    tripper = Tripper.minRequests(minRequests).and(Tripper.avgLatency(SLOW));
                    needsDurations = true;
                }
                default -> {
                    tripper = Tripper.halfOpened().and(Tripper.failureStreak(1))
                            .or(Tripper.closed().and(Tripper.minRequests(minRequests)).and(Tripper.failureRate(rate)));
                    needsDurations = false;
                }
            }
            switch (rnd.nextInt(6)) {
                case 0 -> cooldown = Cooldown.none();
                case 1 -> cooldown = Cooldown.fixed(Duration.ofSeconds(1 + rnd.nextInt(5)));
                case 2 -> cooldown = Cooldown.exponential(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10));
                case 3 -> cooldown = Cooldown.fixed(Duration.ofSeconds(2)).withJitter(0.5);
                case 4 -> cooldown = Cooldown.exponential(Duration.ofMillis(500), 3.0, Duration.ofSeconds(20)).withJitter(0.2);
                default -> cooldown = rnd.nextInt(4) == 0 ? Cooldown.manual() : Cooldown.fixed(Duration.ofSeconds(3));
            }
            switch (rnd.nextInt(4)) {
                case 0 -> permit = Permit.random(0.5);
                case 1 -> permit = Permit.rampUp(0.2, 1.0, Duration.ofSeconds(5));
                default -> permit = Permit.all();
            }
            maxProbes = 1 + rnd.nextInt(3);
            closeAfter = 1 + rnd.nextInt(maxProbes); // more could never close a period: build() rejects it
            halfOpenTimeout = (1 + rnd.nextInt(10)) * SECOND;
            resultPredicate = rnd.nextBoolean();
            boolean slowSetting = rnd.nextInt(4) == 0;
            boolean callEvents = rnd.nextInt(4) == 0;
            slowTracked = slowSetting || tripper.toString().contains("slowRate");
            configTimed = needsDurations || slowSetting;
            timed = configTimed || callEvents;

            CircuitBreaker.Builder b = CircuitBreaker.builder("model")
                    .window(countWindow ? Window.count(size)
                            : Window.time(Duration.ofNanos(bucket * buckets), Duration.ofNanos(bucket)))
                    .tracker(Tracker.typeOf(IOException.class))
                    .tripper(tripper)
                    .cooldown(cooldown)
                    .permit(permit)
                    .maxHalfOpenCalls(maxProbes)
                    .closeAfterSuccesses(closeAfter)
                    .halfOpenTimeout(Duration.ofNanos(halfOpenTimeout))
                    .ticker(now::get)
                    .random(new Random(seed * 31 + 7))
                    .listener(t -> events.add(t.from() + "->" + t.to()));
            if (resultPredicate) {
                b.failureOnResult(r -> "bad".equals(r));
            }
            if (slowSetting) {
                b.slowCallThreshold(SLOW);
            }
            if (callEvents) {
                b.listener(new Listener() {
                    @Override
                    public void onTransition(Transition transition) {
                    }

                    @Override
                    public void onSuccess(CircuitBreaker breaker, long durationNanos) {
                    }
                });
            }
            cb = b.build();
            modelRandom = new Random(seed * 31 + 7);
            stateSince = now.get();
            description = cb.configuration().toString();
        }

        void go() {
            List<String> trail = new ArrayList<>();
            for (int step = 0; step < STEPS; step++) {
                try {
                    trail.add(step());
                    compare();
                } catch (AssertionError e) {
                    throw new AssertionError("step " + step + " of " + description + "\n  after: "
                            + trail.subList(Math.max(0, trail.size() - 8), trail.size()) + "\n  " + e.getMessage(), e);
                }
            }
        }

        // ---- the operations ----

        String step() {
            int r = rnd.nextInt(100);
            if (r < 35) {
                return call();
            } else if (r < 45) {
                return async();
            } else if (r < 55 && held.size() < 5) {
                return hold();
            } else if (r < 68 && !held.isEmpty()) {
                return settle();
            } else if (r < 90) {
                long d = rnd.nextInt(4) == 0 ? rnd.nextInt(12) * SECOND : rnd.nextInt(1500) * 1_000_000L;
                now.addAndGet(d);
                return "advance " + Duration.ofNanos(d);
            } else if (r < 95) {
                cb.reset();
                command(State.CLOSED);
                return "reset";
            } else {
                State to = List.of(State.FORCED_OPEN, State.DISABLED, State.METRICS_ONLY).get(rnd.nextInt(3));
                switch (to) {
                    case FORCED_OPEN -> cb.forceOpen();
                    case DISABLED -> cb.disable();
                    default -> cb.metricsOnly();
                }
                command(to);
                return "command " + to;
            }
        }

        Outcome randomOutcome(boolean allowRelease) {
            int r = rnd.nextInt(allowRelease ? 10 : 9);
            if (r < 4) {
                return Outcome.SUCCESS;
            } else if (r < 7) {
                return Outcome.FAILURE;
            } else if (r < 8) {
                return Outcome.IGNORED;
            } else if (r < 9) {
                return resultPredicate ? Outcome.BAD_RESULT : Outcome.SUCCESS;
            }
            return Outcome.RELEASE;
        }

        long randomDuration() {
            return new long[] {0, SECOND / 2, SECOND, 2 * SECOND, 3 * SECOND}[rnd.nextInt(5)];
        }

        String call() {
            Outcome o = randomOutcome(false);
            long d = randomDuration();
            MPermit p = acquire();
            Object result = null;
            Throwable thrown = null;
            try {
                result = cb.call(() -> {
                    now.addAndGet(d);
                    switch (o) {
                        case FAILURE -> throw new IOException("tracked");
                        case IGNORED -> throw new IllegalStateException("untracked");
                        case BAD_RESULT -> {
                            return "bad";
                        }
                        default -> {
                            return "ok";
                        }
                    }
                });
            } catch (Exception e) {
                thrown = e;
            }
            checkRejection(p, thrown);
            if (p != null) {
                assertThat(thrown == null ? result : thrown.getClass().getSimpleName())
                        .isEqualTo(switch (o) {
                            case FAILURE -> "IOException";
                            case IGNORED -> "IllegalStateException";
                            case BAD_RESULT -> "bad";
                            default -> "ok";
                        });
                settleModel(p, o, timed ? d : 0, true);
            }
            return "call " + o + " " + Duration.ofNanos(d);
        }

        String async() {
            Outcome o = randomOutcome(false);
            MPermit p = acquire();
            CompletableFuture<Object> f = cb.callAsync(() -> switch (o) {
                case FAILURE -> CompletableFuture.failedFuture(new IOException("tracked"));
                case IGNORED -> CompletableFuture.failedFuture(new IllegalStateException("untracked"));
                case BAD_RESULT -> CompletableFuture.completedFuture("bad");
                default -> CompletableFuture.completedFuture("ok");
            });
            assertThat(f).isDone();
            Throwable thrown = f.isCompletedExceptionally() ? f.handle((v, e) -> e).join() : null;
            checkRejection(p, thrown);
            if (p != null) {
                settleModel(p, o, 0, true);
            }
            return "async " + o;
        }

        void checkRejection(MPermit p, Throwable thrown) {
            if (p == null) {
                assertThat(thrown).as("rejected by the model").isInstanceOf(CallNotPermittedException.class);
                CallNotPermittedException e = (CallNotPermittedException) thrown;
                assertThat(e.state()).isEqualTo(rejectedIn);
                assertThat(e.retryAfter()).isEqualTo(retryAfter);
                assertThat(e.getMessage()).isNotEmpty(); // never overflows, whatever the hint
            } else if (thrown != null) {
                assertThat(thrown).as("admitted by the model").isNotInstanceOf(CallNotPermittedException.class);
            }
        }

        String hold() {
            MPermit p = acquire();
            long real = cb.tryAcquirePermission();
            if (p == null) {
                assertThat(real).as("rejected by the model").isEqualTo(CircuitBreaker.NO_PERMISSION);
            } else {
                assertThat(real).as("admitted by the model").isNotEqualTo(CircuitBreaker.NO_PERMISSION);
                held.add(new Held(real, p));
            }
            return "hold " + (p == null ? "rejected" : p);
        }

        String settle() {
            Held h = held.remove(rnd.nextInt(held.size()));
            Outcome o = randomOutcome(true);
            long d = randomDuration();
            switch (o) {
                case SUCCESS -> cb.recordSuccess(h.real(), d);
                case FAILURE -> cb.recordError(h.real(), d, new IOException("tracked"));
                case IGNORED -> cb.recordError(h.real(), d, new IllegalStateException("untracked"));
                case BAD_RESULT -> cb.recordResult(h.real(), d, "bad");
                default -> cb.releasePermission(h.real());
            }
            settleModel(h.model(), o, d, false);
            return "settle " + h.model() + " " + o + " " + Duration.ofNanos(d);
        }

        // ---- the model ----

        State rejectedIn;
        Optional<Duration> retryAfter;

        /** Returns the permit the model grants, or null (then rejectedIn and retryAfter say why). */
        MPermit acquire() {
            long t = now.get();
            for (;;) {
                switch (state) {
                    case CLOSED, METRICS_ONLY, DISABLED -> {
                        return new MPermit(gen, state, false);
                    }
                    case FORCED_OPEN -> {
                        return reject(State.FORCED_OPEN, Optional.empty());
                    }
                    case OPEN -> {
                        if (cooldown.isManual()) {
                            return reject(State.OPEN, Optional.empty());
                        }
                        if (t < openUntil) {
                            return reject(State.OPEN, Optional.of(Duration.ofNanos(openUntil - t)));
                        }
                        halfOpenSince = t;
                        lastProbeAdmitted = t;
                        move(State.HALF_OPEN, t);
                    }
                    default -> {
                        if (!permit.admits(t - halfOpenSince, modelRandom)) {
                            return reject(State.HALF_OPEN, Optional.of(Duration.ZERO));
                        }
                        while (probes >= maxProbes) {
                            if (t - lastProbeAdmitted < halfOpenTimeout) {
                                return reject(State.HALF_OPEN, Optional.of(Duration.ZERO));
                            }
                            newGeneration(); // every lease expired: same state, their outcomes are stale
                        }
                        probes++;
                        lastProbeAdmitted = t;
                        return new MPermit(gen, State.HALF_OPEN, true);
                    }
                }
            }
        }

        MPermit reject(State in, Optional<Duration> after) {
            rejected++;
            rejectedIn = in;
            retryAfter = after;
            return null;
        }

        void settleModel(MPermit p, Outcome o, long duration, boolean viaCall) {
            if (p.state() == State.DISABLED) {
                return;
            }
            if (o == Outcome.RELEASE || o == Outcome.IGNORED) {
                if (o == Outcome.IGNORED) {
                    ignored++;
                }
                if (p.probe() && p.gen() == gen && probes > 0) {
                    probes--;
                }
                return;
            }
            boolean failure = o == Outcome.FAILURE || o == Outcome.BAD_RESULT;
            // The window keeps durations only when the configuration needs them (a listener's need to
            // measure calls does not count), so an untimed window's average stays zero.
            long recorded = configTimed ? duration : 0;
            if (failure) {
                failures++;
            } else {
                successes++;
            }
            if (p.gen() != gen) {
                stale++;
                return;
            }
            if (p.probe()) {
                settled++; // the slot stays taken: a period admits at most maxProbes probes in total
                if (!failure) {
                    halfOpenSuccesses++;
                }
            }
            long t = now.get();
            window.addLast(new Entry(Math.floorDiv(t, bucket), failure, recorded));
            if (countWindow && window.size() > size) {
                window.removeFirst();
            }
            streak = failure ? streak + 1 : 0;
            decide(t);
        }

        void decide(long t) {
            ModelMetrics live = new ModelMetrics(t);
            if (state == State.CLOSED) {
                if (tripper.shouldTrip(State.CLOSED, live)) {
                    open(t, false);
                }
            } else if (state == State.HALF_OPEN) {
                if (tripper.shouldTrip(State.HALF_OPEN, live)) {
                    open(t, true);
                } else if (halfOpenSuccesses >= closeAfter) {
                    reopens = 0;
                    move(State.CLOSED, t);
                } else if (settled >= maxProbes) {
                    open(t, true); // every probe of the period settled without enough successes
                }
            }
        }

        void open(long t, boolean fromHalfOpen) {
            int next = fromHalfOpen ? reopens + 1 : 0;
            long wait = cooldown.delayNanos(next, modelRandom);
            openUntil = wait == Long.MAX_VALUE || t + wait < t ? Long.MAX_VALUE : t + wait;
            reopens = next;
            move(State.OPEN, t);
        }

        void move(State to, long t) {
            modelEvents.add(state + "->" + to);
            transitions++;
            state = to;
            stateSince = t;
            newGeneration();
        }

        void command(State to) {
            State from = state;
            state = to;
            reopens = 0;
            stateSince = now.get();
            newGeneration();
            if (from != to) {
                transitions++;
                modelEvents.add(from + "->" + to);
            }
        }

        void newGeneration() {
            gen++;
            window.clear();
            streak = 0;
            halfOpenSuccesses = 0;
            probes = 0;
            settled = 0;
        }

        /** Reading the breaker makes a due OPEN to HALF_OPEN move, as a call would. */
        void read() {
            long t = now.get();
            if (state == State.OPEN && !cooldown.isManual() && t >= openUntil) {
                halfOpenSince = t;
                lastProbeAdmitted = t;
                move(State.HALF_OPEN, t);
            }
        }

        /** The window as of {@code t}: a count window's last calls, or a time window's unexpired buckets. */
        List<Entry> live(long t) {
            if (countWindow) {
                return List.copyOf(window);
            }
            long head = Math.floorDiv(t, bucket);
            return window.stream().filter(e -> e.epoch() > head - buckets).toList();
        }

        final class ModelMetrics implements Metrics {
            final List<Entry> entries;

            ModelMetrics(long t) {
                entries = live(t);
            }

            @Override
            public int calls() {
                return entries.size();
            }

            @Override
            public int failures() {
                return (int) entries.stream().filter(Entry::failure).count();
            }

            @Override
            public int slowCalls(Duration threshold) {
                return (int) entries.stream().filter(e -> e.duration() >= threshold.toNanos()).count();
            }

            @Override
            public boolean durationsMeasured() {
                return configTimed;
            }

            @Override
            public Optional<Duration> averageDuration() {
                return !configTimed || entries.isEmpty() ? Optional.empty()
                        : Optional.of(Duration.ofNanos(entries.stream().mapToLong(Entry::duration).sum() / entries.size()));
            }

            @Override
            public int consecutiveFailures() {
                return streak;
            }

            @Override
            public long successfulCalls() {
                return successes;
            }

            @Override
            public long failedCalls() {
                return failures;
            }

            @Override
            public long ignoredCalls() {
                return ignored;
            }

            @Override
            public long rejectedCalls() {
                return rejected;
            }

            @Override
            public long staleCalls() {
                return stale;
            }

            @Override
            public long transitions() {
                return transitions;
            }

            @Override
            public int probesInUse() {
                return state == State.HALF_OPEN ? probes - settled : 0;
            }

            @Override
            public Duration timeInState() {
                return Duration.ofNanos(now.get() - stateSince);
            }
        }

        void compare() {
            Metrics m = cb.metrics();
            read();
            ModelMetrics e = new ModelMetrics(now.get());
            assertThat(cb.state()).as("state").isEqualTo(state);
            assertThat(events).as("listener events").isEqualTo(modelEvents);
            assertThat(m.calls()).as("window calls").isEqualTo(e.calls());
            assertThat(m.failures()).as("window failures").isEqualTo(e.failures());
            assertThat(m.consecutiveFailures()).as("failure streak").isEqualTo(e.consecutiveFailures());
            assertThat(m.durationsMeasured()).as("durations measured").isEqualTo(configTimed);
            assertThat(m.averageDuration()).as("average duration").isEqualTo(e.averageDuration());
            if (slowTracked) {
                assertThat(m.slowCalls(SLOW)).as("slow calls").isEqualTo(e.slowCalls(SLOW));
            } else if (!configTimed) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.slowRate(SLOW))
                        .as("slow calls of an unmeasured window").isInstanceOf(IllegalStateException.class);
            }
            assertThat(m.probesInUse()).as("probes in use").isEqualTo(e.probesInUse());
            assertThat(m.successfulCalls()).as("lifetime successes").isEqualTo(successes);
            assertThat(m.failedCalls()).as("lifetime failures").isEqualTo(failures);
            assertThat(m.ignoredCalls()).as("ignored").isEqualTo(ignored);
            assertThat(m.rejectedCalls()).as("rejected").isEqualTo(rejected);
            assertThat(m.staleCalls()).as("stale").isEqualTo(stale);
            assertThat(m.transitions()).as("transitions").isEqualTo(transitions);
            assertThat(m.timeInState()).as("time in state").isEqualTo(e.timeInState());
        }
    }

}
