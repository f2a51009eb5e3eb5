package dev.fluxgate.redis;

import dev.fluxgate.RateLimiter;
import io.lettuce.core.RedisURI;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The other instance of {@link TwoJvmSharedQuotaRedisTest}, run in its own JVM: connects, builds the same
 * limiter, says {@code ready}, waits for {@code go} on its standard input, then races for permits from
 * several threads and prints {@code admitted N}.
 *
 * <p>Arguments: port, limiter name, burst, threads, attempts per thread.
 */
public final class QuotaWorker {

    private QuotaWorker() {}

    /**
     * Runs the worker.
     *
     * @param args port, name, burst, threads, attempts per thread
     * @throws Exception anything that goes wrong ends the worker with a stack trace and a non-zero exit
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String name = args[1];
        int burst = Integer.parseInt(args[2]);
        int threads = Integer.parseInt(args[3]);
        int attempts = Integer.parseInt(args[4]);
        try (RedisClients clients = new RedisClients()) {
            RedisRateLimits redis = RedisRateLimits.builder(clients.connect(
                    RedisURI.builder().withHost("127.0.0.1").withPort(port).build()))
                    .timeout(Duration.ofSeconds(10)).build();
            RateLimiter limiter = RateLimiter.builder(name).rate(1, Duration.ofHours(1)).burst(burst)
                    .store(redis.store()).build();
            limiter.availablePermits(); // connected and warm before the race starts
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                throw new IllegalStateException("expected go");
            }
            AtomicInteger admitted = new AtomicInteger();
            CompletableFuture<?>[] runs = new CompletableFuture<?>[threads];
            for (int t = 0; t < threads; t++) {
                runs[t] = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < attempts; i++) {
                        if (limiter.tryAcquire()) {
                            admitted.incrementAndGet();
                        }
                    }
                });
            }
            CompletableFuture.allOf(runs).join();
            System.out.println("admitted " + admitted.get());
            System.out.flush();
        }
    }
}
