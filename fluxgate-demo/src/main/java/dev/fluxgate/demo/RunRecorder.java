package dev.fluxgate.demo;

import dev.fluxgate.State;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Everything measured about one run: each call's start, end and outcome, the breaker's state
 * changes, and samples of its window's failure rate, bucketed by time for the timeline and the
 * charts.
 *
 * <p>Times are nanoseconds on one monotonic source, passed in by the caller: the live demo passes
 * {@link System#nanoTime()}, the trace replay its virtual clock. Outcomes and latencies count in the
 * bucket where the call completed (what a caller saw in that second); {@code started} counts where
 * it began.
 *
 * <p>Thread-safe: one {@link ReentrantLock} guards the figures; at a few hundred calls a second it
 * is never contended for long.
 */
public final class RunRecorder {

    /** How a call ended, as its caller saw it. */
    public enum Outcome {
        /** A good answer. */
        SUCCESS,
        /** An error answer or a broken connection. */
        FAILURE,
        /** The client gave up waiting. */
        TIMEOUT,
        /** Refused before reaching the downstream (the breaker was open, the bulkhead full, no rate permit). */
        REJECTED
    }

    /**
     * One call.
     *
     * @param start when it started, nanoseconds since the run began
     * @param end when it completed, nanoseconds since the run began
     * @param outcome how it ended
     */
    public record Call(long start, long end, Outcome outcome) {

        /** {@return how long the caller waited, in nanoseconds} */
        public long latency() {
            return end - start;
        }

        /** {@return whether the call ended badly after reaching the downstream} */
        public boolean failed() {
            return outcome == Outcome.FAILURE || outcome == Outcome.TIMEOUT;
        }
    }

    /**
     * A state change of the breaker.
     *
     * @param at nanoseconds since the run began
     * @param from the state left
     * @param to the state entered
     * @param reason the breaker's own explanation
     */
    public record StateChange(long at, State from, State to, String reason) {
    }

    /**
     * The figures of one bucket.
     *
     * @param index the bucket's index from the start of the run
     * @param started calls started in it
     * @param succeeded calls completed with a good answer
     * @param failed calls completed with an error or a timeout
     * @param timedOut of {@code failed}, those that timed out
     * @param rejected calls refused without reaching the downstream
     * @param p50Millis median latency of the calls completed in it, NaN when none
     * @param p99Millis 99th percentile latency, NaN when none
     * @param maxInFlight the most calls in flight at once
     * @param state the breaker's state at the end of the bucket, null without a breaker
     * @param windowFailureRate the last sample of the breaker's window failure rate, NaN when none
     */
    public record Bucket(int index, int started, int succeeded, int failed, int timedOut, int rejected,
            double p50Millis, double p99Millis, int maxInFlight, @Nullable State state, double windowFailureRate) {

        /** {@return the calls completed in the bucket, rejections included} */
        public int completed() {
            return succeeded + failed + rejected;
        }

        /** {@return the failed calls over the calls that reached the downstream, NaN when none did} */
        public double failureRate() {
            int reached = succeeded + failed;
            return reached == 0 ? Double.NaN : (double) failed / reached;
        }
    }

    private final String name;
    private final long bucketNanos;
    private final boolean hasBreaker;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Call> calls = new ArrayList<>();
    private final List<StateChange> changes = new ArrayList<>();
    private final List<double[]> samples = new ArrayList<>();
    private final List<int[]> started = new ArrayList<>(); // per bucket: started, maxInFlight
    private final long[] outcomes = new long[Outcome.values().length];
    private int inFlight;
    private int maxInFlight;

    /**
     * A recorder.
     *
     * @param name the run's name, e.g. {@code protected}
     * @param bucketNanos the width of a bucket (one second in the live demo)
     * @param hasBreaker whether the run calls through a breaker (which starts CLOSED)
     */
    public RunRecorder(String name, long bucketNanos, boolean hasBreaker) {
        if (bucketNanos <= 0) {
            throw new IllegalArgumentException("bucketNanos must be > 0, was " + bucketNanos);
        }
        this.name = name;
        this.bucketNanos = bucketNanos;
        this.hasBreaker = hasBreaker;
    }

    /** {@return the run's name} */
    public String name() {
        return name;
    }

    /** {@return whether the run called through a breaker} */
    public boolean hasBreaker() {
        return hasBreaker;
    }

    /** {@return the width of a bucket, in nanoseconds} */
    public long bucketNanos() {
        return bucketNanos;
    }

    /**
     * Records that a call started at {@code at}.
     *
     * @param at when, in nanoseconds since the run began
     */
    public void started(long at) {
        lock.lock();
        try {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            int[] b = startedBucket(bucketOf(at));
            b[0]++;
            b[1] = Math.max(b[1], inFlight);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that the call started at {@code start} ended at {@code end} with {@code outcome}.
     *
     * @param start when the call started, in nanoseconds since the run began
     * @param end when it completed, in nanoseconds since the run began
     * @param outcome how it ended
     */
    public void completed(long start, long end, Outcome outcome) {
        lock.lock();
        try {
            inFlight--;
            outcomes[outcome.ordinal()]++;
            calls.add(new Call(start, end, outcome));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a breaker transition at {@code at}.
     *
     * @param at when, in nanoseconds since the run began
     * @param from the state the breaker left
     * @param to the state it entered
     * @param reason the rule that fired, in words
     */
    public void transition(long at, State from, State to, String reason) {
        lock.lock();
        try {
            changes.add(new StateChange(at, from, to, reason));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records a sample of the breaker's window failure rate (NaN when its window is empty).
     *
     * @param at when, in nanoseconds since the run began
     * @param windowFailureRate the window's failure rate, or NaN
     */
    public void sample(long at, double windowFailureRate) {
        lock.lock();
        try {
            samples.add(new double[] {at / 1e9, windowFailureRate});
        } finally {
            lock.unlock();
        }
    }

    /**
     * Calls completed so far with {@code outcome}.
     *
     * @param outcome the outcome to count
     * @return the calls completed so far with {@code outcome}
     */
    public long count(Outcome outcome) {
        lock.lock();
        try {
            return outcomes[outcome.ordinal()];
        } finally {
            lock.unlock();
        }
    }

    /** {@return the calls in flight now} */
    public int inFlight() {
        lock.lock();
        try {
            return inFlight;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the most calls in flight at once, over the whole run} */
    public int maxInFlight() {
        lock.lock();
        try {
            return maxInFlight;
        } finally {
            lock.unlock();
        }
    }

    /** {@return a copy of the calls completed so far, in completion order} */
    public List<Call> calls() {
        lock.lock();
        try {
            return List.copyOf(calls);
        } finally {
            lock.unlock();
        }
    }

    /** {@return a copy of the state changes so far, in order} */
    public List<StateChange> changes() {
        lock.lock();
        try {
            return List.copyOf(changes);
        } finally {
            lock.unlock();
        }
    }

    /** {@return a copy of the window failure-rate samples so far: pairs of (seconds, rate)} */
    public List<double[]> samples() {
        lock.lock();
        try {
            return samples.stream().map(double[]::clone).toList();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The breaker's state at {@code at}, or null for a run without a breaker.
     *
     * @param at when, in nanoseconds since the run began
     * @return the state, or null
     */
    public @Nullable State stateAt(long at) {
        if (!hasBreaker) {
            return null;
        }
        lock.lock();
        try {
            State state = State.CLOSED;
            for (StateChange change : changes) {
                if (change.at() > at) {
                    break;
                }
                state = change.to();
            }
            return state;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The figures of bucket {@code index}, as far as they are known now.
     *
     * @param index the bucket's index, from 0
     * @return the bucket's figures
     */
    public Bucket bucket(int index) {
        return buckets(index, index + 1).get(0);
    }

    /**
     * The figures of every bucket so far, in one pass over the calls.
     *
     * @return the buckets, in order
     */
    public List<Bucket> buckets() {
        return buckets(0, bucketCount());
    }

    private List<Bucket> buckets(int first, int end) {
        int size = end - first;
        lock.lock();
        try {
            int[][] counts = new int[size][5]; // ok, failed, timedOut, rejected, latencies
            long[][] latencies = new long[size][];
            for (Call call : calls) {
                int i = bucketOf(call.end()) - first;
                if (i < 0 || i >= size) {
                    continue;
                }
                int[] c = counts[i];
                switch (call.outcome()) {
                    case SUCCESS -> c[0]++;
                    case FAILURE -> c[1]++;
                    case TIMEOUT -> {
                        c[1]++;
                        c[2]++;
                    }
                    case REJECTED -> c[3]++;
                }
                if (latencies[i] == null) {
                    latencies[i] = new long[16];
                } else if (c[4] == latencies[i].length) {
                    latencies[i] = Arrays.copyOf(latencies[i], c[4] * 2);
                }
                latencies[i][c[4]++] = call.latency();
            }
            double[] rates = new double[size];
            Arrays.fill(rates, Double.NaN);
            for (double[] sample : samples) {
                int i = bucketOf((long) (sample[0] * 1e9)) - first;
                if (i >= 0 && i < size) {
                    rates[i] = sample[1]; // samples arrive in time order: the last one wins
                }
            }
            List<Bucket> result = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                int index = first + i;
                int[] c = counts[i];
                int[] s = index < started.size() ? started.get(index) : new int[2];
                long[] sorted = latencies[i] == null ? new long[0] : Arrays.copyOf(latencies[i], c[4]);
                Arrays.sort(sorted);
                result.add(new Bucket(index, s[0], c[0], c[1], c[2], c[3],
                        percentileMillis(sorted, 0.50), percentileMillis(sorted, 0.99), s[1],
                        stateAt((index + 1) * bucketNanos - 1), rates[i]));
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** {@return the number of buckets that hold anything so far} */
    public int bucketCount() {
        lock.lock();
        try {
            long last = 0;
            for (Call call : calls) {
                last = Math.max(last, call.end());
            }
            return Math.max(started.size(), (int) (last / bucketNanos) + 1);
        } finally {
            lock.unlock();
        }
    }

    /** The nearest-rank percentile of sorted latencies in milliseconds, NaN when empty. */
    static double percentileMillis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }

    private int bucketOf(long at) {
        return (int) Math.max(0, at / bucketNanos);
    }

    private int[] startedBucket(int index) {
        while (started.size() <= index) {
            started.add(new int[2]);
        }
        return started.get(index);
    }
}
