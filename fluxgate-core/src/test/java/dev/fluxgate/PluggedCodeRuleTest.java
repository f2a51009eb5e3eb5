package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One rule for code that users plug in, the same in every pattern: whatever it throws, a
 * {@link RuntimeException} or an {@link Error}, the caller's outcome is what it would have been with
 * the documented safe answer, the other listeners still hear the event, and the throw is logged once
 * at WARNING on the pattern's logger, naming the pattern and the role of the code. Regression: Retry
 * swallowed listener failures silently, and a throwing retry predicate, fallback predicate or
 * last-known-good tracker replaced the caller's outcome with its own exception. And one rule for
 * names: every builder rejects null and blank names.
 */
class PluggedCodeRuleTest {

    @SuppressWarnings("StaticAssignmentOfThrowable") // one shared instance: the tests check identity, not traces
    private static final IOException DOWN = new IOException("down");

    /** An Error of the test's own, so that nothing else could have thrown it. */
    static final class PluggedError extends Error {
        private static final long serialVersionUID = 1L;

        PluggedError() {
            super("plugged-in code threw an Error");
        }
    }

    /** What the pattern under test must have done, checked after the call; the warning is checked by the test. */
    @FunctionalInterface
    interface Scenario {
        void runAndCheck(Throwable boom) throws Exception;
    }

