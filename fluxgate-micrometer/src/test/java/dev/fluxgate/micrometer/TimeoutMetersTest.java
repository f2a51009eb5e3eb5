package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Registry;
import dev.fluxgate.Timeout;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** {@code fluxgate.timeout.timeouts} and {@code fluxgate.timeout.limit}, for one timeout and for a registry. */
class TimeoutMetersTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private FunctionCounter timeouts(String name) {
        return meters.get("fluxgate.timeout.timeouts").tag("name", name).functionCounter();
    }

    private TimeGauge limit(String name) {
        return meters.get("fluxgate.timeout.limit").tag("name", name).timeGauge();
    }

    private Set<String> named() {
        Set<String> names = new TreeSet<>();
        for (Meter m : meters.getMeters()) {
            names.add(m.getId().getTag("name"));
        }
        return names;
    }

    @Test
    void theCounterFollowsTheTimeoutsIncludingThoseOfItsCopies() throws Exception {
        Timeout timeout = Timeout.builder("inventory").timeout(Duration.ofSeconds(5)).build();
        CircuitBreakerMeters.create().withTags(Tags.of("app", "shop")).bind(timeout, meters);
        assertThat(timeouts("inventory").count()).isZero();
        assertThat(meters.get("fluxgate.timeout.timeouts").tags("name", "inventory", "app", "shop").functionCounter())
                .as("tagged with the name and the user's tags").isNotNull();

        timeout.recordTimeout();
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            timeout.withExecutor(executor).recordTimeout(); // a copy shares the count
        } finally {
            executor.shutdownNow();
        }
        assertThat(timeouts("inventory").count()).isEqualTo(2.0);
    }

    @Test
    void aCallThatRunsOutOfTimeMovesTheCounter() {
        Timeout timeout = Timeout.builder("slow").timeout(Duration.ofMillis(50)).onCallerThread().build();
        CircuitBreakerMeters.create().bind(timeout, meters);
        CountDownLatch never = new CountDownLatch(1);
        // Blocks until the deadline interrupts it: waits on a condition, never on a sleep.
        assertThatThrownBy(() -> timeout.call(() -> never.await(1, TimeUnit.HOURS)))
                .isInstanceOf(TimeoutException.class);
        assertThat(timeouts("slow").count()).isEqualTo(1.0);
        timeout.run(() -> { });
        assertThat(timeouts("slow").count()).as("a call in time is no timeout").isEqualTo(1.0);
    }

    @Test
    void theLimitGaugeIsTheConfiguredTimeoutInSeconds() {
        CircuitBreakerMeters.create().bind(Timeout.builder("api").timeout(Duration.ofMillis(300)).build(), meters);
        assertThat(limit("api").value(TimeUnit.SECONDS)).isEqualTo(0.3);
        assertThat(limit("api").value()).as("the registry's base unit, seconds").isEqualTo(0.3);
        assertThat(limit("api").getId().getDescription()).isEqualTo(MeterDescriptions.TIMEOUT_LIMIT);
    }

    @Test
    void closingTheBindingRemovesItsMetersOnly() {
        CircuitBreakerMeters factory = CircuitBreakerMeters.create();
        MeterBinding a = factory.bind(Timeout.builder("a").build(), meters);
        factory.bind(Timeout.builder("b").build(), meters);
        assertThat(named()).containsExactly("a", "b");
        a.close();
        a.close(); // twice does nothing
        assertThat(named()).containsExactly("b");
        assertThat(meters.find("fluxgate.timeout.timeouts").tag("name", "a").meters()).isEmpty();
        assertThat(meters.find("fluxgate.timeout.limit").tag("name", "a").meters()).isEmpty();
    }

    @Test
    void rebindingTheSameNameReplacesTheEarlierMeters() {
        CircuitBreakerMeters factory = CircuitBreakerMeters.create();
        MeterBinding first = factory.bind(Timeout.builder("a").timeout(Duration.ofSeconds(1)).build(), meters);
        factory.bind(Timeout.builder("a").timeout(Duration.ofSeconds(2)).build(), meters);
        assertThat(limit("a").value(TimeUnit.SECONDS)).isEqualTo(2.0);
        first.close(); // must not remove its successor's meters
        assertThat(limit("a").value(TimeUnit.SECONDS)).isEqualTo(2.0);
    }

    @Test
    void aTimeoutRegistryBindingFollowsAddsAndRemoves() {
        Registry<Timeout, Timeout.Builder> registry =
                Registry.ofTimeouts(Timeout.builder("d").timeout(Duration.ofMillis(500)));
        Timeout early = registry.get("early");
        MeterBinding binding = CircuitBreakerMeters.create().bindTimeouts(registry, meters);
        registry.get("late", b -> b.timeout(Duration.ofSeconds(3)));
        assertThat(named()).containsExactly("early", "late");
        assertThat(limit("early").value(TimeUnit.SECONDS)).isEqualTo(0.5);
        assertThat(limit("late").value(TimeUnit.SECONDS)).isEqualTo(3.0);
        early.recordTimeout();
        assertThat(timeouts("early").count()).isEqualTo(1.0);

        registry.remove("early");
        assertThat(named()).containsExactly("late");

        binding.close();
        assertThat(meters.getMeters()).isEmpty();
        registry.get("after-close");
        assertThat(meters.getMeters()).as("a closed binding no longer follows").isEmpty();
    }
}
