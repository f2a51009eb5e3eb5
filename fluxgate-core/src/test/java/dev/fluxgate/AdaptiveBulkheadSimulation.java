package dev.fluxgate;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * A deterministic discrete-event simulation of a service behind an {@link AdaptiveBulkhead}: no threads,
 * no real time. {@code clients} callers each call again as soon as their call ends (after a short pause
 * when rejected). The service has a capacity of C concurrent calls: a call admitted with n calls in
 * service (itself included) takes {@code base} while n <= C and {@code base * n / C} beyond (queueing),
 * with +-10% seeded jitter, fixed at admission; a call that would take more than {@code timeoutFactor *
 * base} fails at that time with a {@link TimeoutException} (a drop).
 */
final class AdaptiveBulkheadSimulation {

    private record Event(long at, long seq, Runnable action) {
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final SplittableRandom random;
    private final long baseNanos;
    private final long timeoutNanos;
    private long seq;
    private long now;
    private int capacity;
    private int inService;
    private int maxInService;
    final Ticker ticker = () -> now;

    AdaptiveBulkheadSimulation(long seed, long baseNanos, int timeoutFactor, int capacity) {
        this.random = new SplittableRandom(seed);
        this.baseNanos = baseNanos;
        this.timeoutNanos = baseNanos * timeoutFactor;
        this.capacity = capacity;
    }

    void capacity(int c) {
        this.capacity = c;
    }

    long now() {
        return now;
    }

    int maxInService() {
        return maxInService;
    }

    private void at(long time, Runnable action) {
        events.add(new Event(time, seq++, action));
    }

    /** Starts {@code clients} closed-loop callers. */
    void start(AdaptiveBulkhead bulkhead, int clients) {
        for (int i = 0; i < clients; i++) {
            at(now + random.nextLong(baseNanos), () -> callOnce(bulkhead));
        }
    }

    private void callOnce(AdaptiveBulkhead bulkhead) {
        bulkhead.callAsync(this::serve).whenComplete((v, e) -> {
            long pause = e instanceof BulkheadFullException ? baseNanos / 2 : 0;
            at(now + pause, () -> callOnce(bulkhead));
        });
    }

    private CompletableFuture<String> serve() {
        int n = ++inService;
        maxInService = Math.max(maxInService, n);
        double queueing = Math.max(1.0, (double) n / capacity);
        long latency = (long) (baseNanos * queueing * (0.9 + 0.2 * random.nextDouble()));
        CompletableFuture<String> f = new CompletableFuture<>();
        if (latency > timeoutNanos) {
            at(now + timeoutNanos, () -> {
                inService--;
                f.completeExceptionally(new TimeoutException("simulated"));
            });
        } else {
            at(now + latency, () -> {
                inService--;
                f.complete("ok");
            });
        }
        return f;
    }

    /** Runs until {@code duration} nanoseconds later, reading the limit every {@code base / 2}; returns the readings. */
    List<Integer> runFor(long duration, AdaptiveBulkhead bulkhead) {
        long end = now + duration;
        List<Integer> limits = new ArrayList<>();
        for (long t = now; t < end; t += baseNanos / 2) {
            at(t, () -> limits.add(bulkhead.limit()));
        }
        while (!events.isEmpty() && events.peek().at < end) {
            Event e = events.poll();
            now = e.at;
            e.action.run();
        }
        now = end;
        return limits;
    }

    static double meanOfLastHalf(List<Integer> limits) {
        return limits.subList(limits.size() / 2, limits.size()).stream().mapToInt(Integer::intValue).average().orElseThrow();
    }

    static int minOfLastHalf(List<Integer> limits) {
        return limits.subList(limits.size() / 2, limits.size()).stream().mapToInt(Integer::intValue).min().orElseThrow();
    }

    static int maxOfLastHalf(List<Integer> limits) {
        return limits.subList(limits.size() / 2, limits.size()).stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
