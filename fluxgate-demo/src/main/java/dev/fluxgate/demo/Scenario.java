package dev.fluxgate.demo;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The script the downstream follows: seven phases (healthy, an outage, a partial recovery, healthy
 * again, a capacity drop, a slow tail, a traffic spike over the service's quota) and, drawn once from a seeded
 * {@link Random}, the fault of every call the load will make.
 *
 * <p>Faults are planned per call, by the call's index, not per arriving request: both clients send
 * call {@code i} at the same moment and the downstream answers it the same way, so the protected
 * and the unprotected run face exactly the same outage. The same seed gives the same plan.
 *
 * <p>Immutable and safe to share between threads.
 */
public final class Scenario {

    /** What the downstream does with one call. */
    public enum Fault {
        /** Answers 200 after its latency. */
        OK,
        /** Answers 503 after its latency. */
        ERROR,
        /** Holds the request for the hang time, then answers 504. */
        HANG
    }

    /**
     * One phase of the scenario.
     *
     * @param name shown in the timeline and the report
     * @param healthy whether the service is meant to be healthy in this phase
     * @param start offset from the start of the run
     * @param end offset from the start of the run (exclusive)
     * @param errorChance chance that a call answers 503
     * @param hangChance chance that a call hangs
     * @param minLatencyMillis fastest answer
     * @param maxLatencyMillis slowest answer (when not hanging)
     * @param slowEvery every {@code slowEvery}-th call of the phase (its first attempt only) is slow; 0 for none
     * @param slowMillis how long a slow call takes to answer 200
     * @param load calls per second in this phase, as a multiple of the scenario's rate
     * @param quota requests per second (of this phase's calls) the service answers; beyond it, 429 with
     *     {@code Retry-After}; 0 for no quota
     */
    public record Phase(String name, boolean healthy, Duration start, Duration end, double errorChance,
            double hangChance, int minLatencyMillis, int maxLatencyMillis, int slowEvery, int slowMillis,
            int load, int quota) {

        /**
         * Validates the phase.
         *
         * @param name shown in the timeline and the report
         * @param healthy whether the service is meant to be healthy in this phase
         * @param start offset from the start of the run
         * @param end offset from the start of the run (exclusive), after {@code start}
         * @param errorChance chance that a call answers 503
         * @param hangChance chance that a call hangs
         * @param minLatencyMillis fastest answer
         * @param maxLatencyMillis slowest answer (when not hanging)
         * @param slowEvery every {@code slowEvery}-th call of the phase is slow, 0 for none; not negative
         * @param slowMillis how long a slow call takes
         * @param load the rate multiple, at least 1
         * @param quota requests per second the service answers, 0 for no quota; not negative
         */
        public Phase {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (end.compareTo(start) <= 0) {
                throw new IllegalArgumentException("phase " + name + " must end after it starts");
            }
            if (slowEvery < 0 || load < 1 || quota < 0) {
                throw new IllegalArgumentException("phase " + name + ": slowEvery and quota must be >= 0 and load >= 1,"
                        + " were " + slowEvery + ", " + quota + ", " + load);
            }
        }

        /**
         * A phase at the scenario's rate, with no slow calls and no quota.
         *
         * @param name shown in the timeline and the report
         * @param healthy whether the service is meant to be healthy in this phase
         * @param start offset from the start of the run
         * @param end offset from the start of the run (exclusive), after {@code start}
         * @param errorChance chance that a call answers 503
         * @param hangChance chance that a call hangs
         * @param minLatencyMillis fastest answer
         * @param maxLatencyMillis slowest answer (when not hanging)
         */
        public Phase(String name, boolean healthy, Duration start, Duration end, double errorChance,
                double hangChance, int minLatencyMillis, int maxLatencyMillis) {
            this(name, healthy, start, end, errorChance, hangChance, minLatencyMillis, maxLatencyMillis, 0, 0, 1, 0);
        }

        /**
         * Whether {@code offset} falls in this phase.
         *
         * @param offset an offset from the start of the run
         * @return whether it is in {@code [start, end)}
         */
        public boolean contains(Duration offset) {
            return offset.compareTo(start) >= 0 && offset.compareTo(end) < 0;
        }
    }

    /** Phase names the summary looks up. */
    static final String OUTAGE = "outage";
    static final String PARTIAL_RECOVERY = "partial recovery";
    static final String HEALTHY_AGAIN = "healthy again";
    static final String CAPACITY_DROP = "capacity drop";
    static final String SLOW_TAIL = "slow tail";
    static final String TRAFFIC_SPIKE = "traffic spike";

    private final List<Phase> phases;
    private final Duration duration;
    private final int rate;
    private final Duration hang;
    private final long seed;
    private final byte[] faults;
    private final short[] latencies;
    private final byte[] phaseOfCall;
    private final long[] scheduled;

    private Scenario(Duration duration, int rate, long seed) {
        this.duration = duration;
        this.rate = rate;
        this.seed = seed;
        this.phases = phases(duration, rate);
        // A hang outlives any sensible client timeout but not the run: 2 s, less on short runs.
        this.hang = Duration.ofMillis(Math.max(500, Math.min(2_000, duration.toMillis() / 15)));
        this.scheduled = schedule(phases, rate);
        int calls = scheduled.length;
        this.faults = new byte[calls];
        this.latencies = new short[calls];
        this.phaseOfCall = new byte[calls];
        Random random = new Random(seed);
        int firstOfPhase = 0;
        for (int i = 0; i < calls; i++) {
            int p = phaseIndexAt(scheduledAt(i));
            if (i > 0 && p != phaseOfCall[i - 1]) {
                firstOfPhase = i;
            }
            Phase phase = phases.get(p);
            double u = random.nextDouble();
            Fault fault = u < phase.hangChance() ? Fault.HANG
                    : u < phase.hangChance() + phase.errorChance() ? Fault.ERROR : Fault.OK;
            int latency = phase.minLatencyMillis()
                    + random.nextInt(phase.maxLatencyMillis() - phase.minLatencyMillis() + 1);
            // Slow calls are keyed on the call's place in its phase, not drawn: exactly one in slowEvery,
            // so the tail is there at every seed and run length.
            if (phase.slowEvery() > 0 && (i - firstOfPhase) % phase.slowEvery() == phase.slowEvery() / 2) {
                fault = Fault.OK;
                latency = phase.slowMillis();
            }
            faults[i] = (byte) fault.ordinal();
            latencies[i] = (short) (fault == Fault.ERROR ? Math.max(1, latency / 4) : latency);
            phaseOfCall[i] = (byte) p;
        }
    }

    /** The moments of every call, in nanoseconds from the start: each phase at its own multiple of the rate. */
    private static long[] schedule(List<Phase> phases, int rate) {
        long[] at = new long[0];
        int n = 0;
        for (Phase phase : phases) {
            long perSecond = (long) rate * phase.load();
            long start = phase.start().toNanos();
            long end = phase.end().toNanos();
            // The phase's k-th call at start + k / perSecond; the first one no earlier than the phase starts.
            long first = Math.floorDiv(start * perSecond + 999_999_999L, 1_000_000_000L);
            for (long k = first; k * 1_000_000_000L / perSecond < end; k++) {
                if (n == at.length) {
                    at = Arrays.copyOf(at, Math.max(16, n * 2));
                }
                at[n++] = k * 1_000_000_000L / perSecond;
            }
        }
        return Arrays.copyOf(at, n);
    }

    /**
     * The standard scenario: 12.5% healthy, 27.5% outage, 20% partial recovery, 7.5% healthy again,
     * 12.5% capacity drop (healthy for this scenario's calls; a second service, driven by {@link
     * CapacityDrop}, loses three quarters of its capacity), 10% slow tail (every 10th call takes 1 s),
     * 10% traffic spike (three times the rate against a quota of 1.5 times it).
     *
     * @param duration the whole run, at least 5 seconds
     * @param rate calls per second the load makes, 1 to 1000 (three times that in the traffic spike)
     * @param seed seed of the fault plan
     * @return the scenario
     */
    public static Scenario standard(Duration duration, int rate, long seed) {
        Objects.requireNonNull(duration, "duration");
        if (duration.compareTo(Duration.ofSeconds(5)) < 0 || duration.compareTo(Duration.ofMinutes(30)) > 0) {
            throw new IllegalArgumentException("duration must be in [5s, 30m], was " + duration);
        }
        if (rate < 1 || rate > 1000) {
            throw new IllegalArgumentException("rate must be in [1, 1000], was " + rate);
        }
        return new Scenario(duration, rate, seed);
    }

    private static List<Phase> phases(Duration d, int rate) {
        // The partial recovery keeps 20% (12 s of the default run): shorter, a breaker that reopens on a
        // failed probe spends most of it open and the phase shows only rejections, not the recovery.
        Duration a = scale(d, 0.125);
        Duration b = scale(d, 0.40);
        Duration c = scale(d, 0.60);
        Duration e = scale(d, 0.675);
        Duration g = scale(d, 0.80);
        Duration f = scale(d, 0.90);
        return List.of(
                new Phase("healthy", true, Duration.ZERO, a, 0.01, 0.0, 10, 40),
                new Phase(OUTAGE, false, a, b, 0.40, 0.50, 20, 200),
                new Phase(PARTIAL_RECOVERY, false, b, c, 0.22, 0.04, 30, 150),
                new Phase(HEALTHY_AGAIN, true, c, e, 0.01, 0.0, 10, 40),
                // Healthy for these calls (the breaker has longer to close); the capacity-drop service of
                // CapacityDrop runs beside it, with its own two clients.
                new Phase(CAPACITY_DROP, true, e, g, 0.01, 0.0, 10, 40),
                // Slow, not failing: every 10th call answers 200 after 1 s, far above a hedge's delay.
                new Phase(SLOW_TAIL, true, g, f, 0.01, 0.0, 10, 40, 10, SLOW_MILLIS, 1, 0),
                // Three times the load; the service answers 1.5 times the rate and 429 beyond.
                new Phase(TRAFFIC_SPIKE, true, f, d, 0.01, 0.0, 10, 40, 0, 0, 3, quota(rate)));
    }

    /** How long a slow call of the slow tail takes. */
    static final int SLOW_MILLIS = 1_000;

    /**
     * The quota the service enforces in the traffic spike, in requests per second: 1.5 times the rate.
     *
     * @param rate the scenario's rate
     * @return the quota
     */
    static int quota(int rate) {
        return Math.max(1, rate * 3 / 2);
    }

    /**
     * The phase called {@code name}, by index.
     *
     * @param name a phase's name
     * @return its index in {@link #phases()}
     * @throws IllegalArgumentException if there is none
     */
    public int indexOf(String name) {
        for (int i = 0; i < phases.size(); i++) {
            if (phases.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no phase " + name);
    }

    /**
     * The phase called {@code name}.
     *
     * @param name a phase's name
     * @return the phase
     * @throws IllegalArgumentException if there is none
     */
    public Phase phase(String name) {
        return phases.get(indexOf(name));
    }

    private static Duration scale(Duration d, double fraction) {
        return Duration.ofMillis(Math.round(d.toMillis() * fraction));
    }

    /** {@return the phases, in order, covering the whole run} */
    public List<Phase> phases() {
        return phases;
    }

    /** {@return the length of the run} */
    public Duration duration() {
        return duration;
    }

    /** {@return the calls per second the load makes (a phase may make a multiple of it)} */
    public int rate() {
        return rate;
    }

    /** {@return how long a hanging call holds the request before answering 504} */
    public Duration hang() {
        return hang;
    }

    /** {@return the seed of the fault plan} */
    public long seed() {
        return seed;
    }

    /** {@return the number of calls the load makes} */
    public int calls() {
        return faults.length;
    }

    /**
     * When call {@code index} is sent, as an offset from the start of the run.
     *
     * @param index the call's index
     * @return the offset at which it is sent
     */
    public Duration scheduledAt(int index) {
        return Duration.ofNanos(scheduled[index]);
    }

    /**
     * The fault planned for call {@code index}.
     *
     * @param index the call's index
     * @return the planned fault
     */
    public Fault fault(int index) {
        return Fault.values()[faults[index]];
    }

    /**
     * The latency planned for call {@code index}, in milliseconds (a hang lasts {@link #hang()} instead).
     *
     * @param index the call's index
     * @return the planned latency in milliseconds
     */
    public int latencyMillis(int index) {
        return latencies[index];
    }

    /**
     * The fault of retry {@code attempt} (1 for the first retry) of call {@code index}: drawn like the
     * call's own, with its phase's chances, from a generator seeded by the seed, the call and the
     * attempt, so a retry is a fresh try that every run with this seed sees alike.
     *
     * @param index the call's index
     * @param attempt the retry, from 1
     * @return the retry's fault
     */
    public Fault fault(int index, int attempt) {
        return attempt == 0 ? fault(index) : Fault.values()[(int) (retryDraw(index, attempt) & 0xff)];
    }

    /**
     * The latency of retry {@code attempt} of call {@code index}, in milliseconds.
     *
     * @param index the call's index
     * @param attempt the retry, from 1
     * @return the retry's latency in milliseconds
     */
    public int latencyMillis(int index, int attempt) {
        return attempt == 0 ? latencyMillis(index) : (int) (retryDraw(index, attempt) >>> 8);
    }

    private long retryDraw(int index, int attempt) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index * 1_000_003L + attempt);
        Phase phase = phaseOf(index);
        double u = random.nextDouble();
        Fault fault = u < phase.hangChance() ? Fault.HANG
                : u < phase.hangChance() + phase.errorChance() ? Fault.ERROR : Fault.OK;
        int latency = random.nextInt(phase.minLatencyMillis(), phase.maxLatencyMillis() + 1);
        if (fault == Fault.ERROR) {
            latency = Math.max(1, latency / 4);
        }
        return ((long) latency << 8) | fault.ordinal();
    }

    /**
     * The phase call {@code index} belongs to.
     *
     * @param index the call's index
     * @return its phase
     */
    public Phase phaseOf(int index) {
        return phases.get(phaseOfCall[index]);
    }

    /**
     * The phase at {@code offset} from the start; the last phase for offsets past the end.
     *
     * @param offset an offset from the start of the run
     * @return the phase at that offset
     */
    public Phase phaseAt(Duration offset) {
        return phases.get(phaseIndexAt(offset));
    }

    private int phaseIndexAt(Duration offset) {
        for (int i = 0; i < phases.size(); i++) {
            if (phases.get(i).contains(offset)) {
                return i;
            }
        }
        return offset.isNegative() ? 0 : phases.size() - 1;
    }
}
