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

/**
 * A real HTTP service on the loopback interface whose latency grows with its concurrency beyond a
 * capacity: a request that arrives with {@code n} requests in flight (itself included) answers 200 after
 * {@code base * max(1, n / capacity)}. The capacity can be changed at any time ({@link #capacity(int)}),
 * which is how {@link CapacityDrop} makes it fall.
 *
 * <p>Thread-safe.
 */
public final class CapacityService implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService workers;
    private final int baseMillis;
    private volatile int capacity;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final AtomicInteger served = new AtomicInteger();

    private CapacityService(int baseMillis, int capacity) throws IOException {
        this.baseMillis = baseMillis;
        this.capacity = capacity;
        this.workers = Executors.newCachedThreadPool(Daemons.named("capacity-service"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.createContext("/quote", this::handle);
        server.setExecutor(workers);
        server.start();
    }

    /**
     * Starts a service on an ephemeral loopback port.
     *
     * @param baseMillis the latency up to the capacity, at least 1
     * @param capacity requests in flight before the latency grows, at least 1
     * @return the running service
     * @throws IOException if the server cannot bind
     * @throws IllegalArgumentException if {@code baseMillis} or {@code capacity} is below 1
     */
    public static CapacityService start(int baseMillis, int capacity) throws IOException {
        if (baseMillis < 1 || capacity < 1) {
            throw new IllegalArgumentException("baseMillis and capacity must be >= 1, were " + baseMillis + ", "
                    + capacity);
        }
        return new CapacityService(baseMillis, capacity);
    }

    /**
     * Changes the capacity.
     *
     * @param capacity requests in flight before the latency grows, at least 1
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public void capacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.capacity = capacity;
    }

    /** Starts measuring the peak in flight afresh, from the requests in flight now. */
    public void resetPeak() {
        peak.set(inFlight.get());
    }

    /** {@return the capacity in force} */
    public int capacity() {
        return capacity;
    }

    /** {@return the requests in flight now} */
    public int inFlight() {
        return inFlight.get();
    }

    /** {@return the most requests in flight at once since {@link #resetPeak()} (or the start)} */
    public int peakInFlight() {
        return peak.get();
    }

    /** {@return the requests answered so far} */
    public int served() {
        return served.get();
    }

    /** {@return the address to call} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/quote");
    }

    private void handle(HttpExchange exchange) throws IOException {
        int n = inFlight.incrementAndGet();
        peak.accumulateAndGet(n, Math::max);
        try (exchange) {
            // Queueing: past the capacity each request waits its share of the others' work.
            long latency = Math.round(baseMillis * Math.max(1.0, (double) n / capacity));
            Thread.sleep(latency);
            byte[] body = "{\"quote\":42}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            served.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down
        } catch (IOException e) {
            // the client went away: nothing left to answer
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Stops the server at once and its workers. */
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
