package dev.fluxgate.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The demo's own HTTP endpoints on a loopback port: {@code /} the live dashboard (the report page,
 * fed by server-sent events), {@code /events} the event stream, {@code /data.json} the data so far,
 * {@code /metrics} Prometheus text from Micrometer, {@code /health} JSON, and {@code /report} the
 * finished report.
 *
 * <p>Thread-safe: events are handed to each subscriber through its own queue, and each stream is
 * written by the one thread that serves it.
 */
public final class Dashboard implements AutoCloseable {

    private static final String CLOSING = "";

    private final HttpServer server;
    private final ExecutorService workers;
    private final Set<BlockingQueue<String>> subscribers = ConcurrentHashMap.newKeySet();
    private final Supplier<Map<String, Object>> data;
    private final AtomicReference<Path> report = new AtomicReference<>();

    private Dashboard(int port, Supplier<Map<String, Object>> data, Supplier<String> metrics,
            Supplier<String> health) throws IOException {
        this.data = Objects.requireNonNull(data, "data");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(health, "health");
        this.workers = Executors.newCachedThreadPool(Daemons.named("dashboard"));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.setExecutor(workers);
        server.createContext("/", this::page);
        server.createContext("/events", this::events);
        server.createContext("/data.json", ex -> send(ex, 200, "application/json", Json.write(data.get())));
        server.createContext("/metrics", ex -> send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.get()));
        server.createContext("/health", ex -> send(ex, 200, "application/json", health.get()));
        server.createContext("/report", this::report);
        server.start();
    }

    /**
     * Starts the endpoints.
     *
     * @param port the port, 0 for a free one
     * @param data the report data so far
     * @param metrics the Prometheus scrape
     * @param health the health JSON
     * @return the running dashboard
     * @throws IOException if the port cannot be bound
     */
    public static Dashboard start(int port, Supplier<Map<String, Object>> data, Supplier<String> metrics,
            Supplier<String> health) throws IOException {
        return new Dashboard(port, data, metrics, health);
    }

    /** {@return the dashboard's address} */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /**
     * Sends an event named {@code event} with JSON {@code json} to every open stream.
     *
     * @param event the event name
     * @param json the event's data, one line of JSON
     */
    public void publish(String event, String json) {
        String message = "event: " + event + "\ndata: " + json + "\n\n";
        for (BlockingQueue<String> queue : subscribers) {
            queue.offer(message);
        }
    }

    /**
     * Serves {@code file} at {@code /report} from now on.
     *
     * @param file the written report
     */
    public void reportWritten(Path file) {
        report.set(file);
    }

    private void page(HttpExchange exchange) throws IOException {
        if (!exchange.getRequestURI().getPath().equals("/")) {
            send(exchange, 404, "text/plain", "not found");
            return;
        }
        send(exchange, 200, "text/html; charset=utf-8", Report.html(data.get(), true));
    }

    private void report(HttpExchange exchange) throws IOException {
        Path file = report.get();
        if (file == null) {
            send(exchange, 404, "text/plain", "the report is written when the run ends");
            return;
        }
        send(exchange, 200, "text/html; charset=utf-8", Files.readString(file, StandardCharsets.UTF_8));
    }

    private void events(HttpExchange exchange) throws IOException {
        BlockingQueue<String> queue = new LinkedBlockingQueue<>();
        subscribers.add(queue);
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            write(out, "retry: 2000\n\nevent: data\ndata: " + Json.write(data.get()) + "\n\n");
            while (true) {
                String message = queue.poll(15, TimeUnit.SECONDS);
                if (CLOSING.equals(message)) { // publish() never sends an empty message
                    return;
                }
                write(out, message == null ? ": keep-alive\n\n" : message);
            }
        } catch (IOException e) {
            // The page was closed: drop the subscriber.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            subscribers.remove(queue);
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    /** Ends the event streams and stops serving. */
    @Override
    public void close() {
        for (BlockingQueue<String> queue : subscribers) {
            queue.offer(CLOSING);
        }
        server.stop(0);
        workers.shutdownNow();
    }
}
