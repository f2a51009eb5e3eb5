package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The registry contract, run over the registry of every pattern. */
class RegistryContractTest {

    /**
     * One kind of registry: how to make one, a customizer that changes something visible, and how to
     * read that back from an instance.
     */
    record Kind<P extends Policy, B>(String name, Supplier<Registry<P, B>> registry, Consumer<B> customize,
            Function<P, Object> setting, Object defaultSetting, Object customSetting, Function<P, String> nameOf) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Kind<?, ?>> kinds() {
        return Stream.of(
                new Kind<CircuitBreaker, CircuitBreaker.Builder>("breakers",
                        () -> CircuitBreakerRegistry.of(CircuitBreaker.builder("d").window(Window.count(20))
                                .tripper(Tripper.failureStreak(3))),
                        b -> b.window(Window.count(5)), cb -> cb.configuration().get("window"),
                        "Window.count(20)", "Window.count(5)", CircuitBreaker::name),
                new Kind<Retry, Retry.Builder>("retries",
                        () -> Registry.ofRetries(Retry.builder("d").maxAttempts(4)),
                        b -> b.maxAttempts(7), Retry::maxAttempts, 4, 7, Retry::name),
                new Kind<Bulkhead, Bulkhead.Builder>("bulkheads",
                        () -> Registry.ofBulkheads(Bulkhead.builder("d").maxConcurrentCalls(3)),
                        b -> b.maxConcurrentCalls(9), Bulkhead::maxConcurrentCalls, 3, 9, Bulkhead::name),
                new Kind<ThreadPoolBulkhead, ThreadPoolBulkhead.Builder>("thread-pool bulkheads",
                        () -> Registry.ofThreadPoolBulkheads(ThreadPoolBulkhead.builder("d").threads(2).queueCapacity(5)),
                        b -> b.queueCapacity(11), ThreadPoolBulkhead::queueCapacity, 5, 11, ThreadPoolBulkhead::name),
                new Kind<Timeout, Timeout.Builder>("timeouts",
                        () -> Registry.ofTimeouts(Timeout.builder("d").timeout(Duration.ofMillis(300))),
                        b -> b.timeout(Duration.ofSeconds(3)), Timeout::timeout, Duration.ofMillis(300),
                        Duration.ofSeconds(3), Timeout::name),
                new Kind<Hedge, Hedge.Builder>("hedges",
                        () -> Registry.ofHedges(Hedge.builder("d").maxAttempts(3)),
                        b -> b.maxAttempts(5), Hedge::maxAttempts, 3, 5, Hedge::name),
                new Kind<RateLimiter, RateLimiter.Builder>("rate limiters",
                        () -> Registry.ofRateLimiters(RateLimiter.builder("d").rate(10, Duration.ofSeconds(1))),
                        b -> b.rate(20, Duration.ofSeconds(1)), r -> r.limit().permits(), 10, 20, RateLimiter::name),
                new Kind<Chaos, Chaos.Builder>("chaos",
                        () -> Registry.ofChaos(Chaos.builder("d").exception(0.5)),
                        b -> b.enabled(true), Chaos::isEnabled, false, true, Chaos::name),
                new Kind<AdaptiveBulkhead, AdaptiveBulkhead.Builder>("adaptive bulkheads",
                        () -> Registry.ofAdaptiveBulkheads(AdaptiveBulkhead.builder("d").limits(1, 3, 50)),
                        b -> b.limits(1, 9, 50), AdaptiveBulkhead::limit, 3, 9, AdaptiveBulkhead::name));
    }

    /** Records what entry listeners hear. */
    static final class Heard<P> implements Registry.EntryListener<P> {
        final List<String> events = new CopyOnWriteArrayList<>();
        final Function<P, String> nameOf;

        Heard(Function<P, String> nameOf) {
            this.nameOf = nameOf;
        }

        @Override
        public void onAdded(P entry) {
            events.add("added " + nameOf.apply(entry));
        }

