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

/**
 * The downstream: a real HTTP service (the JDK's {@link HttpServer}) on a loopback ephemeral port,
 * answering {@code GET /inventory/{call}} as its {@link Scenario} planned for that call: 200 after a
 * short latency, 503, or a hang that ends in 504.
 *
 * <p>It counts, per phase, the requests it received and those it failed: what reached the service
 * is measured here, where it lands, not guessed by the client.
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
    private final AtomicInteger busy = new AtomicInteger();
    private final AtomicInteger maxBusy = new AtomicInteger();

    private FlakyService(Scenario scenario) throws IOException {
        this.scenario = scenario;
        this.received = new AtomicLongArray(scenario.phases().size());
        this.failed = new AtomicLongArray(scenario.phases().size());
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
        return new FlakyService(scenario);
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
