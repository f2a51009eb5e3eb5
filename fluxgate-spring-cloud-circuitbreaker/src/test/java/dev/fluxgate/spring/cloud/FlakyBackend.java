package dev.fluxgate.spring.cloud;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP backend on a free loopback port that the test switches between healthy (200 "ok"),
 * failing (500) and slow (holds each request until the test closes the backend).
 */
final class FlakyBackend implements AutoCloseable {

    enum Mode { HEALTHY, FAILING, SLOW }

    private final HttpServer server;
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger hits = new AtomicInteger();
    private volatile Mode mode = Mode.HEALTHY;

    FlakyBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(workers);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    FlakyBackend mode(Mode mode) {
        this.mode = mode;
        return this;
    }

    /** Requests that reached the backend. */
    int hits() {
        return hits.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        hits.incrementAndGet();
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            switch (mode) {
                case HEALTHY -> respond(exchange, 200, "ok");
                case FAILING -> respond(exchange, 500, "boom");
                case SLOW -> {
                    try {
                        release.await(60, TimeUnit.SECONDS); // until close(): the caller's timeout must fire first
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    respond(exchange, 200, "late");
                }
            }
        }
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "text/plain");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        } catch (IOException gone) {
            // the caller gave up (a timeout): nothing to tell
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        workers.shutdownNow();
    }
}
