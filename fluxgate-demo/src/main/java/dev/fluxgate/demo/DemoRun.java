package dev.fluxgate.demo;

import dev.fluxgate.Backoff;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Chaos;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Durations;
import dev.fluxgate.HealthReport;
import dev.fluxgate.Hedge;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Resilience;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryAfter;
import dev.fluxgate.RetryBudget;
import dev.fluxgate.RetryListener;
import dev.fluxgate.Timeout;
import dev.fluxgate.Tracker;
import dev.fluxgate.micrometer.CircuitBreakerMeters;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * One demo run: two twin flaky services, the same load sent to both at the same moments, one
 * client through Fluxgate's pipeline (retry with a budget and the server's Retry-After, hedge,
 * circuit breaker, rate limiter, bulkhead, timeout) and one without, a live timeline, the
 * dashboard, and at the end the summary table, the HTML report and a trace of the unprotected
 * calls for {@code --trace}.
 *
 * <p>Both runs go at the same time, so the demo takes the run's duration once (plus a couple of
 * seconds for the last hanging calls), and both face the same faults at the same wall-clock moments.
 */
public final class DemoRun {

    /**
     * What a run produced.
     *
     * @param summary the comparison table
     * @param report the HTML report
     * @param trace the unprotected run's calls, as a CSV for {@code --trace}
     * @param dashboard where the dashboard was served
     * @param chaosInjected exceptions {@code --chaos} injected into the protected client's attempts (0 without it)
     * @param capacity the capacity-drop phase: the adaptive bulkhead against the fixed one
     */
    public record Result(Summary summary, Path report, Path trace, URI dashboard, long chaosInjected,
            CapacityDrop.Result capacity) {
    }

    /** Calls the protected client may have in flight at once. */
    static final int BULKHEAD = 20;

    /** The retry budget's parameters: retries may add 20% to the first attempts, plus 1 a second, at most 5 saved up. */
    static final double BUDGET_RATIO = 0.2;
    static final double BUDGET_PER_SECOND = 1;
    static final int BUDGET_TOKENS = 5;

    private final Cli.Options options;
    private final Timeline timeline;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CompletableFuture<Result> finished = new CompletableFuture<>();

    /**
     * A run.
     *
     * @param options what the command line asked for
     * @param out where the console output goes
     * @param color whether to colour it
     */
    public DemoRun(Cli.Options options, PrintStream out, boolean color) {
        this.options = options;
        this.timeline = new Timeline(out, color, options.quiet());
    }

    /** With {@code --serve}, ends the wait after the run (for tests; users press Ctrl-C). */
    public void stopServing() {
        stop.countDown();
    }

    /**
     * Completes when the run has ended and its report is written (with {@code --serve}, before the wait).
     *
     * @return a future of the run's result
     */
    public CompletableFuture<Result> finished() {
        return finished;
    }

    /**
     * Runs the demo; with {@code --serve}, returns only after {@link #stopServing()}.
     *
     * @return what was measured
     * @throws IOException if the service, the dashboard or the report cannot be set up or written
     * @throws InterruptedException if the thread is interrupted while the run goes on
     */
    public Result run() throws IOException, InterruptedException {
        try {
            return runOnce();
        } catch (IOException | InterruptedException | RuntimeException e) {
            finished.completeExceptionally(e);
            throw e;
        }
    }

