package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

    private final TestTicker ticker = new TestTicker();
    private final List<Transition> transitions = new CopyOnWriteArrayList<>();

    private CircuitBreaker.Builder builder() {
        return CircuitBreaker.builder("test")
                .ticker(ticker)
                .window(Window.count(10))
                .tripper(Tripper.minRequests(4).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                .permit(Permit.all())
                .maxHalfOpenCalls(2)
                .listener(transitions::add);
    }

    static void fail(CircuitBreaker cb) {
        WindowTest.fail(cb);
    }

    static void succeed(CircuitBreaker cb) {
        cb.run(() -> { });
    }

    private CircuitBreaker open() {
        CircuitBreaker cb = builder().build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        assertThat(cb.state()).isEqualTo(State.OPEN);
        return cb;
    }

    // ---- CLOSED ----

    @Test
    void opensWhenTheTripperFiresAtTheThreshold() {
        CircuitBreaker cb = builder().build();
        succeed(cb);
        succeed(cb);
        fail(cb);
        assertThat(cb.state()).isEqualTo(State.CLOSED); // 3 calls < minRequests(4)
        fail(cb);
        assertThat(cb.state()).isEqualTo(State.OPEN);  // 2 of 4 = 0.5 >= 0.5
        assertThat(transitions).hasSize(1);
        Transition t = transitions.get(0);
        assertThat(t.from()).isEqualTo(State.CLOSED);
        assertThat(t.to()).isEqualTo(State.OPEN);
        assertThat(t.metrics().calls()).isEqualTo(4);
        assertThat(t.metrics().failures()).isEqualTo(2);
        assertThat(t.reason()).isEqualTo("minRequests(4) and failureRate >= 0.5 (0.50 of 4 calls)");
    }

    @Test
    void staysClosedJustBelowTheThreshold() {
        CircuitBreaker cb = builder().build();
        succeed(cb);
        succeed(cb);
        succeed(cb);
        fail(cb);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(cb.metrics().failureRate()).isEqualTo(0.25);
    }

    @Test
    void untrackedExceptionsPassThroughUnrecordedAndKeepTheStreak() {
        CircuitBreaker cb = builder().tracker(Tracker.typeOf(IOException.class)
                .and(Tracker.not(Tracker.typeOf(FileNotFoundException.class))))
                .tripper(Tripper.failureStreak(2)).build();
        assertThatThrownBy(() -> cb.call(() -> {
            throw new IOException("one");
        })).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> cb.call(() -> {
            throw new FileNotFoundException("ignored");
        })).isInstanceOf(FileNotFoundException.class);
        assertThat(cb.metrics().calls()).isEqualTo(1);
        assertThat(cb.metrics().ignoredCalls()).isEqualTo(1);
        assertThat(cb.metrics().consecutiveFailures()).isEqualTo(1);
        assertThatThrownBy(() -> cb.call(() -> {
            throw new IOException("two");
        })).isInstanceOf(IOException.class);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void callRethrowsTheTasksOwnExceptionInstance() {
        CircuitBreaker cb = builder().build();
        Exception checked = new Exception("checked");
        assertThatThrownBy(() -> cb.call(() -> {
            throw checked;
        })).isSameAs(checked);
        Error error = new AssertionError("error");
        assertThatThrownBy(() -> cb.get(() -> {
            throw error;
        })).isSameAs(error);
        assertThat(cb.metrics().failures()).isEqualTo(2);
    }

    @Test
    void failureOnResultRecordsAFailureButReturnsTheResult() throws Exception {
        CircuitBreaker cb = builder().failureOnResult(r -> r instanceof Integer code && code >= 500).build();
        assertThat(cb.call(() -> 503)).isEqualTo(503);
        assertThat(cb.get(() -> 200)).isEqualTo(200);
        assertThat(cb.metrics().failures()).isEqualTo(1);
        assertThat(cb.metrics().calls()).isEqualTo(2);
    }

    @Test
    void aThrowingResultPredicateCountsAsAFailureAndTheCallerStillGetsTheResult() {
        CircuitBreaker cb = builder().failureOnResult(r -> {
            throw new IllegalStateException("predicate bug");
        }).build();
        assertThat(cb.get(() -> "value")).isEqualTo("value");
        assertThat(cb.metrics().failures()).isEqualTo(1);
    }

    @Test
    void aThrowingTrackerCountsAsAFailureAndTheCallerGetsTheTasksException() {
        CircuitBreaker cb = builder().tracker(e -> {
            throw new IllegalStateException("tracker bug");
        }).build();
        RuntimeException original = new RuntimeException("original");
        assertThatThrownBy(() -> cb.run(() -> {
            throw original;
        })).isSameAs(original);
        assertThat(cb.metrics().failures()).isEqualTo(1);
    }

    @Test
    void fallbackAnswersRejectionsAndFailures() {
        CircuitBreaker cb = open();
        String answer = cb.get(() -> "live", e -> e instanceof CallNotPermittedException ? "rejected" : "other");
        assertThat(answer).isEqualTo("rejected");
        CircuitBreaker closed = builder().build();
        String fallback = closed.get(() -> {
            throw new IllegalStateException();
        }, e -> "fallback");
        assertThat(fallback).isEqualTo("fallback");
    }

    @Test
    void decoratedFunctionsRunThroughTheBreaker() throws Exception {
        CircuitBreaker cb = builder().build();
        Supplier<String> s = cb.decorate(() -> "s");
        Callable<String> c = cb.decorateCallable(() -> "c");
        Runnable r = cb.decorate((Runnable) () -> { });
        assertThat(s.get()).isEqualTo("s");
        assertThat(c.call()).isEqualTo("c");
        r.run();
        assertThat(cb.metrics().calls()).isEqualTo(3);
    }

    // ---- OPEN ----

    @Test
    void openRejectsWithTheExactCooldownLeftAndClearsTheWindow() {
        CircuitBreaker cb = open();
        ticker.advance(Duration.ofSeconds(3));
        CallNotPermittedException e = (CallNotPermittedException) org.assertj.core.api.Assertions
                .catchThrowable(() -> succeed(cb));
        assertThat(e.breakerName()).isEqualTo("test");
        assertThat(e.state()).isEqualTo(State.OPEN);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("'test'", "OPEN", "PT7S");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(cb.metrics().calls()).isZero();
        assertThat(cb.metrics().rejectedCalls()).isEqualTo(1);
    }

    @Test
    void aCallAtExactlyTheEndOfTheCooldownIsAdmittedAsAProbe() {
        CircuitBreaker cb = open();
        ticker.advance(Duration.ofSeconds(10).minusNanos(1));
        assertThatThrownBy(() -> succeed(cb)).isInstanceOf(CallNotPermittedException.class);
        ticker.advance(Duration.ofNanos(1));
        succeed(cb);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN, State.CLOSED);
        assertThat(transitions.get(1).reason()).isEqualTo("cooldown 10s elapsed");
    }

    @Test
    void readingTheStateAfterTheCooldownFindsItHalfOpenWithoutACall() {
        // Was: OPEN until a call arrived, so a pod taken out of readiness (and so getting no calls) stayed out.
        CircuitBreaker cb = open();
        ticker.advance(Duration.ofMinutes(5));
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        long permit = cb.acquirePermission(); // the first call is a probe of that half-open period
        assertThat(cb.metrics().probesInUse()).isEqualTo(1);
        cb.releasePermission(permit);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.OPEN, State.HALF_OPEN);
    }

    @Test
    void manualCooldownNeverEndsByItself() {
        CircuitBreaker cb = builder().cooldown(Cooldown.manual()).build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        ticker.advance(Duration.ofDays(365));
        assertThat(cb.state()).as("reading does not move a manual cooldown").isEqualTo(State.OPEN);
        CallNotPermittedException e = (CallNotPermittedException) org.assertj.core.api.Assertions
                .catchThrowable(() -> succeed(cb));
        assertThat(e.retryAfter()).as("no automatic recovery").isEmpty();
        cb.reset();
        succeed(cb);
    }

    // ---- HALF_OPEN ----

    @Test
    void halfOpenAdmitsAtMostMaxHalfOpenCallsAndRejectsTheRestAtOnce() {
        CircuitBreaker cb = open();
        ticker.advance(Duration.ofSeconds(10));
        long p1 = cb.acquirePermission();
        long p2 = cb.acquirePermission();
        assertThat(cb.tryAcquirePermission()).isEqualTo(CircuitBreaker.NO_PERMISSION);
        CallNotPermittedException e = (CallNotPermittedException) org.assertj.core.api.Assertions
                .catchThrowable(cb::acquirePermission);
        assertThat(e.state()).isEqualTo(State.HALF_OPEN);
        assertThat(e.retryAfter()).contains(Duration.ZERO);
        assertThat(cb.metrics().probesInUse()).isEqualTo(2);
        cb.releasePermission(p1);
        assertThat(cb.metrics().probesInUse()).isEqualTo(1);
        long p3 = cb.acquirePermission();
        cb.releasePermission(p2);
        cb.releasePermission(p3);
        assertThat(cb.metrics().probesInUse()).isZero();
    }

    @Test
    void closeAfterSuccessesNeedsThatManySuccessfulProbes() {
        CircuitBreaker cb = builder().closeAfterSuccesses(3).maxHalfOpenCalls(5).build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        ticker.advance(Duration.ofSeconds(10));
        succeed(cb);
        succeed(cb);
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        succeed(cb);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        assertThat(transitions.get(transitions.size() - 1).reason())
                .isEqualTo("closeAfterSuccesses(3): 3 successful probe(s)");
        assertThat(cb.metrics().calls()).isZero();
    }

    @Test
    void aFailedProbeReopensWhenTheTripperFiresInHalfOpenAndTheCooldownGrows() {
        CircuitBreaker cb = builder()
                .tripper(Tripper.closed().and(Tripper.minRequests(4)).and(Tripper.failureRate(0.5))
                        .or(Tripper.halfOpened().and(Tripper.failureRate(0.5))))
                .cooldown(Cooldown.exponential(Duration.ofSeconds(10), 2.0, Duration.ofSeconds(30)))
                .build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        ticker.advance(Duration.ofSeconds(10));
        fail(cb); // probe fails: reopens = 1, next cooldown 20 s
        assertThat(cb.state()).isEqualTo(State.OPEN);
        ticker.advance(Duration.ofSeconds(19));
        assertThatThrownBy(() -> succeed(cb)).isInstanceOf(CallNotPermittedException.class);
        ticker.advance(Duration.ofSeconds(1));
        fail(cb); // reopens = 2: 40 s capped at 30 s
        ticker.advance(Duration.ofSeconds(29));
        assertThat(((CallNotPermittedException) org.assertj.core.api.Assertions.catchThrowable(() -> succeed(cb)))
                .retryAfter()).contains(Duration.ofSeconds(1));
        ticker.advance(Duration.ofSeconds(1));
        succeed(cb); // closes and resets the reopen count
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        assertThat(((CallNotPermittedException) org.assertj.core.api.Assertions.catchThrowable(() -> succeed(cb)))
                .retryAfter()).contains(Duration.ofSeconds(10));
    }

    @Test
    void anErrorThrownByAProbeFreesItsSlot() {
        CircuitBreaker cb = builder().maxHalfOpenCalls(1)
                .tracker(Tracker.typeOf(IOException.class)).build();
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> cb.call(() -> {
                throw new IOException();
            }));
        }
        ticker.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> cb.run(() -> {
            throw new StackOverflowError("probe died");
        })).isInstanceOf(StackOverflowError.class);
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertThat(cb.metrics().probesInUse()).isZero();
        succeed(cb); // the slot is free again
        assertThat(cb.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void hungProbesExpireAfterTheHalfOpenTimeout() {
        CircuitBreaker cb = builder().halfOpenTimeout(Duration.ofSeconds(5)).build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        ticker.advance(Duration.ofSeconds(10));
        long hung1 = cb.acquirePermission();
        long hung2 = cb.acquirePermission();
        ticker.advance(Duration.ofSeconds(5).minusNanos(1));
        assertThat(cb.tryAcquirePermission()).isEqualTo(CircuitBreaker.NO_PERMISSION);
        ticker.advance(Duration.ofNanos(1));
        long fresh = cb.acquirePermission(); // leases expired: the slots are free again
        cb.recordSuccess(hung1, 0); // late outcome of an expired lease: not counted
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);
        assertThat(cb.metrics().staleCalls()).isEqualTo(1);
        cb.recordSuccess(fresh, 0);
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        cb.releasePermission(hung2); // harmless
        assertThat(cb.metrics().probesInUse()).isZero();
    }

    @Test
    void rampUpPermitAdmitsASmallShareFirst() {
        CircuitBreaker cb = builder().permit(Permit.rampUp(0.0, 1.0, Duration.ofSeconds(60)))
                .random(new Random(1)).build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        ticker.advance(Duration.ofSeconds(10));
        assertThat(cb.tryAcquirePermission()).isEqualTo(CircuitBreaker.NO_PERMISSION); // share 0 at the start
        ticker.advance(Duration.ofSeconds(60));
        long p = cb.tryAcquirePermission(); // share 1 after the ramp
        assertThat(p).isNotEqualTo(CircuitBreaker.NO_PERMISSION);
        cb.releasePermission(p);
    }

    // ---- generations ----

    @Test
    void anOutcomeFromBeforeAResetIsNotCountedInTheNewWindow() {
        CircuitBreaker cb = builder().build();
        long before = cb.acquirePermission();
        cb.reset();
        cb.recordError(before, 0, new IllegalStateException("late"));
        assertThat(cb.metrics().calls()).isZero();
        assertThat(cb.metrics().staleCalls()).isEqualTo(1);
        assertThat(cb.metrics().failedCalls()).isEqualTo(1);
    }

    @Test
    void aProbeOutcomeArrivingAfterTheBreakerReopenedDoesNotCloseIt() {
        CircuitBreaker cb = open();
        ticker.advance(Duration.ofSeconds(10));
        long slow = cb.acquirePermission();
        cb.forceOpen();
        cb.recordSuccess(slow, 0);
        assertThat(cb.state()).isEqualTo(State.FORCED_OPEN);
    }

    @Test
    void aPermitCannotBeSettledAfterARejection() {
        CircuitBreaker cb = open();
        assertThatThrownBy(() -> cb.recordSuccess(CircuitBreaker.NO_PERMISSION, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a permit");
    }

    // ---- manual states ----

    @Test
    void metricsOnlyRecordsButNeverTransitions() {
        CircuitBreaker cb = builder().build();
        cb.metricsOnly();
        for (int i = 0; i < 10; i++) {
            fail(cb);
        }
        assertThat(cb.state()).isEqualTo(State.METRICS_ONLY);
        assertThat(cb.metrics().failures()).isEqualTo(10);
    }

    @Test
    void disabledPassesCallsThroughAndRecordsNothing() {
        CircuitBreaker cb = open();
        cb.disable();
        for (int i = 0; i < 10; i++) {
            fail(cb);
        }
        assertThat(cb.state()).isEqualTo(State.DISABLED);
        assertThat(cb.metrics().calls()).isZero();
        assertThat(cb.metrics().failedCalls()).isEqualTo(4);
    }

    @Test
    void forcedOpenRejectsEverythingUntilReset() {
        CircuitBreaker cb = builder().build();
        cb.forceOpen();
        ticker.advance(Duration.ofDays(1));
        CallNotPermittedException e = (CallNotPermittedException) org.assertj.core.api.Assertions
                .catchThrowable(() -> succeed(cb));
        assertThat(e.state()).isEqualTo(State.FORCED_OPEN);
        assertThat(e.retryAfter()).as("no automatic recovery").isEmpty();
        cb.reset();
        succeed(cb);
        assertThat(transitions).extracting(Transition::to).containsExactly(State.FORCED_OPEN, State.CLOSED);
        assertThat(transitions.get(0).reason()).isEqualTo("manual forceOpen()");
    }

    @Test
    void resetClearsTheWindowAndStreak() {
        CircuitBreaker cb = builder().build();
        fail(cb);
        fail(cb);
        cb.reset();
        assertThat(cb.metrics().calls()).isZero();
        assertThat(cb.metrics().consecutiveFailures()).isZero();
        assertThat(transitions).isEmpty(); // CLOSED to CLOSED is not a transition
    }

    // ---- listeners ----

    @Test
    void listenersAreNotifiedOnceInOrderAndAThrowingOneDisturbsNothing() {
        List<String> seen = new ArrayList<>();
        CircuitBreaker cb = builder()
                .listener(t -> seen.add("first " + t.to()))
                .listener(t -> {
                    throw new IllegalStateException("listener bug");
                })
                .listener(t -> {
                    throw new OutOfMemoryError("listener error");
                })
                .listener(t -> seen.add("last " + t.to()))
                .build();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        ticker.advance(Duration.ofSeconds(10));
        succeed(cb);
        assertThat(seen).containsExactly("first OPEN", "last OPEN", "first HALF_OPEN", "last HALF_OPEN",
                "first CLOSED", "last CLOSED");
        assertThat(cb.metrics().probesInUse()).isZero();
    }

    @Test
    void listenersSeeTheNewStateAndTheClockInstant() {
        Instant at = Instant.parse("2026-11-23T10:00:00Z");
        List<State> statesSeen = new ArrayList<>();
        CircuitBreaker[] self = new CircuitBreaker[1];
        self[0] = builder().clock(InstantSource.fixed(at)).listener(t -> statesSeen.add(self[0].state())).build();
        for (int i = 0; i < 4; i++) {
            fail(self[0]);
        }
        assertThat(statesSeen).containsExactly(State.OPEN);
        assertThat(transitions.get(0).at()).isEqualTo(at);
        assertThat(transitions.get(0).toString()).contains("'test' CLOSED -> OPEN at 2026-11-23T10:00:00Z");
    }

    @Test
    void callListenersReceiveEventsWithDurations() {
        List<String> events = new ArrayList<>();
        CircuitBreaker cb = builder().build();
        assertThat(cb.isTimed()).isFalse();
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition transition) {
                events.add("transition " + transition.to());
            }

            @Override
            public void onSuccess(CircuitBreaker breaker, long durationNanos) {
                events.add("success " + durationNanos);
            }

            @Override
            public void onFailure(CircuitBreaker breaker, long durationNanos, Throwable failure) {
                events.add("failure " + durationNanos);
            }

            @Override
            public void onRejected(CircuitBreaker breaker, State state) {
                events.add("rejected " + state);
            }
        });
        assertThat(cb.isTimed()).isTrue();
        cb.run(() -> ticker.advanceMillis(5));
        for (int i = 0; i < 3; i++) {
            fail(cb);
        }
        assertThatThrownBy(() -> succeed(cb)).isInstanceOf(CallNotPermittedException.class);
        assertThat(events).containsExactly("success 5000000", "failure 0", "failure 0", "transition OPEN",
                "failure 0", "rejected OPEN");
    }

    @Test
    void removedListenersHearNothingMore() {
        CircuitBreaker cb = builder().build();
        List<Transition> late = new ArrayList<>();
        Listener l = late::add;
        cb.addListener(l);
        assertThat(cb.removeListener(l)).isTrue();
        assertThat(cb.removeListener(l)).isFalse();
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        assertThat(late).isEmpty();
        assertThat(transitions).hasSize(1);
    }

    // ---- durations ----

    @Test
    void slowRateOpensOnSlowSuccessesAndFailuresKeepTheirDurations() {
        Duration slow = Duration.ofMillis(100);
        CircuitBreaker cb = builder().tripper(Tripper.minRequests(4).and(Tripper.slowRate(0.5, slow))).build();
        cb.run(() -> ticker.advanceMillis(100)); // exactly the threshold counts as slow
        cb.run(() -> ticker.advanceMillis(99));
        assertThatThrownBy(() -> cb.run(() -> {
            ticker.advanceMillis(300);
            throw new IllegalStateException();
        }));
        assertThat(cb.metrics().slowCalls(slow)).isEqualTo(2);
        assertThat(cb.metrics().averageDuration()).contains(Duration.ofNanos(499_000_000L / 3));
        cb.run(() -> { });
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(transitions.get(0).reason()).isEqualTo("minRequests(4) and slowRate(0.1s) >= 0.5 (0.50 of 4 calls)");
    }

    @Test
    void averageLatencyRuleOpensOnSlowCalls() {
        CircuitBreaker cb = builder().tripper(Tripper.minRequests(2).and(Tripper.avgLatency(Duration.ofMillis(50))))
                .build();
        cb.run(() -> ticker.advanceMillis(20));
        cb.run(() -> ticker.advanceMillis(80));
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void untimedBreakersNeverReadTheClockOnTheClosedPath() {
        int[] reads = new int[1];
        CircuitBreaker cb = CircuitBreaker.builder("untimed").ticker(() -> {
            reads[0]++;
            return 0L;
        }).build();
        int afterBuild = reads[0];
        for (int i = 0; i < 1000; i++) {
            succeed(cb);
        }
        assertThat(reads[0]).isEqualTo(afterBuild);
    }

    // ---- build validation and configuration ----

    @Test
    void buildRejectsMinRequestsLargerThanTheCountWindow() {
        assertThatThrownBy(() -> builder().window(Window.count(100)).tripper(Tripper.minRequests(200)
                .and(Tripper.failureRate(0.5))).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("minRequests(200)").hasMessageContaining("minRequests must be <= window size");
    }

    @Test
    void theDefaultTripperAsksForAFullSmallCountWindow() {
        CircuitBreaker cb = CircuitBreaker.builder("small").window(Window.count(5)).build();
        assertThat(cb.configuration()).containsEntry("tripper", "minRequests(5) and failureRate(0.5)");
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        fail(cb);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(CircuitBreaker.builder("big").window(Window.count(500)).build().configuration())
                .containsEntry("tripper", "minRequests(100) and failureRate(0.5)");
    }

    @Test
    void builderRejectsBadValuesNamingTheParameter() {
        assertThatThrownBy(() -> CircuitBreaker.builder(" ")).hasMessageContaining("name must not be blank");
        assertThatThrownBy(() -> CircuitBreaker.builder(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("name");
        assertThatThrownBy(() -> builder().maxHalfOpenCalls(0)).hasMessageContaining("maxHalfOpenCalls must be in [1, ");
        assertThatThrownBy(() -> builder().closeAfterSuccesses(0)).hasMessageContaining("closeAfterSuccesses must be >= 1");
        assertThatThrownBy(() -> builder().halfOpenTimeout(Duration.ZERO)).hasMessageContaining("halfOpenTimeout");
        assertThatThrownBy(() -> builder().window(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("window");
        assertThatThrownBy(() -> builder().listener(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        CircuitBreaker cb = CircuitBreaker.ofDefaults("d");
        assertThat(cb.configuration())
                .containsEntry("window", "Window.count(100)")
                .containsEntry("tracker", "Tracker.all()")
                .containsEntry("tripper", "minRequests(100) and failureRate(0.5)")
                .containsEntry("cooldown", "Cooldown.fixed(1m)")
                .containsEntry("permit", "Permit.rampUp(0.1, 1.0, 1m)")
                .containsEntry("maxHalfOpenCalls", "10")
                .containsEntry("closeAfterSuccesses", "1")
                .containsEntry("halfOpenTimeout", "PT1M");
        for (int i = 0; i < 99; i++) {
            fail(cb);
        }
        assertThat(cb.state()).isEqualTo(State.CLOSED);
        fail(cb);
        assertThat(cb.state()).isEqualTo(State.OPEN);
    }

    @Test
    void metricsAreAnImmutableSnapshot() {
        CircuitBreaker cb = builder().build();
        fail(cb);
        Metrics m = cb.metrics();
        fail(cb);
        assertThat(m.calls()).isEqualTo(1);
        assertThat(cb.metrics().calls()).isEqualTo(2);
        assertThat(CircuitBreaker.ofDefaults("e").metrics().failureRate()).isNaN();
    }

    @Test
    void timeInStateFollowsTheTicker() {
        CircuitBreaker cb = open();
        ticker.advance(Duration.ofSeconds(4));
        assertThat(cb.metrics().timeInState()).isEqualTo(Duration.ofSeconds(4));
        assertThat(cb.metrics().transitions()).isEqualTo(1);
    }
}
