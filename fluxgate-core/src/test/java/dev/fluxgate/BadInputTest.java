package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every builder and factory parameter fed its invalid values: zero, negative, NaN, infinite, too
 * large, null, and impossible combinations. Each must fail at once with the right exception type,
 * and the message must name the parameter and (for range errors) the allowed range.
 */
class BadInputTest {

    private static final Duration ZERO = Duration.ZERO;
    private static final Duration NEGATIVE = Duration.ofMillis(-1);
    /** More nanoseconds than a long holds (about 292 years): "infinite" for a duration. */
    private static final Duration FOREVER = ChronoUnit.FOREVER.getDuration();
    private static final Duration ONE_S = Duration.ofSeconds(1);
    private static final double[] BAD_RATIOS_OPEN_ZERO = {0.0, -0.1, 1.0000001, Double.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    private static final double[] BAD_RATIOS_CLOSED = {-0.1, 1.0000001, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY};

    static final class Cases {
        final List<Arguments> all = new ArrayList<>();

        /** A range error: IllegalArgumentException whose message names the parameter and the range. */
        Cases range(String what, ThrowingCallable call, String parameter, String allowed) {
            all.add(Arguments.of(what, call, IllegalArgumentException.class, List.of(parameter, allowed)));
            return this;
        }

        /** A null: NullPointerException whose message names the parameter. */
        Cases nul(String what, ThrowingCallable call, String parameter) {
            all.add(Arguments.of(what, call, NullPointerException.class, List.of(parameter)));
            return this;
        }

        /** Every bad duration: null, zero, negative, too long. */
        Cases positiveDuration(String what, java.util.function.Consumer<Duration> call, String parameter) {
            nul(what + "(null)", () -> call.accept(null), parameter);
            for (Duration d : List.of(ZERO, NEGATIVE, FOREVER)) {
                range(what + "(" + d + ")", () -> call.accept(d), parameter, "positive");
            }
            return this;
        }

        Cases nonNegativeDuration(String what, java.util.function.Consumer<Duration> call, String parameter) {
            nul(what + "(null)", () -> call.accept(null), parameter);
            for (Duration d : List.of(NEGATIVE, FOREVER)) {
                range(what + "(" + d + ")", () -> call.accept(d), parameter, "zero or");
            }
            return this;
        }
    }

    static Stream<Arguments> badInputs() {
        Cases c = new Cases();
        CircuitBreaker.Builder b = CircuitBreaker.builder("bad");

        // ---- CircuitBreaker.Builder ----
        c.nul("builder(null)", () -> CircuitBreaker.builder(null), "name");
        c.range("builder(\"\")", () -> CircuitBreaker.builder(""), "name", "must not be blank");
        c.range("builder(\"  \")", () -> CircuitBreaker.builder("  "), "name", "must not be blank");
        c.nul("window(null)", () -> b.window(null), "window");
        c.nul("tracker(null)", () -> b.tracker(null), "tracker");
        c.nul("failureOnResult(null)", () -> b.failureOnResult(null), "failureOnResult");
        c.nul("tripper(null)", () -> b.tripper(null), "tripper");
        c.nul("cooldown(null)", () -> b.cooldown(null), "cooldown");
        c.nul("permit(null)", () -> b.permit(null), "permit");
        c.nul("ticker(null)", () -> b.ticker(null), "ticker");
        c.nul("clock(null)", () -> b.clock(null), "clock");
        c.nul("random(null)", () -> b.random(null), "random");
        c.nul("listener(null)", () -> b.listener(null), "listener");
        for (int n : new int[] {0, -1, Integer.MIN_VALUE, CircuitBreaker.Builder.MAX_HALF_OPEN_CALLS + 1}) {
            c.range("maxHalfOpenCalls(" + n + ")", () -> b.maxHalfOpenCalls(n), "maxHalfOpenCalls", "[1, 100000]");
        }
        for (int n : new int[] {0, -1, Integer.MIN_VALUE}) {
            c.range("closeAfterSuccesses(" + n + ")", () -> b.closeAfterSuccesses(n), "closeAfterSuccesses", ">= 1");
        }
        c.range("closeAfterSuccesses(4) over maxHalfOpenCalls(3)",
                () -> CircuitBreaker.builder("b").maxHalfOpenCalls(3).closeAfterSuccesses(4).build(),
                "closeAfterSuccesses", "[1, maxHalfOpenCalls], was 4 with maxHalfOpenCalls 3");
        c.positiveDuration("halfOpenTimeout", b::halfOpenTimeout, "halfOpenTimeout");
        c.positiveDuration("slowCallThreshold", b::slowCallThreshold, "slowCallThreshold");
        c.range("build() with minRequests above a count window",
                () -> CircuitBreaker.builder("bad").window(Window.count(10))
                        .tripper(Tripper.minRequests(11).and(Tripper.failureRate(0.5))).build(),
                "minRequests", "<= window size");
        c.range("build() with 31 slow-call thresholds", () -> {
            CircuitBreaker.Builder many = CircuitBreaker.builder("bad");
            for (int i = 1; i <= 31; i++) {
                many.slowCallThreshold(Duration.ofMillis(i));
            }
            many.build();
        }, "slow-call thresholds", "at most 30");

        // ---- Window ----
        for (int n : new int[] {0, -1, Integer.MIN_VALUE}) {
            c.range("Window.count(" + n + ")", () -> Window.count(n), "window size", ">= 1");
        }
        c.positiveDuration("Window.time", Window::time, "window span");
        c.positiveDuration("Window.time(1s, bucket)", d -> Window.time(ONE_S, d), "window bucket");
        c.range("Window.time(1s, 2s)", () -> Window.time(ONE_S, Duration.ofSeconds(2)), "window bucket", "<= span");
        c.range("Window.time(1s, 1us)", () -> Window.time(ONE_S, Duration.ofNanos(1_000)), "buckets", "<= 10000");

        // ---- Tracker ----
        c.range("Tracker.typeOf()", Tracker::typeOf, "types", "at least one");
        c.nul("Tracker.typeOf((Class[]) null)", () -> Tracker.typeOf((Class<? extends Throwable>[]) null), "types");
        c.nul("Tracker.typeOf(IOException, null)", () -> Tracker.typeOf(IOException.class, null), "types[1]");
        c.nul("Tracker.not(null)", () -> Tracker.not(null), "tracker");
        c.nul("tracker.and(null)", () -> Tracker.all().and(null), "other");
        c.nul("tracker.or(null)", () -> Tracker.all().or(null), "other");

        // ---- Tripper ----
        for (int n : new int[] {0, -1, Integer.MIN_VALUE}) {
            c.range("Tripper.minRequests(" + n + ")", () -> Tripper.minRequests(n), "minRequests", ">= 1");
            c.range("Tripper.failureStreak(" + n + ")", () -> Tripper.failureStreak(n), "failureStreak", ">= 1");
        }
        for (double r : BAD_RATIOS_OPEN_ZERO) {
            c.range("Tripper.failureRate(" + r + ")", () -> Tripper.failureRate(r), "failureRate ratio", "(0, 1]");
            c.range("Tripper.slowRate(" + r + ", 1s)", () -> Tripper.slowRate(r, ONE_S), "slowRate ratio", "(0, 1]");
        }
        c.positiveDuration("Tripper.slowRate(0.5, threshold)", d -> Tripper.slowRate(0.5, d), "slowRate threshold");
        c.positiveDuration("Tripper.avgLatency", Tripper::avgLatency, "avgLatency threshold");
        c.nul("Tripper.not(null)", () -> Tripper.not(null), "tripper");
        c.nul("tripper.and(null)", () -> Tripper.closed().and(null), "other");
        c.nul("tripper.or(null)", () -> Tripper.closed().or(null), "other");

        // ---- Cooldown ----
        c.positiveDuration("Cooldown.fixed", Cooldown::fixed, "cooldown wait");
        c.positiveDuration("Cooldown.exponential(initial, 2, 1m)",
                d -> Cooldown.exponential(d, 2.0, Duration.ofMinutes(1)), "cooldown initial");
        c.positiveDuration("Cooldown.exponential(1s, 2, max)", d -> Cooldown.exponential(ONE_S, 2.0, d), "cooldown max");
        for (double m : new double[] {0.99, 0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY}) {
            c.range("Cooldown.exponential(1s, " + m + ", 1m)",
                    () -> Cooldown.exponential(ONE_S, m, Duration.ofMinutes(1)), "cooldown multiplier", ">= 1");
        }
        c.range("Cooldown.exponential(1m, 2, 1s)", () -> Cooldown.exponential(Duration.ofMinutes(1), 2.0, ONE_S),
                "cooldown max", ">= initial");
        for (double r : BAD_RATIOS_CLOSED) {
            c.range("Cooldown.withJitter(" + r + ")", () -> Cooldown.fixed(ONE_S).withJitter(r),
                    "cooldown jitter ratio", "[0, 1]");
        }

        // ---- Permit ----
        for (double r : BAD_RATIOS_OPEN_ZERO) { // 0 admits no probe: the breaker could never close
            c.range("Permit.random(" + r + ")", () -> Permit.random(r), "permit ratio", "(0, 1]");
        }
        for (double r : BAD_RATIOS_CLOSED) {
            c.range("Permit.rampUp(" + r + ", 1, 1s)", () -> Permit.rampUp(r, 1.0, ONE_S), "rampUp initial", "[0, 1]");
            c.range("Permit.rampUp(0, " + r + ", 1s)", () -> Permit.rampUp(0.0, r, ONE_S), "rampUp target", "[0, 1]");
        }
        c.range("Permit.rampUp(0.5, 0.4, 1s)", () -> Permit.rampUp(0.5, 0.4, ONE_S), "rampUp target", "[initial, 1]");
        c.range("Permit.rampUp(0, 0, 1s)", () -> Permit.rampUp(0.0, 0.0, ONE_S), "rampUp target", "above 0");
        c.positiveDuration("Permit.rampUp(0.1, 1, over)", d -> Permit.rampUp(0.1, 1.0, d), "rampUp over");

        // ---- Registry ----
        c.nul("CircuitBreakerRegistry.of(null)", () -> CircuitBreakerRegistry.of(null), "defaults");
        c.range("CircuitBreakerRegistry.of(impossible defaults)", () -> CircuitBreakerRegistry.of(
                CircuitBreaker.builder("d").window(Window.count(5)).tripper(Tripper.minRequests(6))),
                "minRequests", "<= window size");
        c.nul("registry.get(null)", () -> CircuitBreakerRegistry.ofDefaults().get(null), "name");
        c.range("registry.get(\"\")", () -> CircuitBreakerRegistry.ofDefaults().get(""), "name", "must not be blank");

        // ---- Backoff, Retry, Timeout, Bulkhead ----
        c.nonNegativeDuration("Backoff.constant", Backoff::constant, "backoff wait");
        c.nonNegativeDuration("Backoff.linear(initial, 1s, 1m)", d -> Backoff.linear(d, ONE_S, Duration.ofMinutes(1)),
                "backoff initial");
        c.nonNegativeDuration("Backoff.linear(1s, increment, 1m)", d -> Backoff.linear(ONE_S, d, Duration.ofMinutes(1)),
                "backoff increment");
        c.positiveDuration("Backoff.exponential(initial, 2, 1m)", d -> Backoff.exponential(d, 2.0, Duration.ofMinutes(1)),
                "backoff initial");
        for (double m : new double[] {0.5, Double.NaN, Double.POSITIVE_INFINITY}) {
            c.range("Backoff.exponential(1s, " + m + ", 1m)", () -> Backoff.exponential(ONE_S, m, Duration.ofMinutes(1)),
                    "backoff multiplier", ">= 1");
        }
        c.range("Backoff.exponential(1m, 2, 1s)", () -> Backoff.exponential(Duration.ofMinutes(1), 2.0, ONE_S),
                "backoff max", ">= initial");
        for (double r : BAD_RATIOS_CLOSED) {
            c.range("Backoff.withJitter(" + r + ")", () -> Backoff.constant(ONE_S).withJitter(r),
                    "backoff jitter ratio", "[0, 1]");
        }
        for (int n : new int[] {0, -1}) {
            c.range("Retry.maxAttempts(" + n + ")", () -> Retry.builder("r").maxAttempts(n), "maxAttempts", ">= 1");
            c.range("Bulkhead.of(b, " + n + ")", () -> Bulkhead.of("b", n), "maxConcurrentCalls", ">= 1");
        }
        c.nul("Retry.builder(null)", () -> Retry.builder(null), "name");
        c.nul("Retry.backoff(null)", () -> Retry.builder("r").backoff(null), "backoff");
        c.nul("Retry.retryOn(null)", () -> Retry.builder("r").retryOn(null), "retryOn");
        c.positiveDuration("Timeout.of", Timeout::of, "timeout");
        c.nul("Bulkhead.builder(null)", () -> Bulkhead.builder(null), "name");
        c.nonNegativeDuration("Bulkhead.maxWait", d -> Bulkhead.builder("b").maxWait(d), "maxWait");
        return c.all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void rejectsWithTheRightTypeAndAMessageNamingTheParameterAndItsRange(String what, ThrowingCallable call,
            Class<? extends Throwable> type, List<String> mustMention) {
        var thrown = assertThatThrownBy(call).as(what).isExactlyInstanceOf(type);
        for (String fragment : mustMention) {
            thrown.hasMessageContaining(fragment);
        }
    }
}