    private static final String[] LOGGERS = {"dev.fluxgate.CircuitBreaker", "dev.fluxgate.Retry", "dev.fluxgate.Fallback",
        "dev.fluxgate.LastKnownGood"};
    private final List<Logger> loggers = new ArrayList<>(); // held strongly: JUL keeps loggers weakly
    private final List<Level> savedLevels = new ArrayList<>();
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        for (String name : LOGGERS) {
            Logger l = Logger.getLogger(name);
            loggers.add(l);
            savedLevels.add(l.getLevel());
            l.setLevel(Level.ALL);
            l.addHandler(capture);
        }
    }

    @AfterEach
    void restoreLogs() {
        for (int i = 0; i < loggers.size(); i++) {
            loggers.get(i).removeHandler(capture);
            loggers.get(i).setLevel(savedLevels.get(i));
        }
    }

    static Stream<Arguments> pluggedCode() {
        List<Arguments> cases = List.of(
                Arguments.of("CircuitBreaker", "listener", "onTransition", (Scenario) PluggedCodeRuleTest::breakerTransitionListener),
                Arguments.of("CircuitBreaker", "listener", "onSuccess", (Scenario) PluggedCodeRuleTest::breakerCallListener),
                Arguments.of("CircuitBreaker", "tracker", "tracks", (Scenario) PluggedCodeRuleTest::breakerTracker),
                Arguments.of("CircuitBreaker", "failureOnResult", "test", (Scenario) PluggedCodeRuleTest::breakerResultPredicate),
                Arguments.of("CircuitBreaker", "fallback", "apply", (Scenario) PluggedCodeRuleTest::breakerFallback),
                Arguments.of("CircuitBreaker", "random source", "nextDouble", (Scenario) PluggedCodeRuleTest::breakerRandom),
                Arguments.of("CircuitBreaker", "delay function", "delayFor", (Scenario) PluggedCodeRuleTest::breakerDelay),
                Arguments.of("Retry", "listener", "onRetry", (Scenario) PluggedCodeRuleTest::retryListener),
                Arguments.of("Retry", "retryOn", "tracks", (Scenario) PluggedCodeRuleTest::retryOn),
                Arguments.of("Retry", "abortOn", "tracks", (Scenario) PluggedCodeRuleTest::abortOn),
                Arguments.of("Retry", "retryOnResult", "test", (Scenario) PluggedCodeRuleTest::retryOnResult),
                Arguments.of("Retry", "random source", "nextDouble", (Scenario) PluggedCodeRuleTest::retryRandom),
                Arguments.of("Retry", "delay function", "delayFor", (Scenario) PluggedCodeRuleTest::retryDelay),
                Arguments.of("Fallback", "fallback", "apply", (Scenario) PluggedCodeRuleTest::fallbackAnswer),
                Arguments.of("Fallback", "predicate", "when", (Scenario) PluggedCodeRuleTest::fallbackPredicate),
                Arguments.of("Fallback", "predicate", "onResult", (Scenario) PluggedCodeRuleTest::fallbackResultPredicate),
                Arguments.of("LastKnownGood", "tracker", "tracks", (Scenario) PluggedCodeRuleTest::lastKnownGoodTracker));
        List<Supplier<Throwable>> throwables = List.of(() -> new IllegalStateException("plugged-in code bug"), PluggedError::new);
        return cases.stream().flatMap(c -> throwables.stream().map(t -> {
            Object[] a = c.get();
            Throwable boom = t.get();
            return Arguments.of(a[0], a[1], a[2], boom.getClass().getSimpleName(), a[3], boom);
        }));
    }

    @ParameterizedTest(name = "{0} {1} ({2}) throwing {3}")
    @MethodSource("pluggedCode")
    void pluggedInCodeThatThrowsLeavesTheCallerItsOutcomeAndIsLoggedAsAWarning(String pattern, String role,
            String method, String kind, Scenario scenario, Throwable boom) throws Exception {
        scenario.runAndCheck(boom);

        assertThat(logged).as("one warning naming the %s and the %s, carrying what it threw", pattern, role)
                .filteredOn(r -> r.getThrown() == boom).singleElement().satisfies(r -> {
                    assertThat(r.getLevel()).isEqualTo(Level.WARNING);
                    assertThat(r.getLoggerName()).isEqualTo("dev.fluxgate." + pattern);
                    assertThat(r.getMessage()).startsWith(pattern).contains(role).contains("threw");
                    if (pattern.equals("CircuitBreaker") || pattern.equals("Retry")) {
                        assertThat(r.getMessage()).contains("'rule'"); // named patterns say which one
                    }
                });
    }

    // ---- the breaker ----

    private static CircuitBreaker.Builder breaker() {
        return CircuitBreaker.builder("rule").window(Window.count(10)).tripper(Tripper.failureStreak(1))
                .ticker(new TestTicker());
    }

    private static void breakerTransitionListener(Throwable boom) {
        List<State> heard = new ArrayList<>();
        CircuitBreaker cb = breaker().listener(t -> {
            throw sneaky(boom);
        }).listener(t -> heard.add(t.to())).build();

        assertThatThrownBy(() -> cb.call(() -> {
            throw DOWN;
        })).isSameAs(DOWN);

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(heard).containsExactly(State.OPEN);
    }

    private static void breakerCallListener(Throwable boom) {
        List<String> heard = new ArrayList<>();
        CircuitBreaker cb = breaker().listener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onSuccess(CircuitBreaker breaker, long durationNanos) {
                throw sneaky(boom);
            }
        }).listener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onSuccess(CircuitBreaker breaker, long durationNanos) {
                heard.add("success");
            }
        }).build();

        assertThat(cb.get(() -> "ok")).isEqualTo("ok");

        assertThat(heard).containsExactly("success");
        assertThat(cb.metrics().successfulCalls()).isEqualTo(1);
    }

    private static void breakerTracker(Throwable boom) {
        CircuitBreaker cb = breaker().tripper(Tripper.failureStreak(5)).tracker(e -> {
            throw sneaky(boom);
        }).build();

        assertThatThrownBy(() -> cb.call(() -> {
            throw DOWN;
        })).isSameAs(DOWN);

        assertThat(cb.metrics().failedCalls()).as("the safe answer: a failure").isEqualTo(1);
    }

    private static void breakerResultPredicate(Throwable boom) {
        CircuitBreaker cb = breaker().tripper(Tripper.failureStreak(5)).failureOnResult(r -> {
            throw sneaky(boom);
        }).build();

        assertThat(cb.get(() -> "result")).isEqualTo("result");

        assertThat(cb.metrics().failedCalls()).as("the safe answer: a failure").isEqualTo(1);
    }

    private static void breakerDelay(Throwable boom) {
        TestTicker ticker = new TestTicker();
        CircuitBreaker cb = breaker().ticker(ticker).cooldown(Cooldown.fixed(Duration.ofSeconds(10))
                .withDelayFrom((result, failure) -> {
                    throw sneaky(boom);
                }, Duration.ofMinutes(5))).build();

        WindowTest.fail(cb);

        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(((CallNotPermittedException) catchThrowable(() -> cb.run(() -> { }))).retryAfter())
                .as("the safe answer: no delay asked, the cooldown decides").contains(Duration.ofSeconds(10));
    }

    private static void breakerFallback(Throwable boom) {
        CircuitBreaker cb = breaker().build();
        IllegalArgumentException original = new IllegalArgumentException("the task's");

        assertThatThrownBy(() -> cb.get(() -> {
            throw original;
        }, e -> {
            throw sneaky(boom);
        })).as("a fallback's failure is what the caller gets").isSameAs(boom);

        assertThat(boom.getSuppressed()).containsExactly(original);
    }

    private static void breakerRandom(Throwable boom) {
        RandomGenerator broken = () -> {
            throw sneaky(boom);
        };
        CircuitBreaker cb = breaker().cooldown(Cooldown.fixed(Duration.ofSeconds(10)).withJitter(0.5)).random(broken)
                .build();

        assertThatThrownBy(() -> cb.call(() -> {
            throw DOWN;
        })).isSameAs(DOWN);

        assertThatThrownBy(() -> cb.get(() -> "x")).isInstanceOfSatisfying(CallNotPermittedException.class,
                e -> assertThat(e.retryAfter()).as("the middle of the range: no jitter").contains(Duration.ofSeconds(10)));
    }

    // ---- retry ----

    private static Retry.Builder retry() {
        return Retry.builder("rule").maxAttempts(3).backoff(Backoff.none()).sleeper(nanos -> { });
    }

    private static Supplier<String> failingOnce(List<Integer> attempts) {
        return () -> {
            attempts.add(attempts.size() + 1);
            if (attempts.size() == 1) {
                throw new IllegalStateException("first attempt fails");
            }
            return "ok";
        };
    }

    private static void retryListener(Throwable boom) {
        List<String> heard = new ArrayList<>();
        Retry r = retry().listener(new RetryListener() {
            @Override
            public void onRetry(Retry retry, int attempt, Throwable failure, Duration delay) {
                throw sneaky(boom);
            }
        }).listener(new RetryListener() {
            @Override
            public void onRetry(Retry retry, int attempt, Throwable failure, Duration delay) {
                heard.add("retry " + attempt);
            }
        }).build();
        List<Integer> attempts = new ArrayList<>();

        assertThat(r.get(failingOnce(attempts))).isEqualTo("ok");

        assertThat(attempts).containsExactly(1, 2);
        assertThat(heard).containsExactly("retry 1");
    }

    private static void retryOn(Throwable boom) {
        Retry r = retry().retryOn(e -> {
            throw sneaky(boom);
        }).build();
        List<Integer> attempts = new ArrayList<>();

        assertThatThrownBy(() -> r.get(failingOnce(attempts))).hasMessage("first attempt fails");

        assertThat(attempts).as("the safe answer: not retried").containsExactly(1);
        assertThat(r.failedCallsWithoutRetry()).isEqualTo(1);
    }

    private static void abortOn(Throwable boom) {
        Retry r = retry().abortOn(e -> {
            throw sneaky(boom);
        }).build();
        List<Integer> attempts = new ArrayList<>();

        assertThatThrownBy(() -> r.get(failingOnce(attempts))).hasMessage("first attempt fails");

        assertThat(attempts).as("the safe answer: not retried").containsExactly(1);
    }

    private static void retryOnResult(Throwable boom) {
        Retry r = retry().retryOnResult(v -> {
            throw sneaky(boom);
        }).build();
        List<Integer> attempts = new ArrayList<>();

        assertThat(r.get(() -> {
            attempts.add(1);
            return "result";
        })).isEqualTo("result");

        assertThat(attempts).as("the safe answer: not retried").hasSize(1);
    }

    private static void retryDelay(Throwable boom) {
        List<Long> slept = new ArrayList<>();
        Retry r = Retry.builder("rule").maxAttempts(2).sleeper(slept::add).backoff(Backoff.constant(Duration.ofMillis(100)))
                .delayFrom((result, failure) -> {
                    throw sneaky(boom);
                }).build();
        List<Integer> attempts = new ArrayList<>();

        assertThat(r.get(failingOnce(attempts))).isEqualTo("ok");

        assertThat(slept).as("the safe answer: no delay asked, the backoff decides").containsExactly(100_000_000L);
    }

    private static void retryRandom(Throwable boom) {
        List<Long> slept = new ArrayList<>();
        Retry r = Retry.builder("rule").maxAttempts(2).sleeper(slept::add)
                .backoff(Backoff.constant(Duration.ofMillis(100)).withFullJitter()).random(() -> {
                    throw sneaky(boom);
                }).build();
        List<Integer> attempts = new ArrayList<>();

        assertThat(r.get(failingOnce(attempts))).isEqualTo("ok");

        assertThat(slept).as("full jitter with the middle draw: half the wait").containsExactly(Duration.ofMillis(50).toNanos());
    }

    // ---- fallback and last known good ----

    private static void fallbackAnswer(Throwable boom) {
        IllegalArgumentException original = new IllegalArgumentException("the task's");
        Fallback<String> f = Fallback.of(e -> {
            throw sneaky(boom);
        });

        assertThatThrownBy(() -> f.get(() -> {
            throw original;
        })).as("a fallback's failure is what the caller gets").isSameAs(boom);

        assertThat(boom.getSuppressed()).containsExactly(original);
    }

    private static void fallbackPredicate(Throwable boom) {
        Fallback<String> f = Fallback.<String>builder().when(e -> {
            throw sneaky(boom);
        }, e -> "first").when(Tracker.all(), e -> "second").build();

        Supplier<String> failing = () -> {
            throw new IllegalStateException("down");
        };
        assertThat(f.get(failing)).as("the safe answer: no match, the next handler answers").isEqualTo("second");
    }

    private static void fallbackResultPredicate(Throwable boom) {
        Fallback<String> f = Fallback.<String>builder().onResult(r -> {
            throw sneaky(boom);
        }, r -> "replaced").build();

        assertThat(f.get(() -> "result")).as("the safe answer: no match").isEqualTo("result");
    }

    private static void lastKnownGoodTracker(Throwable boom) throws Exception {
        LastKnownGood<String, String> lkg = LastKnownGood.<String, String>builder().on(e -> {
            throw sneaky(boom);
        }).build();
        assertThat(lkg.call("k", () -> "good")).isEqualTo("good");

        assertThatThrownBy(() -> lkg.call("k", () -> {
            throw DOWN;
        })).as("the safe answer: not served, the original failure").isSameAs(DOWN);
    }

    // ---- names ----

    static Stream<Arguments> builders() {
        return Stream.of(
                Arguments.of("CircuitBreaker.builder", (Function<String, Object>) CircuitBreaker::builder),
                Arguments.of("CircuitBreaker.ofDefaults", (Function<String, Object>) CircuitBreaker::ofDefaults),
                Arguments.of("Retry.builder", (Function<String, Object>) Retry::builder),
                Arguments.of("Retry.ofDefaults", (Function<String, Object>) Retry::ofDefaults),
                Arguments.of("Bulkhead.builder", (Function<String, Object>) Bulkhead::builder),
                Arguments.of("Bulkhead.of", (Function<String, Object>) name -> Bulkhead.of(name, 1)),
                Arguments.of("ThreadPoolBulkhead.builder", (Function<String, Object>) ThreadPoolBulkhead::builder),
                Arguments.of("ThreadPoolBulkhead.of", (Function<String, Object>) name -> ThreadPoolBulkhead.of(name, 1, 0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("builders")
    void everyBuilderRejectsANullOrBlankName(String factory, Function<String, Object> build) {
        assertThatThrownBy(() -> build.apply(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
        for (String blank : new String[] {"", " ", "\t\n"}) {
            assertThatThrownBy(() -> build.apply(blank)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("name must not be blank");
        }
        Object built = build.apply("payments");
        assertThat(built).isNotNull();
        if (built instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    /** Throws any throwable from a lambda that may not declare it (the test's plugged-in code). */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