    private Result runOnce() throws IOException, InterruptedException {
        Scenario scenario = Scenario.standard(options.duration(), options.rate(), options.seed());
        BreakerSettings settings = options.breaker();
        Duration timeout = Duration.ofMillis(Math.min(300, scenario.hang().toMillis() / 2));
        RunRecorder with = new RunRecorder("with Fluxgate", 1_000_000_000L, true);
        RunRecorder without = new RunRecorder("without", 1_000_000_000L, false);
        AtomicReference<Summary> summary = new AtomicReference<>();
        AtomicReference<CapacityDrop.@Nullable Result> capacityResult = new AtomicReference<>();
        // Set when the load starts, after the warm-up; read by listener and sampler threads.
        AtomicLong origin = new AtomicLong(System.nanoTime());
        AtomicReference<Instant> startedAt = new AtomicReference<>(Instant.now().truncatedTo(ChronoUnit.MILLIS));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        AtomicReference<HealthReport> health = new AtomicReference<>();
        LongAdder outageRetries = new LongAdder();
        LongAdder outageRetriesHeldBack = new LongAdder();
        List<String> notes = notes(scenario, timeout);
        Scenario.Phase outage = scenario.phase(Scenario.OUTAGE);
        int quota = Scenario.quota(scenario.rate());

        try (FlakyService withService = FlakyService.start(scenario);
                FlakyService withoutService = FlakyService.start(scenario);
                CapacityDrop capacity = CapacityDrop.create(scenario.phase(Scenario.CAPACITY_DROP));
                Dashboard dashboard = Dashboard.start(options.port(),
                        () -> data(scenario, with, without, summary.get(), notes, startedAt.get(), capacity,
                                capacityResult.get()),
                        registry::scrape, () -> health.get() == null ? "{\"status\":\"UNKNOWN\"}"
                                : health.get().toJson())) {
            CircuitBreaker breaker = settings.builder("inventory")
                    .random(new Random(options.seed()))
                    .listener(t -> {
                        long at = System.nanoTime() - origin.get();
                        with.transition(at, t.from(), t.to(), t.reason());
                        timeline.transition(at / 1e9, t.from(), t.to(), t.reason());
                        dashboard.publish("transition", Json.write(Map.of("t", at / 1e9, "from", t.from().name(),
                                "to", t.to().name(), "reason", t.reason())));
                    })
                    .build();
            // Retries may add 20% to the calls (plus 1 a second): a failing service is not sent twice the load.
            RetryBudget budget = RetryBudget.builder("inventory")
                    .ratio(BUDGET_RATIO)
                    .minRetriesPerSecond(BUDGET_PER_SECOND)
                    .maxTokens(BUDGET_TOKENS)
                    .build();
            long budgetBuilt = System.nanoTime();
            Retry retry = Retry.builder("inventory")
                    .maxAttempts(2)
                    .backoff(Backoff.exponential(Duration.ofMillis(50), 2.0, Duration.ofMillis(200)).withFullJitter())
                    .retryOn(Tracker.typeOf(IOException.class, TimeoutException.class))
                    .retryOnResult(r -> r instanceof HttpResponse<?> response
                            && (response.statusCode() >= 500 || RetryAfter.asksToWait(response.statusCode())))
                    .delayFrom(RetryAfter.httpResponse())   // a 429's Retry-After: wait at least that long
                    .maxDelay(Duration.ofSeconds(2))
                    .budget(budget)
                    .random(new Random(options.seed() + 1))
                    .build();
            // A second attempt when the first is slower than 95% of recent calls: the slow tail waits no more.
            Hedge hedge = Hedge.builder("inventory")
                    .maxAttempts(2)
                    .percentileDelay(0.95, Duration.ofMillis(100))   // 100 ms until 20 calls are measured
                    .build();
            // The service's quota, kept on this side: over it a fast local rejection, not a 429.
            RateLimiter limiter = RateLimiter.builder("inventory")
                    .rate(quota, Duration.ofSeconds(1))
                    .burst(Math.max(1, quota / 4))
                    .build();
            Bulkhead bulkhead = Bulkhead.of("inventory", BULKHEAD);
            // The recommended order, outermost first: every retry goes through the hedge and the breaker,
            // each hedged attempt takes its own breaker permit, rate permit, bulkhead slot and timeout, the
            // breaker counts timeouts, the timeout bounds one attempt.
            // --chaos: innermost, so the injected exception stands for the service failing, and the breaker,
            // the retry and the hedge react as they would to a real one. Off (and never built) without the option.
            Chaos chaos = Chaos.builder("inventory")
                    .exception(options.chaos(), () -> new IOException("injected by --chaos"))
                    .seed(options.seed() + 2)
                    .enabled(options.chaos() > 0)
                    .build();
            Resilience pipeline = options.chaos() > 0
                    ? Resilience.of(retry, hedge, breaker, limiter, bulkhead, Timeout.of(timeout), chaos)
                    : Resilience.of(retry, hedge, breaker, limiter, bulkhead, Timeout.of(timeout));
            // For the summary, not part of the pipeline: retries sent and held back while the outage lasts.
            retry.addListener(new RetryListener() {
                @Override
                public void onRetry(Retry r, int attempt, @Nullable Throwable failure, Duration delay) {
                    if (outage.contains(Duration.ofNanos(System.nanoTime() - origin.get()))) {
                        outageRetries.increment();
                    }
                }

                @Override
                public void onBudgetExhausted(Retry r, int attempts, @Nullable Throwable lastFailure) {
                    if (outage.contains(Duration.ofNanos(System.nanoTime() - origin.get()))) {
                        outageRetriesHeldBack.increment();
                    }
                }
            });
            health.set(HealthReport.of(List.of(breaker), List.of(bulkhead), List.of(limiter)));
            CircuitBreakerMeters meters = CircuitBreakerMeters.create();
            meters.bind(breaker, registry);
            meters.bind(retry, registry);
            meters.bind(budget, registry);
            meters.bind(hedge, registry);
            meters.bind(limiter, registry);
            meters.bind(bulkhead, registry);
            meters.bind(capacity.adaptive(), registry);
            if (options.chaos() > 0) {
                meters.bind(chaos, registry);
            }
            bindMeters(registry, with, withService, without, withoutService);

            banner(scenario, settings, timeout, withService, dashboard);
            ExecutorService httpThreads = Executors.newCachedThreadPool(Daemons.named("http"));
            ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(Daemons.named("sampler"));
            try {
                HttpClient withClient = client(httpThreads);
                HttpClient withoutClient = client(httpThreads);
                LoadGenerator.Caller protectedCaller = i -> {
                    AtomicInteger attempts = new AtomicInteger(); // retries and hedges: fresh draws of the plan
                    return pipeline.<HttpResponse<Void>>callAsync(() -> {
                        int attempt = attempts.getAndIncrement();
                        return withClient.sendAsync(HttpRequest.newBuilder(withService.uri(i, attempt)).GET().build(),
                                HttpResponse.BodyHandlers.discarding());
                    }).thenApply(HttpResponse::statusCode);
                };
                LoadGenerator.Caller bareCaller = i -> withoutClient
                        .sendAsync(HttpRequest.newBuilder(withoutService.uri(i)).GET().build(),
                                HttpResponse.BodyHandlers.discarding())
                        .thenApply(HttpResponse::statusCode);

                warmUp(withClient, withService);
                warmUp(withoutClient, withoutService);
                capacity.warmUp();
                origin.set(System.nanoTime() + 200_000_000L); // a moment for both load threads to start
                startedAt.set(Instant.now().plusMillis(200).truncatedTo(ChronoUnit.MILLIS));
                LoadGenerator withLoad = new LoadGenerator(scenario, protectedCaller, with, origin.get());
                LoadGenerator withoutLoad = new LoadGenerator(scenario, bareCaller, without, origin.get());
                sampler.scheduleAtFixedRate(() -> with.sample(System.nanoTime() - origin.get(),
                        breaker.metrics().failureRate()), 200, 100, TimeUnit.MILLISECONDS);
                Thread a = load("load-with", withLoad);
                Thread b = load("load-without", withoutLoad);
                capacity.start(origin.get());
                tick(scenario, with, without, dashboard, origin.get(), capacity);
                a.join();
                b.join();
                int left = with.inFlight() + without.inFlight();
                if (left > 0) {
                    timeline.line(String.format(Locale.ROOT, "       waiting for %d calls still in flight"
                            + " (%d of them unprotected)...", left, without.inFlight()));
                }
                withLoad.awaitCompletion(scenario.hang().plusSeconds(2));
                withoutLoad.awaitCompletion(scenario.hang().plusSeconds(2));
                capacity.awaitCompletion(Duration.ofSeconds(10));
            } finally {
                sampler.shutdownNow();
                httpThreads.shutdownNow();
            }

            double budgetSeconds = (System.nanoTime() - budgetBuilt) / 1e9;
            Summary result = Summary.of(scenario, with, withService, without, withoutService, new Summary.Pipeline(
                    retry.retries(), outageRetries.sum(), outageRetriesHeldBack.sum(), budget.admittedRetries(),
                    // The budget's own bound: saved-up tokens, a share of every first attempt, the floor per second.
                    (long) Math.floor(BUDGET_TOKENS + BUDGET_RATIO * scenario.calls()
                            + BUDGET_PER_SECOND * budgetSeconds + 1e-6),
                    hedge.hedgedAttempts(), hedge.hedgeWins(), limiter.rejectedCalls(), quota));
            CapacityDrop.Result drop = capacity.result();
            capacityResult.set(drop);
            summary.set(result);
            timeline.line("");
            timeline.heading("Summary: the same " + scenario.calls() + " calls, with and without Fluxgate");
            timeline.line(result.toMarkdown());
            timeline.heading("Capacity drop (" + CapacityDrop.OLD_CAPACITY + " -> " + CapacityDrop.NEW_CAPACITY
                    + " in flight): an adaptive bulkhead against a fixed one of " + CapacityDrop.OLD_CAPACITY
                    + ", the same " + CapacityDrop.RATE + " calls/s");
            timeline.line(CapacityDrop.toMarkdown(drop));
            Path dir = options.out();
            Files.createDirectories(dir);
            Path report = Report.write(dir.resolve("report.html"),
                    data(scenario, with, without, result, notes, startedAt.get(), capacity, drop)).toAbsolutePath();
            Path trace = writeTrace(dir.resolve("trace.csv"), without, Objects.requireNonNull(startedAt.get()))
                    .toAbsolutePath();
            dashboard.reportWritten(report);
            dashboard.publish("data", Json.write(data(scenario, with, without, result, notes, startedAt.get(), capacity, drop)));
            dashboard.publish("done", "{}");
            timeline.line("Tune a breaker on this traffic: java -jar fluxgate-demo/target/fluxgate-demo.jar --trace "
                    + trace + " --failure-rate 0.3");
            timeline.heading("Report: " + report);
            if (options.chaos() > 0) {
                timeline.line(String.format(Locale.ROOT, "Chaos was ON: %d injected exceptions (%.0f%% of the protected"
                        + " client's attempts); the breaker and the retry saw them as the service's failures.",
                        chaos.injected(Chaos.Kind.EXCEPTION), options.chaos() * 100));
            }
            Result done = new Result(result, report, trace, dashboard.uri(), chaos.injected(Chaos.Kind.EXCEPTION),
                    drop);
            finished.complete(done);
            if (options.serve()) {
                timeline.line("Dashboard still up at " + dashboard.uri() + " (also /metrics, /health, /report);"
                        + " Ctrl-C to stop.");
                stop.await();
            }
            return done;
        }
    }

