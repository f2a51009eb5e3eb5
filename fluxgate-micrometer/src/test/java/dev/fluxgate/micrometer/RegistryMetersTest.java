package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.Bulkhead;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.ThreadPoolBulkhead;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Whole registries of retries, bulkheads and thread-pool bulkheads are bound like the breakers' one. */
class RegistryMetersTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    /** The names whose meters are registered now, over every meter family. */
    private Set<String> named() {
        Set<String> names = new TreeSet<>();
        for (Meter m : meters.getMeters()) {
            names.add(m.getId().getTag("name"));
        }
        return names;
    }

    @Test
    void aRetryRegistryBindingFollowsAddsAndRemoves() {
        Registry<Retry, Retry.Builder> retries = Registry.ofRetries(Retry.builder("d").sleeper(nanos -> { }));
        retries.get("before");
        MeterBinding binding = CircuitBreakerMeters.create().bindRetries(retries, meters);
        Retry after = retries.get("after");
        after.run(() -> { });

        assertThat(named()).containsExactly("after", "before");
        assertThat(meters.get("fluxgate.retry.calls").tag("name", "after").tag("kind", "successful_without_retry")
                .functionCounter().count()).isEqualTo(1.0);

        retries.remove("before");
        assertThat(named()).containsExactly("after");

        Retry again = retries.get("before"); // a new retry under the old name is bound afresh
        again.run(() -> { });
        assertThat(meters.get("fluxgate.retry.calls").tag("name", "before").tag("kind", "successful_without_retry")
                .functionCounter().count()).isEqualTo(1.0);

        binding.close();
        assertThat(meters.getMeters()).isEmpty();
        retries.get("later");
        assertThat(meters.getMeters()).as("a closed binding no longer follows").isEmpty();
    }

    @Test
    void aBulkheadRegistryBindingFollowsAddsAndRemoves() {
        Registry<Bulkhead, Bulkhead.Builder> bulkheads = Registry.ofBulkheads(Bulkhead.builder("d").maxConcurrentCalls(4));
        MeterBinding binding = CircuitBreakerMeters.create().bindBulkheads(bulkheads, meters);
        bulkheads.get("db", b -> b.maxConcurrentCalls(7));
        bulkheads.get("api");
        assertThat(named()).containsExactly("api", "db");
        assertThat(meters.get("fluxgate.bulkhead.max.allowed.concurrent.calls").tag("name", "db").gauge().value())
                .isEqualTo(7.0);
        assertThat(meters.get("fluxgate.bulkhead.max.allowed.concurrent.calls").tag("name", "api").gauge().value())
                .isEqualTo(4.0);

        bulkheads.remove("db");
        assertThat(named()).containsExactly("api");
        binding.close();
        assertThat(meters.getMeters()).isEmpty();
    }

    @Test
    void aThreadPoolBulkheadRegistryBindingFollowsAddsAndRemoves() {
        Registry<ThreadPoolBulkhead, ThreadPoolBulkhead.Builder> pools =
                Registry.ofThreadPoolBulkheads(ThreadPoolBulkhead.builder("d").threads(2).queueCapacity(3));
        ThreadPoolBulkhead early = pools.get("early");
        MeterBinding binding = CircuitBreakerMeters.create().bindThreadPoolBulkheads(pools, meters);
        ThreadPoolBulkhead late = pools.get("late");
        assertThat(named()).containsExactly("early", "late");
        assertThat(meters.get("fluxgate.bulkhead.queue.capacity").tag("name", "late").gauge().value())
                .isEqualTo(3.0);

        pools.remove("early");
        assertThat(named()).containsExactly("late");
        binding.close();
        assertThat(meters.getMeters()).isEmpty();
        early.close();
        late.close();
    }

    @Test
    void anAdaptiveBulkheadRegistryBindingFollowsAddsAndRemoves() {
        Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> bulkheads =
                Registry.ofAdaptiveBulkheads(AdaptiveBulkhead.builder("d").limits(1, 4, 50));
        MeterBinding binding = CircuitBreakerMeters.create().bindAdaptiveBulkheads(bulkheads, meters);
        bulkheads.get("db", b -> b.limits(1, 7, 50));
        bulkheads.get("api");
        assertThat(meters.get("fluxgate.adaptive.bulkhead.limit").tag("name", "db").gauge().value()).isEqualTo(7.0);
        assertThat(meters.get("fluxgate.adaptive.bulkhead.limit").tag("name", "api").gauge().value()).isEqualTo(4.0);

        bulkheads.remove("db");
        assertThat(meters.find("fluxgate.adaptive.bulkhead.limit").tag("name", "db").gauges()).isEmpty();
        binding.close();
        assertThat(meters.getMeters()).isEmpty();
    }
}
