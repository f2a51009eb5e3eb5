package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegistryTest {

    @Test
    void getCreatesOnceFromTheSharedDefaults() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreaker.builder("defaults")
                .window(Window.count(20)).tripper(Tripper.failureStreak(3)));
        CircuitBreaker a = registry.get("a");
        assertThat(registry.get("a")).isSameAs(a);
        assertThat(a.name()).isEqualTo("a");
        assertThat(a.configuration()).containsEntry("window", "Window.count(20)")
                .containsEntry("tripper", "failureStreak(3)");
        CircuitBreaker b = registry.get("b", builder -> builder.window(Window.count(5)));
        assertThat(b.configuration()).containsEntry("window", "Window.count(5)")
                .containsEntry("tripper", "failureStreak(3)");
        assertThat(registry.all()).extracting(CircuitBreaker::name).containsExactly("a", "b");
    }

    @Test
    void changingTheDefaultBuilderLaterDoesNotChangeTheRegistry() {
        CircuitBreaker.Builder defaults = CircuitBreaker.builder("defaults").window(Window.count(20))
                .tripper(Tripper.failureStreak(5));
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(defaults);
        defaults.window(Window.count(7)).tripper(Tripper.failureStreak(2));
        assertThat(registry.get("x").configuration()).containsEntry("window", "Window.count(20)");
    }

    @Test
    void anImpossibleDefaultConfigurationFailsWhenTheRegistryIsMade() {
        assertThatThrownBy(() -> CircuitBreakerRegistry.of(CircuitBreaker.builder("d").window(Window.count(5))
                .tripper(Tripper.minRequests(6).and(Tripper.failureRate(0.5)))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minRequests must be <= window size");
    }

    @Test
    void removeEvictsTheBreakerAndItsListenersAndTellsEntryListeners() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        List<String> events = new ArrayList<>();
        registry.get("early");
        registry.addEntryListener(new Registry.EntryListener<CircuitBreaker>() {
            @Override
            public void onAdded(CircuitBreaker breaker) {
                events.add("added " + breaker.name());
            }

            @Override
            public void onRemoved(CircuitBreaker breaker) {
                events.add("removed " + breaker.name());
            }
        });
        CircuitBreaker cb = registry.get("late");
        List<Transition> heard = new ArrayList<>();
        cb.addListener(heard::add);
        assertThat(registry.remove("late")).containsSame(cb);
        assertThat(registry.remove("late")).isEmpty();
        cb.forceOpen();
        assertThat(heard).isEmpty();
        assertThat(events).containsExactly("added early", "added late", "removed late");
        assertThat(registry.find("late")).isEmpty();
        assertThat(registry.get("late")).isNotSameAs(cb);
    }

    @Test
    void concurrentGetsOfOneNameBuildOneBreaker() throws Exception {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "n" + round;
                CountDownLatch start = new CountDownLatch(1);
                List<Future<CircuitBreaker>> got = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    got.add(pool.submit(() -> {
                        start.await();
                        return registry.get(name);
                    }));
                }
                start.countDown();
                ConcurrentHashMap<CircuitBreaker, Boolean> distinct = new ConcurrentHashMap<>();
                for (Future<CircuitBreaker> f : got) {
                    distinct.put(f.get(10, TimeUnit.SECONDS), true);
                }
                assertThat(distinct).hasSize(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
