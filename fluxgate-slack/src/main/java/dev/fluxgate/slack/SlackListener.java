package dev.fluxgate.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fluxgate.Listener;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import dev.fluxgate.Transition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Posts circuit breaker incidents to Slack: a message ({@code chat.postMessage}) when a breaker opens,
 * and replies in that message's thread when it goes half-open, reopens and recovers.
 *
 * <pre>{@code
 * Listener slack = SlackListener.builder(System.getenv("SLACK_BOT_TOKEN"), "#payments-oncall")
 *     .openMessage(SlackListener.template(":rotating_light: *{breaker}* is failing: {reason}"))
 *     .build();
 * CircuitBreaker cb = CircuitBreaker.builder("payments").listener(slack).build();
 * }</pre>
 *
 * <p>One incident per breaker name: a move to {@link State#OPEN} or {@link State#FORCED_OPEN} with no
 * incident under way posts a new message (red); later moves reply in its thread ({@code thread_ts}
 * from Slack's answer to the first post): half-open in yellow, a reopen in red, recovery to
 * {@link State#CLOSED} in green, which ends the incident (as do {@code disable()} and
 * {@code metricsOnly()}). Replies of one incident are posted in order, each after the previous
 * answer. If the first post failed, replies are posted to the channel instead of a thread.
 *
 * <p>The breaker's caller is never blocked: {@link #onTransition} only queues work under a short lock
 * (no I/O, no user code); messages are rendered and sent on the configured {@link Executor} with
 * {@link HttpClient#sendAsync}. Failures (network, or Slack answering {@code "ok": false}) are logged
 * on {@link System.Logger} at {@code WARNING} and never reach the breaker. The token is sent only
 * in the {@code Authorization} header; it never appears in {@link #toString()} or in a log line.
 *
 * <p>Safe for concurrent use, and may be shared by any number of breakers (a registry's, say).
 */
public final class SlackListener implements Listener {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String token;
    private final String channel;
    private final URI postMessage;
    private final HttpClient client;
    private final Executor executor;
    private final Duration requestTimeout;
    private final System.Logger logger;
    private final Function<Transition, String> openMessage;
    private final Function<Transition, String> halfOpenMessage;
    private final Function<Transition, String> closeMessage;
    private final Function<Transition, String> otherMessage;

    private final ReentrantLock lock = new ReentrantLock();
    /** Incidents under way, by breaker name. Guarded by {@link #lock}. */
    private final Map<String, Incident> incidents = new HashMap<>();
    /** Completes when every post queued so far has finished. Guarded by {@link #lock}. */
    private CompletableFuture<Void> everything = CompletableFuture.completedFuture(null);

    /** One Slack thread: the first post's {@code ts} (null if it failed) and the last post queued in it. */
    private static final class Incident {
        final CompletableFuture<String> threadTs;
        CompletableFuture<Void> tail;

        Incident(CompletableFuture<String> threadTs) {
            this.threadTs = threadTs;
            this.tail = threadTs.thenApply(ts -> null);
        }
    }

    private SlackListener(Builder b) {
        this.token = b.token;
        this.channel = b.channel;
        this.postMessage = b.baseUri.resolve("chat.postMessage");
        this.client = b.client != null ? b.client
                : HttpClient.newBuilder().connectTimeout(b.requestTimeout).build();
        this.executor = b.executor;
        this.requestTimeout = b.requestTimeout;
        this.logger = b.logger;
        this.openMessage = b.openMessage;
        this.halfOpenMessage = b.halfOpenMessage;
        this.closeMessage = b.closeMessage;
        this.otherMessage = b.otherMessage;
    }

    /**
     * Starts a builder.
     *
     * @param token a Slack bot token ({@code xoxb-...}) with the {@code chat:write} scope
     * @param channel a channel id or name ({@code C0123456}, {@code #oncall})
     * @return a new builder
     * @throws IllegalArgumentException if either is blank
     */
    public static Builder builder(String token, String channel) {
        return new Builder(token, channel);
    }

    /**
     * A message template: {@code {breaker}}, {@code {from}}, {@code {to}}, {@code {reason}},
     * {@code {at}}, {@code {calls}}, {@code {failures}} and {@code {failureRate}} (a percentage, or
     * {@code n/a} for an empty window) are replaced by the transition's values; Slack's mrkdwn applies.
     *
     * @param pattern the template text, with placeholders
     * @return a function that renders the template for a transition
     */
    public static Function<Transition, String> template(String pattern) {
        Objects.requireNonNull(pattern, "pattern");
        return t -> {
            Metrics m = t.metrics();
            double rate = m.failureRate();
            return pattern.replace("{breaker}", t.breakerName())
                    .replace("{from}", t.from().name())
                    .replace("{to}", t.to().name())
                    .replace("{reason}", t.reason())
                    .replace("{at}", t.at().toString())
                    .replace("{calls}", Integer.toString(m.calls()))
                    .replace("{failures}", Integer.toString(m.failures()))
                    .replace("{failureRate}", Double.isNaN(rate) ? "n/a"
                            : String.format(Locale.ROOT, "%.1f%%", rate * 100));
        };
    }

    @Override
    public void onTransition(Transition t) {
        State to = t.to();
        boolean opens = to == State.OPEN || to == State.FORCED_OPEN;
        // The chain is linked under the lock but starts only once the lock is released, so that no
        // executor, template or HTTP call ever runs under it.
        CompletableFuture<Void> go = new CompletableFuture<>();
        lock.lock();
        try {
            Incident incident = incidents.get(t.breakerName());
            CompletableFuture<Void> posted;
            if (incident == null) {
                if (!opens) {
                    return; // nothing under way to follow up
                }
                incident = new Incident(go.thenComposeAsync(x -> post(t, null), executor));
                incidents.put(t.breakerName(), incident);
                posted = incident.tail;
            } else {
                // Each reply waits for the previous post (and so for the thread's ts).
                Incident i = incident;
                posted = i.tail.thenCombine(go, (x, y) -> (Void) null)
                        .thenComposeAsync(x -> post(t, i.threadTs.getNow(null)), executor)
                        .thenApply(ts -> null);
                i.tail = posted;
                if (!opens && to != State.HALF_OPEN) {
                    incidents.remove(t.breakerName()); // recovered (or switched off by hand): the incident ends
                }
            }
            everything = CompletableFuture.allOf(everything, posted);
        } finally {
            lock.unlock();
        }
        go.complete(null);
    }

    /**
     * A future that completes when every message queued so far has been sent or has failed (useful
     * before shutdown, and in tests). It never completes exceptionally.
     *
     * @return a future that completes once the messages queued so far are done with
     */
    public CompletableFuture<Void> flush() {
        lock.lock();
        try {
            return everything;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends one message and returns Slack's {@code ts} for it, or null (logged) if it failed. Never
     * completes exceptionally, so one failed post does not break the incident's chain.
     */
    private CompletableFuture<String> post(Transition t, @Nullable String threadTs) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(postMessage)
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(payload(t, threadTs), StandardCharsets.UTF_8))
                    .build();
        } catch (RuntimeException e) {
            warn(t, "could not build the message", e);
            return CompletableFuture.completedFuture(null);
        }
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        warn(t, "request failed", error);
                        return null;
                    }
                    return answer(t, response);
                });
    }

    private @Nullable String answer(Transition t, HttpResponse<String> response) {
        try {
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() == 200 && body.path("ok").asBoolean(false)) {
                return body.path("ts").asText(null);
            }
            String error = body.path("error").asText("HTTP " + response.statusCode());
            logger.log(System.Logger.Level.WARNING, "Slack chat.postMessage for breaker ''{0}'' ({1} -> {2}) to "
                    + "{3} was refused: {4}", t.breakerName(), t.from(), t.to(), channel, error);
        } catch (IOException | RuntimeException e) {
            warn(t, "unreadable answer (HTTP " + response.statusCode() + ")", e);
        }
        return null;
    }

    /** Logs a failure by its type and message only: an exception could carry request details. */
    private void warn(Transition t, String what, Throwable error) {
        logger.log(System.Logger.Level.WARNING, "Slack chat.postMessage for breaker ''{0}'' ({1} -> {2}) to {3}: "
                + "{4}: {5}", t.breakerName(), t.from(), t.to(), channel, what, redact(String.valueOf(error)));
    }

    private String redact(String s) {
        return s.replace(token, "<token>");
    }

    String payload(Transition t, @Nullable String threadTs) {
        State to = t.to();
        Function<Transition, String> template;
        String color;
        if (to == State.OPEN || to == State.FORCED_OPEN) {
            template = openMessage;
            color = "#E01E5A";
        } else if (to == State.HALF_OPEN) {
            template = halfOpenMessage;
            color = "#ECB22E";
        } else if (to == State.CLOSED) {
            template = closeMessage;
            color = "#2EB67D";
        } else {
            template = otherMessage;
            color = "#1D9BD1";
        }
        String text;
        try {
            text = template.apply(t);
        } catch (RuntimeException e) {
            warn(t, "the message template threw; using the default", e);
            text = t.toString();
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("channel", channel);
        root.put("text", text); // the notification and screen-reader text
        if (threadTs != null) {
            root.put("thread_ts", threadTs);
        }
        ObjectNode attachment = root.putArray("attachments").addObject();
        attachment.put("color", color);
        attachment.put("fallback", text);
        attachment.put("text", text);
        ArrayNode fields = attachment.putArray("fields");
        field(fields, "Breaker", t.breakerName());
        field(fields, "State", t.from() + " → " + t.to());
        Metrics m = t.metrics();
        if (m.calls() > 0) {
            field(fields, "Failure rate", String.format(Locale.ROOT, "%.1f%% of %d calls",
                    m.failureRate() * 100, m.calls()));
        }
        attachment.put("footer", "Fluxgate");
        attachment.put("ts", t.at().getEpochSecond());
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void field(ArrayNode fields, String title, String value) {
        ObjectNode f = fields.addObject();
        f.put("title", title);
        f.put("value", value);
        f.put("short", true);
    }

    @Override
    public String toString() {
        return "SlackListener[channel=" + channel + ", api=" + postMessage + ", token=<redacted>]";
    }

    /**
     * Builds a {@link SlackListener}. Defaults: base URL {@code https://slack.com/api/}, a new
     * {@link HttpClient}, {@link ForkJoinPool#commonPool()} as executor, a 10 second request timeout,
     * the logger {@code dev.fluxgate.slack.SlackListener}, and the default message templates. Not
     * thread-safe; {@link #build()} copies the configuration.
     */
    public static final class Builder {
        private final String token;
        private final String channel;
        private URI baseUri = URI.create("https://slack.com/api/");
        private @Nullable HttpClient client;
        private Executor executor = ForkJoinPool.commonPool();
        private Duration requestTimeout = Duration.ofSeconds(10);
        private System.Logger logger = System.getLogger(SlackListener.class.getName());
        private Function<Transition, String> openMessage =
                template(":red_circle: Circuit breaker *{breaker}* is {to}: {reason}");
        private Function<Transition, String> halfOpenMessage =
                template(":large_yellow_circle: *{breaker}* is HALF_OPEN, probing the dependency ({reason})");
        private Function<Transition, String> closeMessage =
                template(":large_green_circle: *{breaker}* recovered and is CLOSED ({reason})");
        private Function<Transition, String> otherMessage =
                template(":large_blue_circle: *{breaker}* is {to} ({reason})");

        private Builder(String token, String channel) {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(channel, "channel");
            if (token.isBlank()) {
                throw new IllegalArgumentException("token must not be blank");
            }
            if (channel.isBlank()) {
                throw new IllegalArgumentException("channel must not be blank");
            }
            this.token = token;
            this.channel = channel;
        }

        /**
         * The Web API's base URL, for a proxy or a test server. Default {@code https://slack.com/api/}.
         *
         * @param baseUri the base URL, absolute, http or https
         * @return this builder
         * @throws IllegalArgumentException if not an absolute http(s) URL
         */
        public Builder baseUri(URI baseUri) {
            Objects.requireNonNull(baseUri, "baseUri");
            String scheme = baseUri.getScheme();
            if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme)) {
                throw new IllegalArgumentException("baseUri must be an absolute http(s) URL, was " + baseUri);
            }
            String s = baseUri.toString();
            this.baseUri = s.endsWith("/") ? baseUri : URI.create(s + "/");
            return this;
        }

        /**
         * The HTTP client to send with. Default: a new client with a connect timeout of the request timeout.
         *
         * @param client the HTTP client
         * @return this builder
         */
        public Builder httpClient(HttpClient client) {
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * Where messages are rendered and handed to the client; it should run tasks on its own threads
         * (an executor that runs them inline would put that work on the breaker's caller). Default
         * {@link ForkJoinPool#commonPool()}.
         *
         * @param executor runs the rendering and sending
         * @return this builder
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * How long one post may take. Default 10 seconds.
         *
         * @param timeout how long one post may take, positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Where failed posts are reported. Default: the logger {@code dev.fluxgate.slack.SlackListener}.
         *
         * @param logger the logger for failed posts
         * @return this builder
         */
        public Builder logger(System.Logger logger) {
            this.logger = Objects.requireNonNull(logger, "logger");
            return this;
        }

        /**
         * The text of the incident's first message and of reopen replies (see {@link #template}).
         *
         * @param message renders the text from the transition
         * @return this builder
         */
        public Builder openMessage(Function<Transition, String> message) {
            this.openMessage = Objects.requireNonNull(message, "message");
            return this;
        }

        /**
         * The text of the half-open reply.
         *
         * @param message renders the text from the transition
         * @return this builder
         */
        public Builder halfOpenMessage(Function<Transition, String> message) {
            this.halfOpenMessage = Objects.requireNonNull(message, "message");
            return this;
        }

        /**
         * The text of the recovery reply.
         *
         * @param message renders the text from the transition
         * @return this builder
         */
        public Builder closeMessage(Function<Transition, String> message) {
            this.closeMessage = Objects.requireNonNull(message, "message");
            return this;
        }

        /**
         * The text of the reply for {@code disable()} and {@code metricsOnly()}, which end an incident.
         *
         * @param message renders the text from the transition
         * @return this builder
         */
        public Builder otherMessage(Function<Transition, String> message) {
            this.otherMessage = Objects.requireNonNull(message, "message");
            return this;
        }

        /**
         * Builds the listener.
         *
         * @return a new listener; add it to breakers with {@code listener(...)} or
         *     {@code addListener(...)}
         */
        public SlackListener build() {
            return new SlackListener(this);
        }
    }
}
