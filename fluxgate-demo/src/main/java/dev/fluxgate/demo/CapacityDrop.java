package dev.fluxgate.demo;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.BulkheadFullException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The capacity-drop experiment, beside the main scenario in its {@value Scenario#CAPACITY_DROP} phase:
 * two twin {@link CapacityService}s (base latency {@value #BASE_MILLIS} ms, capacity {@value #OLD_CAPACITY}
 * in flight, falling to {@value #NEW_CAPACITY} a quarter into the phase) and two clients sending each the
 * same {@value #RATE} calls a second at the same moments: one through an {@link AdaptiveBulkhead}
 * (GRADIENT, starting at and capped by the old capacity), one through a fixed {@link Bulkhead} sized for
 * the old capacity. The fixed one keeps sending {@value #OLD_CAPACITY} at once to a service that now
 * serves {@value #NEW_CAPACITY} at its base latency; the adaptive one sees the latency grow and lowers
 * its limit.
 *
 * <p>Thread-safe: the load runs on its own thread; readings may be taken from any thread.
 */
public final class CapacityDrop implements AutoCloseable {

    /** The services' latency up to their capacity, in milliseconds. */
    static final int BASE_MILLIS = 100;
    /** The capacity before the drop, and the fixed bulkhead's size. */
    static final int OLD_CAPACITY = 32;
    /** The capacity after the drop. */
    static final int NEW_CAPACITY = 8;
    /** Calls a second from each client. */
    static final int RATE = 160;
    /** The share of the phase before the capacity falls. */
    static final double DROP_AT = 0.25;
    /**
     * The share of the phase after which the latency p99 and the peak in flight are measured: its last
     * half, once the adaptive limit has had time to follow the drop (right after it, both hold the old size).
     */
    static final double SETTLED_AT = 0.5;

    /**
     * What one client saw in the phase.
     *
     * @param client the client's name
     * @param sent calls it made
     * @param served calls the service answered 200
     * @param rejected calls its bulkhead rejected
     * @param p99Millis caller latency p99 of the served calls sent in the last half of the phase, NaN when none
     * @param peakInFlight the most requests its service held at once in the last half of the phase
     */
    public record Figures(String client, long sent, long served, long rejected, double p99Millis, int peakInFlight) {
    }

    /**
     * What the experiment measured.
     *
     * @param adaptive the adaptive client's figures
     * @param fixed the fixed client's figures
     * @param fixedSize the fixed bulkhead's size
     * @param limitAtEnd the adaptive limit when the phase ended
     * @param lowestLimit the lowest adaptive limit seen in the phase
     */
    public record Result(Figures adaptive, Figures fixed, int fixedSize, int limitAtEnd, int lowestLimit) {
    }

    /** One reading, every 100 ms of the phase. */
    private record Sample(double t, int limit, int capacity, int adaptiveInFlight, int fixedInFlight) {
    }

    private final Scenario.Phase phase;
    private final CapacityService adaptiveService;
    private final CapacityService fixedService;
    private final AdaptiveBulkhead adaptive;
    private final Bulkhead fixed;
    private final ExecutorService httpThreads = Executors.newCachedThreadPool(Daemons.named("capacity-http"));
    private final HttpClient client;
    private final Client adaptiveClient = new Client("adaptive bulkhead");
    private final Client fixedClient = new Client("fixed bulkhead (" + OLD_CAPACITY + ")");
    private final ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private volatile int limitAtEnd = -1;
    private volatile int lowestLimit = Integer.MAX_VALUE;
    private volatile boolean done;
    private @Nullable Thread thread;

    /** Counts of one client. */
    private static final class Client {
        final String name;
        final LongAdder sent = new LongAdder();
        final LongAdder served = new LongAdder();
        final LongAdder rejected = new LongAdder();
        final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();

        Client(String name) {
            this.name = name;
        }
    }

    private CapacityDrop(Scenario.Phase phase) throws IOException {
        this.phase = phase;
        this.adaptiveService = CapacityService.start(BASE_MILLIS, OLD_CAPACITY);
        this.fixedService = CapacityService.start(BASE_MILLIS, OLD_CAPACITY);
        // Starts where the fixed one stays, and may not go above it: what it shows is the way down.
        this.adaptive = AdaptiveBulkhead.builder("quotes")
                .algorithm(AdaptiveBulkhead.Algorithm.GRADIENT)
                .limits(1, OLD_CAPACITY, OLD_CAPACITY)
                .rttTolerance(1.1)
                .queueSize(2)
                .build();
        this.fixed = Bulkhead.of("quotes", OLD_CAPACITY);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(httpThreads)
                .build();
    }

    /**
     * Starts both services for {@code phase}; {@link #start(long)} sends the load.
     *
     * @param phase the capacity-drop phase of the scenario
     * @return the experiment, not started
     * @throws IOException if a service cannot bind
     */
    public static CapacityDrop create(Scenario.Phase phase) throws IOException {
        return new CapacityDrop(phase);
    }

    /** {@return the adaptive bulkhead (for meters)} */
    public AdaptiveBulkhead adaptive() {
        return adaptive;
    }

    /**
     * Sends a few calls through neither bulkhead, so that the phase does not measure connection setup.
     *
     * @throws InterruptedException if interrupted while waiting for them
     */
    public void warmUp() throws InterruptedException {
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            calls.add(send(adaptiveService));
            calls.add(send(fixedService));
        }
        try {
            CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0])).get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // a slow warm-up only makes the first readings noisier
        }
    }

    /**
     * Starts the load thread: it waits for the phase, drops the capacity a quarter into it and sends both
     * clients' calls at the same moments until it ends.
     *
     * @param origin {@link System#nanoTime()} of the run's start
     */
    public void start(long origin) {
        Thread t = new Thread(() -> load(origin), "load-capacity");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    private void load(long origin) {
        long start = phase.start().toNanos();
        long end = phase.end().toNanos();
        long drop = start + (long) ((end - start) * DROP_AT);
        long settle = start + (long) ((end - start) * SETTLED_AT);
        boolean dropped = false;
        boolean settled = false;
        long nextSample = start;
        for (long k = 0; ; k++) {
            long at = start + k * 1_000_000_000L / RATE;
            if (at >= end) {
                break;
            }
            for (long wait = origin + at - System.nanoTime(); wait > 0; wait = origin + at - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (Thread.currentThread().isInterrupted()) {
                return; // closed
            }
            if (!dropped && at >= drop) {
                adaptiveService.capacity(NEW_CAPACITY);
                fixedService.capacity(NEW_CAPACITY);
                dropped = true;
            }
            if (!settled && at >= settle) {
                adaptiveService.resetPeak();
                fixedService.resetPeak();
                settled = true;
            }
            if (at >= nextSample) {
                sample(at);
                nextSample += 100_000_000L;
            }
            call(adaptiveClient, adaptiveService, true, settled);
            call(fixedClient, fixedService, false, settled);
        }
        sample(end);
        limitAtEnd = adaptive.limit();
        done = true;
    }

    private void sample(long at) {
        int limit = adaptive.limit();
        lowestLimit = Math.min(lowestLimit, limit);
        samples.add(new Sample(at / 1e9, limit, adaptiveService.capacity(), adaptiveService.inFlight(),
                fixedService.inFlight()));
    }

    private void call(Client c, CapacityService service, boolean throughAdaptive, boolean settled) {
        c.sent.increment();
        outstanding.incrementAndGet();
        long begin = System.nanoTime();
        CompletableFuture<HttpResponse<Void>> f = throughAdaptive
                ? adaptive.callAsync(() -> send(service))
                : fixed.callAsync(() -> send(service));
        f.whenComplete((r, e) -> {
            try {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof BulkheadFullException) {
                    c.rejected.increment();
                } else if (cause == null && r.statusCode() == 200) {
                    c.served.increment();
                    if (settled) {
                        c.latencies.add(System.nanoTime() - begin);
                    }
                }
            } finally {
                outstanding.decrementAndGet();
            }
        });
    }

    private CompletableFuture<HttpResponse<Void>> send(CapacityService service) {
        return client.sendAsync(HttpRequest.newBuilder(service.uri()).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    /**
     * Waits until the load has ended and every call has completed, or {@code max} has passed.
     *
     * @param max the longest wait
     * @return whether everything completed
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitCompletion(Duration max) throws InterruptedException {
        Thread t = thread;
        long deadline = System.nanoTime() + max.toNanos();
        if (t != null) {
            t.join(Math.max(1, max.toMillis()));
        }
        while (outstanding.get() > 0 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(10_000_000L);
        }
        return done && outstanding.get() == 0;
    }

    /** {@return what was measured; meaningful once {@link #awaitCompletion} returned true} */
    public Result result() {
        return new Result(figures(adaptiveClient, adaptiveService), figures(fixedClient, fixedService), OLD_CAPACITY,
                limitAtEnd < 0 ? adaptive.limit() : limitAtEnd,
                lowestLimit == Integer.MAX_VALUE ? adaptive.limit() : lowestLimit);
    }

    private static Figures figures(Client c, CapacityService service) {
        long[] sorted = c.latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Figures(c.name, c.sent.sum(), c.served.sum(), c.rejected.sum(),
                RunRecorder.percentileMillis(sorted, 0.99), service.peakInFlight());
    }

    /**
     * The comparison table as Markdown, for the console.
     *
     * @param r the result
     * @return the table
     */
    static String toMarkdown(Result r) {
        StringBuilder sb = new StringBuilder();
        List<List<String>> rows = rows(r);
        for (int i = 0; i < rows.size(); i++) {
            sb.append("| ").append(String.join(" | ", rows.get(i))).append(" |\n");
            if (i == 0) {
                sb.append("| --- | ---: | ---: |\n");
            }
        }
        return sb.toString();
    }

    private static List<List<String>> rows(Result r) {
        Figures a = r.adaptive();
        Figures f = r.fixed();
        return List.of(
                List.of("in the capacity drop", a.client(), f.client()),
                List.of("calls sent", String.valueOf(a.sent()), String.valueOf(f.sent())),
                List.of("served (200)", String.valueOf(a.served()), String.valueOf(f.served())),
                List.of("rejected by the bulkhead", String.valueOf(a.rejected()), String.valueOf(f.rejected())),
                List.of("caller latency p99, served calls in the last half", Format.millis(a.p99Millis()),
                        Format.millis(f.p99Millis())),
                List.of("service's peak in flight in the last half (capacity " + NEW_CAPACITY + ")",
                        String.valueOf(a.peakInFlight()), String.valueOf(f.peakInFlight())),
                List.of("limit at the end of the phase", String.valueOf(r.limitAtEnd()), String.valueOf(r.fixedSize())));
    }

    /**
     * The report's data: the phase, the readings over time and, once the run is over, the table.
     *
     * @param result the result, or null while the run goes on
     * @return the data as maps and lists, ready for JSON
     */
    public Map<String, Object> data(@Nullable Result result) {
        Map<String, Object> m = new LinkedHashMap<>();
        long start = phase.start().toNanos();
        m.put("start", start / 1e9);
        m.put("end", phase.end().toNanos() / 1e9);
        m.put("drop", (start + (long) ((phase.end().toNanos() - start) * DROP_AT)) / 1e9);
        m.put("settled", (start + (long) ((phase.end().toNanos() - start) * SETTLED_AT)) / 1e9);
        m.put("fixedSize", OLD_CAPACITY);
        m.put("subtitle", String.format(Locale.ROOT, "two twin services (%d ms up to %d in flight, latency x n/capacity"
                + " beyond) lose capacity %d -> %d; both clients send %d calls/s", BASE_MILLIS, OLD_CAPACITY,
                OLD_CAPACITY, NEW_CAPACITY, RATE));
        List<Object> xs = new ArrayList<>();
        for (Sample s : samples) {
            xs.add(Map.of("t", s.t(), "limit", s.limit(), "capacity", s.capacity(),
                    "adaptiveInFlight", s.adaptiveInFlight(), "fixedInFlight", s.fixedInFlight()));
        }
        m.put("samples", xs);
        List<Object> table = new ArrayList<>();
        if (result != null) {
            table.addAll(rows(result));
        }
        m.put("table", table);
        return m;
    }

    /** Stops the load, the services and the client's threads. */
    @Override
    public void close() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        adaptiveService.close();
        fixedService.close();
        httpThreads.shutdownNow();
    }
}
