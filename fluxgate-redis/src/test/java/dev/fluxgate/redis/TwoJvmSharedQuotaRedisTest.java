package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.RateLimiter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two JVMs, two instances of a service: this one and a {@link QuotaWorker} started with the test class
 * path. Both race for one limiter's permits at the same time; between them they get exactly its quota.
 */
class TwoJvmSharedQuotaRedisTest {

    private static final Duration DEADLINE = Duration.ofMinutes(3);

    private static RedisServer server;
    private static RedisClients clients;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start();
        clients = new RedisClients();
    }

    @AfterAll
    static void stopRedis() {
        try {
            if (clients != null) {
                clients.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    /** The test class path: surefire's own property, else this JVM's. */
    private static String classPath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** Reads a line from the worker, failing after the deadline rather than hanging. */
    private static String readLine(BufferedReader out, Process worker) throws Exception {
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            return line.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            worker.destroyForcibly();
            throw e;
        }
    }

    @Test
    void twoJvmsRacingForOneLimitGetExactlyItsQuotaBetweenThem() throws Exception {
        int burst = 60;
        String name = "two-jvms";
        Path workerLog = Path.of("target", "redis-logs", "quota-worker.log");
        Files.createDirectories(workerLog.getParent());
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", classPath(), QuotaWorker.class.getName(),
                Integer.toString(server.port()), name, Integer.toString(burst), "4", "50");
        Process worker = new ProcessBuilder(command).redirectError(workerLog.toFile()).start();
        try {
            RedisRateLimits redis = RedisRateLimits.builder(clients.connect(server)).timeout(Duration.ofSeconds(10)).build();
            RateLimiter here = RateLimiter.builder(name).rate(1, Duration.ofHours(1)).burst(burst)
                    .store(redis.store()).build();
            assertThat(here.availablePermits()).isEqualTo(burst); // connected and warm, nothing taken yet

            BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
            assertThat(readLine(out, worker)).as("the worker's first line (its log: %s)", workerLog.toAbsolutePath())
                    .isEqualTo("ready");
            Writer in = new OutputStreamWriter(worker.getOutputStream(), StandardCharsets.UTF_8);
            in.write("go\n");
            in.flush();

            AtomicInteger admittedHere = new AtomicInteger();
            CompletableFuture<?>[] runs = new CompletableFuture<?>[4];
            for (int t = 0; t < runs.length; t++) {
                runs[t] = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 50; i++) {
                        if (here.tryAcquire()) {
                            admittedHere.incrementAndGet();
                        }
                    }
                });
            }
            CompletableFuture.allOf(runs).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

            String result = readLine(out, worker);
            assertThat(result).as("the worker's result (its log: %s)", workerLog.toAbsolutePath()).startsWith("admitted ");
            int admittedThere = Integer.parseInt(result.substring("admitted ".length()));
            assertThat(worker.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(worker.exitValue()).isZero();

            // 400 attempts in two JVMs for 60 permits: exactly 60 admitted between them.
            assertThat(admittedHere.get() + admittedThere)
                    .as("admitted here %d, in the worker %d", admittedHere.get(), admittedThere).isEqualTo(burst);
            assertThat(here.availablePermits()).isZero();
        } finally {
            worker.destroyForcibly();
            worker.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