        @Override
        public void onRemoved(P entry) {
            events.add("removed " + nameOf.apply(entry));
        }
    }

    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                warnings.add(r.getMessage() + (r.getThrown() == null ? "" : " / " + r.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<Logger> loggers = new ArrayList<>();

    @BeforeEach
    void captureRegistryLogs() {
        for (String name : List.of(Registry.class.getName(), CircuitBreakerRegistry.class.getName())) {
            Logger logger = Logger.getLogger(name);
            logger.addHandler(capture);
            loggers.add(logger);
        }
    }

    @AfterEach
    void release() {
        loggers.forEach(l -> l.removeHandler(capture));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void getCreatesOnceFromTheDefaultsAndFindNeverCreates(Kind<P, B> kind) {
        Registry<P, B> registry = kind.registry().get();
        assertThat(registry.find("a")).isEmpty();
        P a = registry.get("a");
        assertThat(kind.nameOf().apply(a)).isEqualTo("a");
        assertThat(kind.setting().apply(a)).isEqualTo(kind.defaultSetting());
        assertThat(registry.get("a")).isSameAs(a);
        assertThat(registry.find("a")).containsSame(a);
        assertThat(registry.size()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void theCustomizerAppliesAfterTheDefaultsOnlyWhenCreating(Kind<P, B> kind) {
        Registry<P, B> registry = kind.registry().get();
        AtomicInteger applied = new AtomicInteger();
        P b = registry.get("b", builder -> {
            applied.incrementAndGet();
            kind.customize().accept(builder);
        });
        assertThat(kind.setting().apply(b)).isEqualTo(kind.customSetting());
        assertThat(registry.get("b", builder -> applied.incrementAndGet())).isSameAs(b);
        assertThat(applied).hasValue(1);
        assertThat(kind.setting().apply(registry.get("c"))).as("the defaults are untouched by b's customizer")
                .isEqualTo(kind.defaultSetting());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void allListsTheInstancesSortedByName(Kind<P, B> kind) {
        Registry<P, B> registry = kind.registry().get();
        registry.get("m");
        registry.get("b");
        registry.get("x");
        assertThat(registry.all()).extracting(kind.nameOf()).containsExactly("b", "m", "x");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void concurrentGetsOfOneNameBuildOneAndApplyOneCustomizer(Kind<P, B> kind) throws Exception {
        Registry<P, B> registry = kind.registry().get();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < 10; round++) {
                String name = "n" + round;
                AtomicInteger customized = new AtomicInteger();
                CountDownLatch ready = new CountDownLatch(threads);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<P>> got = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    got.add(pool.submit(() -> {
                        ready.countDown();
                        start.await();
                        return registry.get(name, b -> customized.incrementAndGet());
                    }));
                }
                assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
                start.countDown();
                Set<P> distinct = ConcurrentHashMap.newKeySet();
                for (Future<P> f : got) {
                    distinct.add(f.get(10, TimeUnit.SECONDS));
                }
                assertThat(distinct).hasSize(1);
                assertThat(customized).hasValue(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void removeEvictsAndTellsTheEntryListeners(Kind<P, B> kind) {
        Registry<P, B> registry = kind.registry().get();
        registry.get("early");
        Heard<P> heard = new Heard<>(kind.nameOf());
        registry.addEntryListener(heard);
        P late = registry.get("late");
        assertThat(registry.remove("late")).containsSame(late);
        assertThat(registry.remove("late")).isEmpty();
        assertThat(registry.find("late")).isEmpty();
        assertThat(heard.events).containsExactly("added early", "added late", "removed late");
        assertThat(registry.get("late")).as("a fresh one after removal").isNotSameAs(late);
        assertThat(registry.removeEntryListener(heard)).isTrue();
        assertThat(registry.removeEntryListener(heard)).isFalse();
        registry.remove("early");
        assertThat(heard.events).hasSize(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void aThrowingEntryListenerDoesNotBreakGetOrRemoveOrTheOthers(Kind<P, B> kind) {
        for (Throwable thrown : List.of(new IllegalStateException("bind failed"), new AssertionError("bind broke"))) {
            warnings.clear();
            Registry<P, B> registry = kind.registry().get();
            registry.get("present");
            Heard<P> before = new Heard<>(kind.nameOf());
            Heard<P> after = new Heard<>(kind.nameOf());
            registry.addEntryListener(before);
            registry.addEntryListener(new Registry.EntryListener<P>() {
                @Override
                public void onAdded(P entry) {
                    throw sneaky(thrown);
                }

                @Override
                public void onRemoved(P entry) {
                    throw sneaky(thrown);
                }

                @Override
                public String toString() {
                    return "the broken one";
                }
            });
            registry.addEntryListener(after);
            P x = registry.get("x");
            assertThat(registry.find("x")).containsSame(x);
            assertThat(registry.remove("x")).containsSame(x);
            assertThat(before.events).containsExactly("added present", "added x", "removed x");
            assertThat(after.events).containsExactly("added present", "added x", "removed x");
            assertThat(warnings).as("replay, add and remove each logged once").hasSize(3)
                    .allMatch(w -> w.contains("entry listener the broken one threw") && w.contains(thrown.getMessage()))
                    .anyMatch(w -> w.contains("on add of 'present'"))
                    .anyMatch(w -> w.contains("on add of 'x'"))
                    .anyMatch(w -> w.contains("on remove of 'x'"));
        }
    }

    private static RuntimeException sneaky(Throwable t) {
        if (t instanceof Error e) {
            throw e;
        }
        return (RuntimeException) t;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void namesAreCheckedByTheOneRuleForNames(Kind<P, B> kind) {
        Registry<P, B> registry = kind.registry().get();
        for (String blank : List.of("", "  ", "\t")) {
            assertThatThrownBy(() -> registry.get(blank)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("name must not be blank");
            assertThatThrownBy(() -> registry.get(blank, b -> { })).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> registry.find(blank)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> registry.remove(blank)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> registry.get(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> registry.find(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> registry.remove(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        assertThatThrownBy(() -> registry.get("ok", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("customizer");
        assertThat(registry.size()).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void aCustomizerThatThrowsAddsNothingAndALaterGetTriesAgain(Kind<P, B> kind) {
        Registry<P, B> registry = kind.registry().get();
        Heard<P> heard = new Heard<>(kind.nameOf());
        registry.addEntryListener(heard);
        assertThatThrownBy(() -> registry.get("y", b -> {
            throw new IllegalArgumentException("bad option");
        })).hasMessage("bad option");
        assertThat(registry.find("y")).isEmpty();
        assertThat(registry.all()).isEmpty();
        assertThat(heard.events).isEmpty();
        P y = registry.get("y");
        assertThat(registry.find("y")).containsSame(y);
        assertThat(heard.events).containsExactly("added y");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    <P extends Policy, B> void aCustomizerThatGetsItsOwnNameIsRefusedInsteadOfLooping(Kind<P, B> kind) {
        Registry<P, B> registry = kind.registry().get();
        assertThatThrownBy(() -> registry.get("self", b -> registry.get("self")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'self'");
        assertThat(registry.find("self")).isEmpty();
        P other = registry.get("outer", b -> registry.get("inner"));
        assertThat(registry.all()).extracting(kind.nameOf()).containsExactly("inner", "outer");
        assertThat(registry.find("outer")).containsSame(other);
    }

    @Test
    void aRemovedRetryNoLongerTellsItsListeners() {
        List<Integer> attempts = new CopyOnWriteArrayList<>();
        Registry<Retry, Retry.Builder> registry = Registry.ofRetries(Retry.builder("d").listener(new RetryListener() {
            @Override
            public void onAttempt(Retry retry, int attempt) {
                attempts.add(attempt);
            }
        }));
        Retry retry = registry.get("r");
        retry.run(() -> { });
        assertThat(attempts).containsExactly(1);
        registry.remove("r");
        retry.run(() -> { });
        assertThat(attempts).as("the registry dropped the retry's listeners").containsExactly(1);
    }

    @Test
    void aRemovedChaosNoLongerTellsItsListeners() throws Exception {
        List<Chaos.Kind> heard = new CopyOnWriteArrayList<>();
        Registry<Chaos, Chaos.Builder> registry = Registry.ofChaos(Chaos.builder("d").result(1.0, "injected")
                .enabled(true).listener((chaos, kind) -> heard.add(kind)));
        Chaos chaos = registry.get("c");
        assertThat(chaos.call(() -> "real")).isEqualTo("injected");
        assertThat(heard).containsExactly(Chaos.Kind.RESULT);
        registry.remove("c");
        assertThat(chaos.call(() -> "real")).isEqualTo("injected");
        assertThat(heard).as("the registry dropped the chaos's listeners").containsExactly(Chaos.Kind.RESULT);
    }

    @Test
    void seededChaosFromOneRegistryDrawsTheSameSequencePerInstanceAndCountsApart() throws Exception {
        Registry<Chaos, Chaos.Builder> registry = Registry.ofChaos(Chaos.builder("d").result(0.5, "x").seed(7)
                .enabled(true));
        Chaos a = registry.get("a");
        Chaos b = registry.get("b");
        List<String> fromA = new java.util.ArrayList<>();
        List<String> fromB = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            fromA.add(a.call(() -> "ok"));
        }
        for (int i = 0; i < 40; i++) {
            fromB.add(b.call(() -> "ok"));
        }
        assertThat(fromA).as("one Random per instance, not one shared").isEqualTo(fromB).contains("x", "ok");
        assertThat(a.injected(Chaos.Kind.RESULT) + a.passedThrough()).isEqualTo(40);
        b.disable();
        assertThat(a.isEnabled()).as("each instance has its own switch").isTrue();
    }

    @Test
    void chaosDefaultsWithoutAFaultFailWhenTheRegistryIsMade() {
        assertThatThrownBy(() -> Registry.ofChaos(Chaos.builder("d")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("add at least one fault");
        assertThatThrownBy(() -> Registry.ofChaos(Chaos.builder("d").exception(0.7).result(0.7, "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 1");
    }

    @Test
    void impossibleRetryDefaultsFailWhenTheRegistryIsMadeAndLaterChangesToTheDefaultsDoNotReachIt() {
        assertThatThrownBy(() -> Registry.ofRetries(Retry.builder("d").maxAttempts(Integer.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDuration");
        Bulkhead.Builder defaults = Bulkhead.builder("d").maxConcurrentCalls(4);
        Registry<Bulkhead, Bulkhead.Builder> registry = Registry.ofBulkheads(defaults);
        defaults.maxConcurrentCalls(40);
        assertThat(registry.get("x").maxConcurrentCalls()).isEqualTo(4);
    }

    @Test
    void theFactoriesWithoutArgumentsUseEachPatternsBuiltInDefaults() {
        assertThat(Registry.ofRetries().get("r").maxAttempts()).isEqualTo(3);
        assertThat(Registry.ofBulkheads().get("b").maxConcurrentCalls()).isEqualTo(25);
        assertThat(Registry.ofThreadPoolBulkheads().get("p").queueCapacity()).isEqualTo(100);
        assertThat(Registry.ofTimeouts().get("t").timeout()).isEqualTo(Timeout.DEFAULT_TIMEOUT);
        assertThat(Registry.ofCircuitBreakers().get("c").configuration())
                .isEqualTo(CircuitBreaker.ofDefaults("c").configuration());
        CircuitBreakerRegistry breakers = Registry.ofCircuitBreakers(CircuitBreaker.builder("d").window(Window.count(9)));
        assertThat(breakers.get("c").configuration()).containsEntry("window", "Window.count(9)");
    }

    @Test
    void aCreationInProgressIsWaitedForByRemove() throws Exception {
        Registry<Bulkhead, Bulkhead.Builder> registry = Registry.ofBulkheads();
        Heard<Bulkhead> heard = new Heard<>(Bulkhead::name);
        registry.addEntryListener(heard);
        CountDownLatch building = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Bulkhead> created = pool.submit(() -> registry.get("slow", b -> {
                building.countDown();
                await(proceed);
            }));
            assertThat(building.await(10, TimeUnit.SECONDS)).isTrue();
            Future<java.util.Optional<Bulkhead>> removed = pool.submit(() -> registry.remove("slow"));
            proceed.countDown();
            Bulkhead b = created.get(10, TimeUnit.SECONDS);
            assertThat(removed.get(10, TimeUnit.SECONDS)).containsSame(b);
            assertThat(registry.find("slow")).isEmpty();
            // Listeners run outside the lock, so the two events may be heard in either order; both are heard.
            assertThat(heard.events).containsExactlyInAnyOrder("added slow", "removed slow");
        } finally {
            pool.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
