package dev.fluxgate.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.fluxgate.RateLimiter;
import dev.fluxgate.test.ManualTicker;
import io.lettuce.core.RedisURI;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Redis that requires a password, reached with the password in the URI: nothing the limiter shows
 * (its text, its exceptions with their causes and stack traces, the log of this library and of Lettuce)
 * contains the password, through an outage and a recovery.
 */
class RedisSecretsTest {

    private static final String PASSWORD = "fluxgate-S3cret-pw-8c1f";

    private static RedisServer server;
    private static RedisClients clients;

    @BeforeAll
    static void startRedis() throws Exception {
        server = RedisServer.start(PASSWORD);
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

    /** Every log record, formatted with its stack trace. */
    private static final class Capture extends Handler {
        final StringBuilder text = new StringBuilder();

        @Override
        public synchronized void publish(LogRecord r) {
            text.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(": ")
                    .append(new java.util.logging.SimpleFormatter().formatMessage(r)).append('\n');
            if (r.getThrown() != null) {
                text.append(stackTrace(r.getThrown()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}

        synchronized String text() {
            return text.toString();
        }
    }

    private static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w + "\n" + t; // the stack trace prints causes and suppressed ones; toString for good measure
    }

    @Test
    void thePasswordAppearsInNoTextNoExceptionAndNoLogThroughAnOutageAndARecovery() throws Exception {
        Logger root = Logger.getLogger("");
        Logger ours = Logger.getLogger("dev.fluxgate");
        Level oursBefore = ours.getLevel();
        Capture log = new Capture();
        log.setLevel(Level.ALL);
        root.addHandler(log);
        ours.setLevel(Level.ALL);
        StringBuilder shown = new StringBuilder();
        try {
            RedisURI uri = RedisURI.create("redis://:" + PASSWORD + "@127.0.0.1:" + server.port());
            ManualTicker probes = new ManualTicker();
            RedisRateLimits redis = RedisRateLimits.builder(clients.connect(uri)).timeout(Duration.ofMillis(300))
                    .ticker(probes).build();
            RateLimiter limiter = RateLimiter.builder("secrets").rate(1, Duration.ofHours(1)).burst(10)
                    .store(redis.store()).build();
            RateLimiter.Store store = redis.store().apply(limiter.limit());
            assertThat(limiter.tryAcquire()).isTrue(); // the password works
            shown.append(redis).append('\n').append(limiter).append('\n').append(store).append('\n')
                    .append(redis.onRedisFailure()).append('\n');

            server.stop();
            Throwable timedOut = catchThrowable(limiter::tryAcquire);
            Throwable refusedAtOnce = catchThrowable(limiter::tryAcquire);
            CompletableFuture<String> async = limiter.callAsync(() -> CompletableFuture.completedFuture("ran"));
            Throwable asyncFailure = catchThrowable(() -> async.get(30, TimeUnit.SECONDS));
            assertThat(timedOut).isInstanceOf(RedisUnavailableException.class);
            assertThat(refusedAtOnce).isInstanceOf(RedisUnavailableException.class);
            assertThat(asyncFailure).hasCauseInstanceOf(RedisUnavailableException.class);
            for (Throwable t : new Throwable[] {timedOut, refusedAtOnce, asyncFailure}) {
                shown.append(stackTrace(t)).append('\n');
            }
            shown.append(redis).append('\n').append(store).append('\n');

            server.restart();
            long start = System.nanoTime();
            while (!redis.redisAvailable()) {
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(90));
                probes.advance(redis.probeInterval());
                Throwable stillDown = catchThrowable(limiter::tryAcquire);
                if (stillDown != null) {
                    shown.append(stackTrace(stillDown)).append('\n');
                    TimeUnit.MILLISECONDS.sleep(50); // polling for Lettuce's reconnection, not timing any logic
                }
            }
            shown.append(redis).append('\n');
        } finally {
            root.removeHandler(log);
            ours.setLevel(oursBefore);
        }
        String logged = log.text();
        // The texts are really there (the outage was logged, the exceptions explain themselves) ...
        assertThat(logged).contains("Redis did not answer").contains("Redis answers again");
        assertThat(shown).contains("RateLimiter 'secrets'").contains("TimeoutException");
        // ... and none holds the password.
        assertThat(logged).doesNotContain(PASSWORD);
        assertThat(shown.toString()).doesNotContain(PASSWORD);
    }
}
