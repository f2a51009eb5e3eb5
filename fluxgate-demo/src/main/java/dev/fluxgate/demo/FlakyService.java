package dev.fluxgate.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The downstream: a real HTTP service (the JDK's {@link HttpServer}) on a loopback ephemeral port,
 * answering {@code GET /inventory/{call}} as its {@link Scenario} planned for that call: 200 after a
 * short latency (or a long one, in the slow tail), 503, or a hang that ends in 504. In a phase with a
 * quota it first takes a token from a bucket that refills at the quota and holds half a second of it;
 * a request that finds none is answered {@code 429 Too Many Requests} with {@code Retry-After: 1} at once.
 *
 * <p>It counts, per phase, the requests it received, those it failed and those it refused over the
 * quota: what reached the service is measured here, where it lands, not guessed by the client.
 *
 * <p>Thread-safe; each request runs on its own pooled thread, so hanging requests pile up the way
 * they do on a real server.
 */
public final class FlakyService implements AutoCloseable {

    private final Scenario scenario;
    private final HttpServer server;
    private final ExecutorService workers;
    private final AtomicLongArray received;
    private final AtomicLongArray failed;
    private final AtomicLongArray throttled;
    private final @Nullable Quota[] quotas;
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger maxBusy = new AtomicInteger();

    private FlakyService(Scenario scenario, LongSupplier clock) throws IOException {
        this.scenario = scenario;
        this.received = new AtomicLongArray(scenario.phases().size());
        this.failed = new AtomicLongArray(scenario.phases().size());
        this.throttled = new AtomicLongArray(scenario.phases().size());
        this.quotas = new Quota[scenario.phases().size()];
        for (int i = 0; i < quotas.length; i++) {
            int quota = scenario.phases().get(i).quota();
            quotas[i] = quota == 0 ? null : new Quota(quota, clock);
        }
        this.workers = Executors.newCachedThreadPool(Daemons.named("downstream"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/inventory/", this::handle);
        server.createContext("/warmup", exchange -> {
            try (exchange) {
                respond(exchange, 200, "warm");
            }
        });
        server.setExecutor(workers);
        server.start();
    }

    /**
     * Starts a service following {@code scenario} on a free loopback port.
     *
     * @param scenario the fault plan to follow
     * @return the running service
     * @throws IOException if the server cannot start
     */
    public static FlakyService start(Scenario scenario) throws IOException {
        return new FlakyService(scenario, System::nanoTime);
    }

    /** {@link #start(Scenario)} with the quota's bucket on {@code clock} (nanoseconds): tests freeze it. */
    static FlakyService start(Scenario scenario, LongSupplier clock) throws IOException {
        return new FlakyService(scenario, clock);
    }

    /**
     * The address of call {@code index}.
     *
     * @param index the call's index in the scenario
     * @return the call's address
     */
    public URI uri(int index) {
        return uri(index, 0);
    }

    /**
     * The address of retry {@code attempt} of call {@code index} (0 for the call itself).
     *
     * @param index the call's index in the scenario
     * @param attempt the retry, from 1; 0 for the call itself
     * @return the retry's address
     */
    public URI uri(int index, int attempt) {
        return URI.create("http://127.0.0.1:" + port() + "/inventory/" + index
                + (attempt == 0 ? "" : "?attempt=" + attempt));
    }

    /**
     * An address that always answers 200 at once and counts nothing: to warm a client up.
     *
     * @return the warm-up address
     */
    public URI warmupUri() {
        return URI.create("http://127.0.0.1:" + port() + "/warmup");
    }

    /** {@return the port the service listens on} */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Requests received during phase {@code phase} (an index into {@link Scenario#phases()}).
     *
     * @param phase an index into the scenario's phases
     * @return the requests received in that phase
     */
    public long received(int phase) {
        return received.get(phase);
    }

    /**
     * Requests answered with an error or left hanging during phase {@code phase}.
     *
     * @param phase an index into the scenario's phases
     * @return the requests failed in that phase
     */
    public long failed(int phase) {
        return failed.get(phase);
    }

    /**
     * Requests answered 429 (over the quota) during phase {@code phase}.
     *
     * @param phase an index into the scenario's phases
     * @return the requests refused over the quota in that phase
     */
    public long throttled(int phase) {
        return throttled.get(phase);
    }

    /** {@return the requests received in all phases} */
    public long receivedTotal() {
        long sum = 0;
        for (int i = 0; i < received.length(); i++) {
            sum += received.get(i);
        }
        return sum;
    }

    /** {@return the requests failed in all phases} */
    public long failedTotal() {
        long sum = 0;
        for (int i = 0; i < failed.length(); i++) {
            sum += failed.get(i);
        }
        return sum;
    }

    /** {@return the most requests the service held at once} */
    public int maxBusy() {
        return maxBusy.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = busy.incrementAndGet();
        maxBusy.accumulateAndGet(now, Math::max);
        try (exchange) {
            int index = parseIndex(exchange.getRequestURI().getPath());
            if (index < 0 || index >= scenario.calls()) {
                respond(exchange, 404, "no such call");
                return;
            }
            int attempt = parseAttempt(exchange.getRequestURI().getQuery());
            int phase = scenario.phases().indexOf(scenario.phaseOf(index));
            received.incrementAndGet(phase);
            Quota quota = quotas[phase];
            if (quota != null && !quota.tryTake()) {
                throttled.incrementAndGet(phase);
                exchange.getResponseHeaders().set("Retry-After", "1");
                respond(exchange, 429, "quota exceeded");
                return;
            }
            Scenario.Fault fault = scenario.fault(index, attempt);
            int latency = scenario.latencyMillis(index, attempt);
            if (fault != Scenario.Fault.OK) {
                failed.incrementAndGet(phase);
            }
            try {
                switch (fault) {
                    case OK -> {
                        Thread.sleep(latency);
                        respond(exchange, 200, "{\"item\":" + index + ",\"inStock\":true}");
                    }
                    case ERROR -> {
                        Thread.sleep(latency);
                        respond(exchange, 503, "inventory unavailable");
                    }
                    case HANG -> {
                        Thread.sleep(scenario.hang().toMillis());
                        respond(exchange, 504, "inventory timed out upstream");
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down
            } catch (IOException e) {
                // The client gave up (its timeout closed the connection): nothing left to answer.
            }
        } finally {
            busy.decrementAndGet();
        }
    }

    /**
     * A token bucket of {@code perSecond} tokens a second holding half a second of them (it starts
     * full): the service's own accounting, independent of the client's limiter.
     */
    private static final class Quota {
        private final double perNano;
        private final double capacity;
        private final LongSupplier clock;
        private final ReentrantLock lock = new ReentrantLock();
        private double tokens;
        private long last;

        Quota(int perSecond, LongSupplier clock) {
            this.perNano = perSecond / 1e9;
            this.capacity = Math.max(1, perSecond / 2.0);
            this.clock = clock;
            this.tokens = capacity;
            this.last = clock.getAsLong();
        }

        boolean tryTake() {
            lock.lock();
            try {
                long now = clock.getAsLong();
                tokens = Math.min(capacity, tokens + (now - last) * perNano);
                last = now;
                if (tokens < 1) {
                    return false;
                }
                tokens--;
                return true;
            } finally {
                lock.unlock();
            }
        }
    }

    private static int parseIndex(String path) {
        try {
            return Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int parseAttempt(String query) {
        if (query == null || !query.startsWith("attempt=")) {
            return 0;
        }
        try {
            return Math.max(0, Integer.parseInt(query.substring("attempt=".length())));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops the service and interrupts requests still hanging. */
    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
        try {
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
