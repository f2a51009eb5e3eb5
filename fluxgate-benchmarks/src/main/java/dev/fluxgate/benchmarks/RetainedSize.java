package dev.fluxgate.benchmarks;

import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.LOCK_FREE;
import static io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowSynchronizationStrategy.SYNCHRONIZED;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openjdk.jol.info.GraphLayout;
import org.openjdk.jol.vm.VM;

/**
 * Retained bytes per breaker, measured with JOL: the bytes reachable from one breaker and from no
 * other breaker built alike, that is {@code size(graph(a, b)) - size(graph(b))}, so that what breakers
 * share (configuration singletons, the system clock, classes) is not charged to each one. For a
 * registry of 10,000 breakers it is the whole graph reachable from the registry (names included),
 * divided by 10,000.
 *
 * <p>Run by {@code run.sh}: {@code java -cp benchmarks.jar dev.fluxgate.benchmarks.RetainedSize out.json}.
 */
public final class RetainedSize {

    private static final int REGISTRY_SIZE = 10_000;

    private RetainedSize() {
    }

    /**
     * Measures and prints the sizes, and writes them as JSON to {@code args[0]} when given.
     *
     * @param args an optional output path
     * @throws IOException if the output cannot be written
     */
    public static void main(String[] args) throws IOException {
        System.out.println(VM.current().details());
        Map<String, Long> sizes = new LinkedHashMap<>();
        sizes.put("fluxgate, count window 100", retained(() -> Breakers.fluxgateCount().build()));
        sizes.put("fluxgate, time window 60 s", retained(() -> Breakers.fluxgateTime(Duration.ofSeconds(60)).build()));
        sizes.put("fluxgate, decaying window (half-life 41.6 s)", retained(() -> Breakers.fluxgateDecaying().build()));
        sizes.put("fluxgate, count window 100, after contended use", retained(() -> contended(
                Breakers.fluxgateCount().build())));
        sizes.put("resilience4j, count window 100", retained(() -> Breakers.r4j(Breakers.r4jCount(SYNCHRONIZED))));
        sizes.put("resilience4j, count window 100, lock-free", retained(() -> Breakers.r4j(Breakers.r4jCount(LOCK_FREE))));
        sizes.put("resilience4j, time window 60 s", retained(() -> Breakers.r4j(Breakers.r4jTime(SYNCHRONIZED))));
        sizes.put("resilience4j, time window 60 s, lock-free", retained(() -> Breakers.r4j(Breakers.r4jTime(LOCK_FREE))));
        sizes.put("failsafe, count window 100", retained(() -> Breakers.failsafeCount().build()));
        sizes.put("failsafe, time window 60 s", retained(() -> Breakers.failsafeTime().build()));

        CircuitBreakerRegistry fluxgate = CircuitBreakerRegistry.of(Breakers.fluxgateCount());
        io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry r4j =
                io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry.of(Breakers.r4jCount(SYNCHRONIZED).build());
        List<Object> keep = new ArrayList<>();
        for (int i = 0; i < REGISTRY_SIZE; i++) {
            String name = "breaker-" + i;
            keep.add(fluxgate.get(name));
            keep.add(r4j.circuitBreaker(name));
        }
        sizes.put("fluxgate registry of 10,000 (count 100), per breaker",
                GraphLayout.parseInstance(fluxgate).totalSize() / REGISTRY_SIZE);
        sizes.put("resilience4j registry of 10,000 (count 100), per breaker",
                GraphLayout.parseInstance(r4j).totalSize() / REGISTRY_SIZE);

        StringBuilder json = new StringBuilder("{\n");
        sizes.forEach((k, v) -> {
            System.out.printf("%-60s %,10d bytes%n", k, v);
            json.append(json.length() > 2 ? ",\n" : "").append("  \"").append(k).append("\": ").append(v);
        });
        json.append("\n}\n");
        if (args.length > 0) {
            Files.writeString(Path.of(args[0]), json, StandardCharsets.UTF_8);
        }
        if (keep.isEmpty()) {
            throw new AssertionError(); // keeps the breakers reachable until measured
        }
    }

    /** Bytes reachable from one breaker and not from another built alike. */
    private static long retained(Supplier<?> factory) {
        Object a = factory.get();
        Object b = factory.get();
        return GraphLayout.parseInstance(a, b).totalSize() - GraphLayout.parseInstance(b).totalSize();
    }

    /** Drives a breaker from two threads at once, so that it allocates whatever contention makes it allocate. */
    private static CircuitBreaker contended(CircuitBreaker cb) {
        Runnable calls = () -> {
            for (int i = 0; i < 200_000; i++) {
                cb.get(Breakers.TASK);
            }
        };
        Thread other = new Thread(calls);
        other.start();
        calls.run();
        try {
            other.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return cb;
    }
}