    private static HttpClient client(ExecutorService threads) {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .executor(threads)
                .build();
    }

    /**
     * Sends a few rounds of concurrent requests that the scenario does not count, so that the first
     * second of the run does not measure class loading, JIT compilation and connection setup.
     */
    private static void warmUp(HttpClient client, FlakyService service) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(service.warmupUri()).timeout(Duration.ofSeconds(5)).build();
        for (int round = 0; round < 5; round++) {
            List<CompletableFuture<?>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
            }
            try {
                CompletableFuture.allOf(calls.toArray(new CompletableFuture<?>[0]))
                        .get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                return; // a slow warm-up only makes the first second noisier
            }
        }
    }

    private static Thread load(String name, LoadGenerator load) {
        Thread thread = new Thread(() -> {
            try {
                load.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Prints one timeline line per second, just after each second ends, and streams the data. */
    private void tick(Scenario scenario, RunRecorder with, RunRecorder without, Dashboard dashboard, long origin,
            CapacityDrop capacity) {
        long seconds = scenario.duration().toSeconds();
        for (int s = 0; s < seconds; s++) {
            long due = origin + (s + 1) * 1_000_000_000L + 30_000_000L; // a little grace for late completions
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            String phase = scenario.phaseAt(Duration.ofMillis(s * 1000L + 500)).name();
            timeline.second((s + 1.0) / seconds, phase, with.bucket(s), without.bucket(s));
            dashboard.publish("data", Json.write(dashboardData(scenario, with, without, capacity)));
        }
    }

    private Map<String, Object> dashboardData(Scenario scenario, RunRecorder with, RunRecorder without,
            CapacityDrop capacity) {
        return data(scenario, with, without, null, List.of("The run is still going: the summary comes at the end."),
                null, capacity, null);
    }

    private Map<String, Object> data(Scenario scenario, RunRecorder with, RunRecorder without, @Nullable Summary summary,
            List<String> notes, @Nullable Instant startedAt, CapacityDrop capacity,
            CapacityDrop.@Nullable Result capacityResult) {
        String subtitle = String.format(Locale.ROOT, "A real HTTP service on 127.0.0.1 went through %s over %s. Two clients"
                + " sent it the same %d calls (%d a second, three times that in the spike) at the same moments: one"
                + " through Fluxgate (retry with a budget, hedge, circuit breaker, rate limiter, bulkhead, timeout),"
                + " one without. Seed %d%s.",
                phaseList(scenario), Durations.format(scenario.duration()), scenario.calls(), scenario.rate(),
                options.seed(), startedAt == null ? "" : ", run at " + startedAt);
        Map<String, Object> data = Report.data("Fluxgate demo: a circuit breaker in front of a flaky service", subtitle,
                scenario.phases(), scenario.duration().toMillis() / 1e3, options.breaker().failureRate(),
                List.of(with, without), summary, config(), notes);
        data.put("capacity", capacity.data(capacityResult));
        return data;
    }

    private Map<String, String> config() {
        Map<String, String> config = new LinkedHashMap<>(options.breaker().describe());
        config.put("seed", String.valueOf(options.seed()));
        if (options.chaos() > 0) {
            config.put("chaos", String.format(Locale.ROOT, "ON: injected IOException in %.0f%% of attempts",
                    options.chaos() * 100));
        }
        return config;
    }

    private static String phaseList(Scenario scenario) {
        List<String> parts = new ArrayList<>();
        for (Scenario.Phase p : scenario.phases()) {
            parts.add(p.name());
        }
        return String.join(", ", parts);
    }

    private List<String> notes(Scenario scenario, Duration timeout) {
        List<String> notes = new ArrayList<>(notes0(scenario, timeout));
        if (options.chaos() > 0) {
            notes.add(0, String.format(Locale.ROOT, "Chaos is ON (--chaos %s): a Chaos policy innermost in the protected"
                    + " pipeline throws an injected IOException in %.0f%% of its attempts, on top of the service's own"
                    + " faults; the unprotected client gets none. Its failures are the injector's, not the service's.",
                    options.chaos(), options.chaos() * 100));
        }
        return List.copyOf(notes);
    }

    private List<String> notes0(Scenario scenario, Duration timeout) {
        return List.of(
                "Both runs went at the same time, each against its own instance of the same service with the same"
                        + " fault plan: call n failed, hung or succeeded alike for both (seed " + options.seed() + ").",
                "In the outage about half the calls hang for " + Durations.format(scenario.hang())
                        + " and most others fail with 503; in the partial recovery about a quarter still fail. In the"
                        + " slow tail every 10th call answers after " + Durations.format(Duration.ofMillis(Scenario.SLOW_MILLIS))
                        + "; in the capacity drop a second pair of services loses three quarters of its capacity"
                        + " (see its own table); in the traffic spike the load triples and the service answers "
                        + Scenario.quota(scenario.rate()) + " requests a second, 429 with Retry-After: 1 beyond.",
                "With Fluxgate: Resilience.of(retry, hedge, breaker, rateLimiter, bulkhead, timeout) around"
                        + " java.net.http sendAsync: one retry on errors, timeouts and 429s (50-200 ms backoff, full"
                        + " jitter, at least the Retry-After), within a retry budget (20% of calls + 1/s, 5 saved up);"
                        + " a hedged second attempt after the p95 of recent latencies; "
                        + Scenario.quota(scenario.rate()) + " requests a second; at most " + BULKHEAD
                        + " calls in flight, " + Durations.format(timeout) + " per attempt. Without: the same client"
                        + " with its defaults (no retry, no timeout).",
                "Retries in the outage 'without a budget' are those sent plus those the budget held back: what a"
                        + " retry without one would have tried (some would have met the open breaker).",
                "Latency is what the caller waited, rejections included; outcomes count in the second they"
                        + " completed. 'Wasted' requests are counted by the service itself.",
                "The same seed plans the same faults and the same jitter; counts that depend on timing (when the"
                        + " breaker opened, how many probes went out) vary a little from run to run.",
                "/metrics served Prometheus text through Micrometer: fluxgate-micrometer's breaker, retry and"
                        + " bulkhead meters, and the demo's own (calls by outcome, requests reaching each service).");
    }

    private void banner(Scenario scenario, BreakerSettings settings, Duration timeout, FlakyService service,
            Dashboard dashboard) {
        timeline.heading("Fluxgate demo: a circuit breaker and friends in front of a flaky HTTP service");
        StringBuilder phases = new StringBuilder();
        for (Scenario.Phase p : scenario.phases()) {
            if (phases.length() > 0) {
                phases.append(", ");
            }
            phases.append(p.name()).append(' ').append(Durations.format(p.start())).append('-')
                    .append(Durations.format(p.end()));
        }
        timeline.line("  service    " + "http://127.0.0.1:" + service.port() + "/inventory/{n}" + " (the unprotected client has a twin)");
        timeline.line("  scenario   " + phases);
        timeline.line("             in the outage calls fail or hang " + Durations.format(scenario.hang())
                + "; in the slow tail every 10th call takes " + Durations.format(Duration.ofMillis(Scenario.SLOW_MILLIS))
                + "; in the spike 3x the load against a quota of " + Scenario.quota(scenario.rate()) + "/s (429 beyond)");
        timeline.line(String.format(Locale.ROOT, "  load       %d calls/s (3x in the spike) from each client at the same moments,"
                + " %d calls each, seed %d", scenario.rate(), scenario.calls(), scenario.seed()));
        timeline.line("  with       breaker 'inventory': window " + settings.describe().get("window") + ", opens on "
                + Format.percent(settings.failureRate()) + " failures of >= " + settings.minCalls() + " calls, cooldown "
                + Durations.format(settings.cooldown()) + ", " + settings.probes() + " probes;");
        timeline.line("             inside a retry (1 retry, jittered backoff or Retry-After, a retry budget) and a hedge"
                + " (p95 delay),");
        timeline.line("             around a rate limiter (" + Scenario.quota(scenario.rate()) + "/s), a bulkhead ("
                + BULKHEAD + " calls) and a " + Durations.format(timeout) + " timeout");
        timeline.line("  without    the same java.net.http client: no breaker, no retry, no timeout");
        timeline.line("  capacity   in the capacity drop, twin services (" + CapacityDrop.BASE_MILLIS + " ms, latency x"
                + " in-flight/capacity beyond it) fall from " + CapacityDrop.OLD_CAPACITY + " to "
                + CapacityDrop.NEW_CAPACITY + " in flight; " + CapacityDrop.RATE + " calls/s each through an"
                + " AdaptiveBulkhead and a fixed Bulkhead(" + CapacityDrop.OLD_CAPACITY + ")");
        if (options.chaos() > 0) {
            timeline.line(String.format(Locale.ROOT, "  chaos      ON: an injected IOException in %.0f%% of the protected"
                    + " client's attempts (Chaos policy, innermost); watch the breaker react", options.chaos() * 100));
        }
        timeline.line("  dashboard  " + dashboard.uri() + "   metrics " + dashboard.uri().resolve("/metrics")
                + "   health " + dashboard.uri().resolve("/health"));
        timeline.line("");
        timeline.columns();
    }

    private static void bindMeters(PrometheusMeterRegistry registry, RunRecorder with, FlakyService withService,
            RunRecorder without, FlakyService withoutService) {
        for (RunRecorder run : List.of(with, without)) {
            String tag = run == with ? "protected" : "unprotected";
            FlakyService service = run == with ? withService : withoutService;
            for (RunRecorder.Outcome outcome : RunRecorder.Outcome.values()) {
                FunctionCounter.builder("fluxgate.demo.calls", run, r -> r.count(outcome))
                        .description("Calls completed, by how the caller saw them")
                        .tags("run", tag, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                        .register(registry);
            }
            Gauge.builder("fluxgate.demo.calls.in.flight", run, RunRecorder::inFlight)
                    .description("Calls started and not yet completed")
                    .tag("run", tag)
                    .register(registry);
            FunctionCounter.builder("fluxgate.demo.service.requests", service, FlakyService::receivedTotal)
                    .description("Requests that reached the flaky service")
                    .tag("run", tag)
                    .register(registry);
            FunctionCounter.builder("fluxgate.demo.service.failed", service, FlakyService::failedTotal)
                    .description("Requests the flaky service failed or hung on")
                    .tag("run", tag)
                    .register(registry);
        }
    }

    /** Writes the unprotected calls as {@code timestamp,outcome,duration_ms}, in start order. */
    static Path writeTrace(Path file, RunRecorder run, Instant startedAt) throws IOException {
        List<RunRecorder.Call> calls = new ArrayList<>(run.calls());
        calls.sort((x, y) -> Long.compare(x.start(), y.start()));
        StringBuilder sb = new StringBuilder("timestamp,outcome,duration_ms\n");
        for (RunRecorder.Call c : calls) {
            sb.append(startedAt.plusNanos(c.start()).truncatedTo(ChronoUnit.MILLIS)).append(',')
                    .append(c.outcome() == RunRecorder.Outcome.SUCCESS ? "ok"
                            : c.outcome() == RunRecorder.Outcome.TIMEOUT ? "timeout" : "error")
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.1f", c.latency() / 1e6)).append('\n');
        }
        return Files.writeString(file, sb, StandardCharsets.UTF_8);
    }
}
