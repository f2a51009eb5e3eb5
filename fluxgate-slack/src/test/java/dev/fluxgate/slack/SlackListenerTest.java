package dev.fluxgate.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Permit;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import dev.fluxgate.test.ManualTicker;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SlackListenerTest {

    private static final String TOKEN = "xoxb-123-secret-token";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the fake Slack received. */
    record Post(String authorization, JsonNode body, String answeredTs) {
    }

    private final ManualTicker ticker = new ManualTicker();
    private final BlockingQueue<Post> posts = new LinkedBlockingQueue<>();
    private final AtomicInteger ts = new AtomicInteger(100);
    private volatile String answer; // null: ok with a fresh ts
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private HttpServer server;
    private java.util.concurrent.ExecutorService serverThreads;

    @BeforeEach
    void startFakeSlack() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        serverThreads = Executors.newCachedThreadPool();
        server.setExecutor(serverThreads);
        server.createContext("/api/chat.postMessage", exchange -> {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String answeredTs = "1700000000.000" + ts.incrementAndGet();
            String reply = answer != null ? answer
                    : "{\"ok\":true,\"channel\":\"C1\",\"ts\":\"" + answeredTs + "\"}";
            posts.add(new Post(exchange.getRequestHeaders().getFirst("Authorization"), JSON.readTree(body), answeredTs));
            byte[] bytes = reply.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopFakeSlack() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private URI api() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/");
    }

    private SlackListener.Builder slack() {
        return SlackListener.builder(TOKEN, "#oncall").baseUri(api());
    }

    private CircuitBreaker breaker(SlackListener listener) {
        return CircuitBreaker.builder("payments")
                .window(Window.count(10))
                .tripper(Tripper.failureStreak(2).or(Tripper.halfOpened().and(Tripper.failureStreak(1))))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(30)))
                .permit(Permit.all())
                .ticker(ticker)
                .listener(listener)
                .build();
    }

    private static void fail(CircuitBreaker cb) {
        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);
    }

    private Post next() throws InterruptedException {
        Post p = posts.poll(10, TimeUnit.SECONDS);
        assertThat(p).as("a post within 10 s").isNotNull();
        return p;
    }

    @Test
    void anIncidentIsPostedOnOpenAndFollowedUpInItsThread() throws Exception {
        SlackListener listener = slack().build();
        CircuitBreaker cb = breaker(listener);
        fail(cb);
        fail(cb);
        ticker.advance(Duration.ofSeconds(30));
        fail(cb); // the probe fails: HALF_OPEN, then OPEN again
        ticker.advance(Duration.ofSeconds(30));
        cb.run(() -> { }); // HALF_OPEN, then CLOSED
        listener.flush().get(10, TimeUnit.SECONDS);

        Post open = next();
        assertThat(open.authorization()).isEqualTo("Bearer " + TOKEN);
        assertThat(open.body().path("channel").asText()).isEqualTo("#oncall");
        assertThat(open.body().has("thread_ts")).isFalse();
        assertThat(open.body().path("text").asText()).contains("*payments*", "OPEN", "failureStreak(2)");
        assertThat(open.body().at("/attachments/0/color").asText()).isEqualTo("#E01E5A");

        String thread = "1700000000.000101";
        Post halfOpen = next();
        assertThat(halfOpen.body().path("thread_ts").asText()).isEqualTo(thread);
        assertThat(halfOpen.body().at("/attachments/0/color").asText()).isEqualTo("#ECB22E");
        Post reopen = next();
        assertThat(reopen.body().path("thread_ts").asText()).isEqualTo(thread);
        assertThat(reopen.body().at("/attachments/0/color").asText()).isEqualTo("#E01E5A");
        Post halfOpenAgain = next();
        assertThat(halfOpenAgain.body().path("thread_ts").asText()).isEqualTo(thread);
        Post recovered = next();
        assertThat(recovered.body().path("thread_ts").asText()).isEqualTo(thread);
        assertThat(recovered.body().path("text").asText()).contains("recovered");
        assertThat(recovered.body().at("/attachments/0/color").asText()).isEqualTo("#2EB67D");

        cb.forceOpen(); // a new incident: a new top-level message
        listener.flush().get(10, TimeUnit.SECONDS);
        Post second = next();
        assertThat(second.body().has("thread_ts")).isFalse();
        assertThat(second.body().path("text").asText()).contains("FORCED_OPEN");
        assertThat(posts).isEmpty();
    }

    @Test
    void theCallerIsNeverBlockedBySlack() throws Exception {
        gate = new CountDownLatch(1); // Slack hangs until released
        SlackListener listener = slack().build();
        CircuitBreaker cb = breaker(listener);
        fail(cb);
        fail(cb);        // opens: the post is queued, not sent on this thread
        cb.reset();      // the reply is queued behind the first post
        cb.forceOpen();  // a new incident
        assertThat(posts).isEmpty();
        assertThat(listener.flush()).isNotDone();

        gate.countDown();
        listener.flush().get(10, TimeUnit.SECONDS);
        List<Post> three = List.of(next(), next(), next());
        // The two incidents' first posts race each other; the reply waits for the first one's answer.
        Post tripped = three.stream().filter(p -> p.body().path("text").asText().contains("failureStreak"))
                .findFirst().orElseThrow();
        Post reply = three.stream().filter(p -> p.body().has("thread_ts")).findFirst().orElseThrow();
        assertThat(reply.body().path("thread_ts").asText()).isEqualTo(tripped.answeredTs());
        assertThat(reply.body().path("text").asText()).contains("recovered");
        assertThat(three).filteredOn(p -> !p.body().has("thread_ts")).hasSize(2);
    }

    @Test
    void messagesFollowCustomTemplates() throws Exception {
        SlackListener listener = slack()
                .openMessage(SlackListener.template("{breaker} down ({from} -> {to}): {reason}, {failureRate} of {calls}"))
                .closeMessage(t -> "back: " + t.breakerName())
                .build();
        CircuitBreaker cb = breaker(listener);
        cb.run(() -> { });
        cb.run(() -> { });
        fail(cb);
        fail(cb);
        cb.reset();
        listener.flush().get(10, TimeUnit.SECONDS);
        assertThat(next().body().path("text").asText())
                .isEqualTo("payments down (CLOSED -> OPEN): failureStreak(2) (2 in a row), 50.0% of 4");
        assertThat(next().body().path("text").asText()).isEqualTo("back: payments");
    }

    @Test
    void aRefusedPostIsLoggedWithoutTheTokenAndRepliesGoToTheChannel() throws Exception {
        answer = "{\"ok\":false,\"error\":\"invalid_auth\"}";
        CapturingLogger logger = new CapturingLogger();
        SlackListener listener = slack().logger(logger).build();
        CircuitBreaker cb = breaker(listener);
        fail(cb);
        fail(cb);
        cb.reset();
        listener.flush().get(10, TimeUnit.SECONDS);

        next();
        assertThat(next().body().has("thread_ts")).isFalse(); // no thread to reply in
        assertThat(logger.lines).hasSize(2).allSatisfy(l -> assertThat(l).contains("invalid_auth").doesNotContain(TOKEN));
    }

    @Test
    void anUnreachableSlackIsLoggedWithoutTheToken() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        CapturingLogger logger = new CapturingLogger();
        SlackListener listener = SlackListener.builder(TOKEN, "#oncall")
                .baseUri(URI.create("http://127.0.0.1:" + closedPort + "/api"))
                .logger(logger)
                .build();
        CircuitBreaker cb = breaker(listener);
        cb.forceOpen();
        listener.flush().get(10, TimeUnit.SECONDS);
        assertThat(logger.lines).singleElement().asString().contains("request failed").doesNotContain(TOKEN);
    }

    @Test
    void theTokenNeverAppearsInToString() {
        SlackListener listener = slack().build();
        assertThat(listener.toString()).contains("#oncall").contains("<redacted>").doesNotContain(TOKEN)
                .doesNotContain("secret");
    }

    @Test
    void theBuilderRejectsBlankTokensAndChannelsWithoutEchoingThem() {
        assertThatThrownBy(() -> SlackListener.builder(" ", "#c")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("token");
        assertThatThrownBy(() -> SlackListener.builder(TOKEN, "")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channel").hasMessageNotContaining(TOKEN);
        assertThatThrownBy(() -> slack().baseUri(URI.create("ftp://x/"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> slack().requestTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void transitionsWithNoIncidentUnderWayPostNothing() throws Exception {
        SlackListener listener = slack().build();
        CircuitBreaker cb = breaker(listener);
        cb.disable();
        cb.metricsOnly();
        cb.reset();
        listener.flush().get(10, TimeUnit.SECONDS);
        assertThat(posts).isEmpty();
    }

    @Test
    void manyBreakersOnManyThreadsEachGetTheirOwnThreads() throws Exception {
        SlackListener listener = slack().build();
        int breakers = 8;
        int incidents = 5;
        CountDownLatch start = new CountDownLatch(1);
        java.util.concurrent.ExecutorService callers = Executors.newFixedThreadPool(breakers);
        try {
            for (int b = 0; b < breakers; b++) {
                CircuitBreaker cb = CircuitBreaker.builder("cb-" + b).listener(listener).build();
                callers.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < incidents; i++) {
                        cb.forceOpen();
                        cb.reset();
                    }
                });
            }
            start.countDown();
        } finally {
            callers.shutdown();
            assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        listener.flush().get(20, TimeUnit.SECONDS);

        List<Post> all = new java.util.ArrayList<>();
        posts.drainTo(all);
        assertThat(all).hasSize(breakers * incidents * 2);
        java.util.Map<String, String> openerOfTs = new java.util.HashMap<>();
        for (Post p : all) {
            if (!p.body().has("thread_ts")) {
                openerOfTs.put(p.answeredTs(), p.body().at("/attachments/0/fields/0/value").asText());
            }
        }
        assertThat(openerOfTs).hasSize(breakers * incidents);
        java.util.Set<String> repliedTo = new java.util.HashSet<>();
        for (Post p : all) {
            if (p.body().has("thread_ts")) {
                String thread = p.body().path("thread_ts").asText();
                assertThat(openerOfTs).containsEntry(thread, p.body().at("/attachments/0/fields/0/value").asText());
                assertThat(repliedTo.add(thread)).as("one recovery per incident").isTrue();
            }
        }
    }

    /** A System.Logger that keeps formatted lines (and thrown exceptions' text). */
    static final class CapturingLogger implements System.Logger {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            lines.add(level + " " + msg + (thrown == null ? "" : " " + thrown));
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            lines.add(level + " " + (params == null ? format : MessageFormat.format(format, params)));
        }
    }
}
