package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Debian Chromium for the page tests, driven over the DevTools protocol so that a test
 * waits on a condition in the page (its charts drawn, its event stream received) rather than on a
 * fixed time. Missing locally, the tests are skipped with a message; missing in CI
 * ({@code CI=true}), they fail: {@code .ci/install-chromium.sh} installs it.
 *
 * <p>Every wait has the same generous deadline: on a loaded two-core machine starting a browser and
 * running a page with Chart.js inlined can take tens of seconds, and a quiet one takes about one.
 * Not thread-safe: one test drives one browser.
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    /** How long any one step may take before the test fails: far more than it needs on a loaded machine. */
    static final Duration DEADLINE = Duration.ofMinutes(2);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final WebSocket socket;
    private final BlockingQueue<JsonNode> messages;
    private final AtomicInteger ids = new AtomicInteger();

    private Chromium(Process process, Path log, WebSocket socket, BlockingQueue<JsonNode> messages) {
        this.process = process;
        this.log = log;
        this.socket = socket;
        this.messages = messages;
    }

    /** Skips the calling test (fails it in CI) when Chromium is missing. */
    static void require() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        String message = BINARY + " is missing: install Debian's chromium (bash .ci/install-chromium.sh)"
                + " to run the headless page tests";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /**
     * Starts a headless browser on a fresh {@code profile} directory with a {@code width} by
     * {@code height} viewport, showing {@code about:blank}.
     */
    static Chromium start(Path profile, int width, int height) throws IOException, InterruptedException {
        Files.createDirectories(profile);
        Path log = profile.resolveSibling(profile.getFileName() + ".log");
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + profile.toAbsolutePath(), "--window-size=" + width + "," + height,
                // Port 0: Chromium picks a free one and writes it to DevToolsActivePort in the profile.
                "--remote-debugging-port=0", "about:blank"));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            int port = devToolsPort(process, profile.resolve("DevToolsActivePort"), log, deadline);
            URI page = pageSocket(process, port, log, deadline);
            BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
            WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(page, new Receiver(messages))
                    .get(remaining(deadline), TimeUnit.NANOSECONDS);
            Chromium connected = new Chromium(process, log, socket, messages);
            connected.call("Emulation.setDeviceMetricsOverride", params()
                    .put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
            return connected;
        } catch (Exception | AssertionError e) {
            stop(process);
            throw e instanceof AssertionError a ? a : new AssertionError("could not start chromium: " + e
                    + "\n" + tail(log), e);
        }
    }

    /** Navigates to {@code url}; returns once the navigation is under way, not when the page is ready. */
    void open(String url) throws InterruptedException {
        JsonNode result = call("Page.navigate", params().put("url", url));
        if (result.hasNonNull("errorText")) {
            fail("chromium could not open " + url + ": " + result.get("errorText").asText());
        }
    }

    /**
     * Polls the JavaScript {@code condition} until it is true, failing after {@link #DEADLINE} with
     * what {@code describe} (another expression) says about the page then.
     */
    void await(String what, String condition, String describe) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            JsonNode value = evaluateQuietly("Boolean(" + condition + ")", deadline);
            if (value != null && value.asBoolean()) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                JsonNode state = evaluateQuietly(describe, System.nanoTime() + Duration.ofSeconds(10).toNanos());
                fail("the page did not get to '" + what + "' within " + DEADLINE.toSeconds() + " s; the page says: "
                        + state + "\n" + tail(log));
            }
            Thread.sleep(100); // polling interval of a condition wait, not a timing assumption
        }
    }

    /** The page's DOM as HTML, as it is now. */
    String dom() throws InterruptedException {
        JsonNode value = evaluateQuietly("document.documentElement.outerHTML", System.nanoTime() + DEADLINE.toNanos());
        if (value == null) {
            fail("chromium did not give its DOM within " + DEADLINE.toSeconds() + " s\n" + tail(log));
        }
        return value.asText();
    }

    /** Writes a PNG of the viewport, as it is now, to {@code png}. */
    void screenshot(Path png) throws IOException, InterruptedException {
        JsonNode result = call("Page.captureScreenshot", params().put("format", "png"));
        Files.write(png, Base64.getDecoder().decode(result.get("data").asText()));
    }

    /** The value of {@code expression}, or null when it threw or the page had no context for it yet. */
    private JsonNode evaluateQuietly(String expression, long deadline) throws InterruptedException {
        JsonNode reply = send("Runtime.evaluate", params().put("expression", expression).put("returnByValue", true),
                deadline);
        if (reply == null || reply.has("error") || reply.at("/result/exceptionDetails").isObject()) {
            return null; // e.g. the execution context was replaced by the navigation: ask again
        }
        return reply.at("/result/result/value");
    }

    private JsonNode call(String method, ObjectNode params) throws InterruptedException {
        JsonNode reply = send(method, params, System.nanoTime() + DEADLINE.toNanos());
        if (reply == null) {
            fail("chromium did not answer " + method + " within " + DEADLINE.toSeconds() + " s\n" + tail(log));
        }
        if (reply.has("error")) {
            fail("chromium refused " + method + ": " + reply.get("error") + "\n" + tail(log));
        }
        return reply.get("result");
    }

    /** Sends one command and waits for its reply (events and stale replies are dropped); null after the deadline. */
    private JsonNode send(String method, ObjectNode params, long deadline) throws InterruptedException {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(message.toString(), true).join();
        while (true) {
            long left = remaining(deadline);
            if (left <= 0) {
                return null;
            }
            JsonNode reply = messages.poll(left, TimeUnit.NANOSECONDS);
            if (reply != null && reply.path("id").asInt(-1) == id) {
                return reply;
            }
            if (reply == null && !process.isAlive()) {
                fail("chromium exited with code " + process.exitValue() + "\n" + tail(log));
            }
        }
    }

    /** Collects the protocol's messages, which may arrive in parts. */
    private static final class Receiver implements WebSocket.Listener {

        private final BlockingQueue<JsonNode> messages;
        private final StringBuilder text = new StringBuilder();

        Receiver(BlockingQueue<JsonNode> messages) {
            this.messages = messages;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    messages.add(JSON.readTree(text.toString()));
                } catch (IOException e) {
                    // Not a protocol message: nothing waits for it.
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }

    private static ObjectNode params() {
        return JSON.createObjectNode();
    }

    private static int devToolsPort(Process process, Path file, Path log, long deadline)
            throws IOException, InterruptedException {
        while (true) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                if (lines.size() >= 2) { // written whole: the port, then the browser's path
                    return Integer.parseInt(lines.get(0).strip());
                }
            }
            if (!process.isAlive()) {
                fail("chromium exited with code " + process.exitValue() + " before it listened\n" + tail(log));
            }
            if (remaining(deadline) <= 0) {
                fail("chromium did not listen within " + DEADLINE.toSeconds() + " s\n" + tail(log));
            }
            Thread.sleep(50);
        }
    }

    /** The DevTools socket of the browser's one page (the about:blank it started with). */
    private static URI pageSocket(Process process, int port, Path log, long deadline) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest list = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                .timeout(DEADLINE).build();
        while (true) {
            for (JsonNode target : JSON.readTree(client.send(list, HttpResponse.BodyHandlers.ofString()).body())) {
                if ("page".equals(target.path("type").asText()) && target.hasNonNull("webSocketDebuggerUrl")) {
                    return URI.create(target.get("webSocketDebuggerUrl").asText());
                }
            }
            if (!process.isAlive() || remaining(deadline) <= 0) {
                fail("chromium showed no page to drive\n" + tail(log));
            }
            Thread.sleep(50);
        }
    }

    private static long remaining(long deadline) {
        return deadline - System.nanoTime();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "chromium's last output:\n  "
                    + String.join("\n  ", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no chromium output: " + e + ")";
        }
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Closes the browser and waits for it to exit. */
    @Override
    public void close() {
        socket.abort();
        try {
            stop(process);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
