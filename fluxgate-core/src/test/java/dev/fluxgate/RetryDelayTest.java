package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Retry.Builder#delayFrom}: the delay an outcome asks for, its cap, the fallback to the backoff, sync and async. */
class RetryDelayTest {

    /** A failure that says how long to wait, like a 429 carrying Retry-After. */
    static final class Throttled extends IOException {
        private static final long serialVersionUID = 1L;
        final transient Duration wait;

        Throttled(Duration wait) {
            super("throttled for " + wait);
            this.wait = wait;
        }
    }

    private static final RetryDelay THROTTLED = RetryDelay.onFailure(Throttled.class, e -> Optional.ofNullable(e.wait));

    private final TestTicker ticker = new TestTicker();
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    private final Retry.Sleeper sleeper = nanos -> {
        sleeps.add(nanos);
        ticker.advance(Duration.ofNanos(nanos));
    };

    private Retry.Builder retry() {
        return Retry.builder("delay").ticker(ticker).sleeper(sleeper).maxAttempts(5)
                .backoff(Backoff.constant(Duration.ofMillis(100)));
    }

    /** Fails with each of {@code failures} in turn, then answers "ok". */
    private static java.util.concurrent.Callable<String> failing(AtomicInteger calls, Exception... failures) {
        return () -> {
            int n = calls.getAndIncrement();
            if (n < failures.length) {
                throw failures[n];
            }
            return "ok";
        };
    }

    private static long nanos(Duration d) {
        return d.toNanos();
    }

    @Test
    void waitsTheDelayTheFailureAsksForInsteadOfAShorterBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().delayFrom(THROTTLED).build();

        assertThat(r.call(failing(calls, new Throttled(Duration.ofSeconds(2)), new Throttled(Duration.ofSeconds(7)))))
                .isEqualTo("ok");

        assertThat(sleeps).containsExactly(nanos(Duration.ofSeconds(2)), nanos(Duration.ofSeconds(7)));
    }

    @Test
    void neverWaitsLessThanTheBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().delayFrom(THROTTLED).build();

        r.call(failing(calls, new Throttled(Duration.ofMillis(10)), new Throttled(Duration.ZERO),
                new Throttled(Duration.ofSeconds(-5))));

        assertThat(sleeps).as("10 ms, zero and a negative delay are all below the 100 ms backoff")
                .containsExactly(100_000_000L, 100_000_000L, 100_000_000L);
    }

    @Test
    void fallsBackToTheBackoffWhenTheOutcomeAsksForNothing() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().backoff(Backoff.exponential(Duration.ofMillis(100), 2.0, Duration.ofSeconds(10)))
                .delayFrom(THROTTLED.orElse((result, failure) -> null)).build();

        r.call(failing(calls, new IOException("plain"), new Throttled(null), new Throttled(Duration.ofSeconds(3)),
                new IOException("plain again")));

        assertThat(sleeps).as("nothing asked, an empty answer, 3 s asked, nothing asked (a null answer)")
                .containsExactly(100_000_000L, 200_000_000L, nanos(Duration.ofSeconds(3)), 800_000_000L);
    }

    @Test
    void resultsAskThroughOnResult() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().retryOnResult(v -> v instanceof Integer)
                .delayFrom(RetryDelay.onResult(Integer.class, seconds -> Optional.of(Duration.ofSeconds(seconds)))).build();

        Object result = r.call(() -> calls.incrementAndGet() < 3 ? (Object) (calls.get() * 10) : "done");

        assertThat(result).isEqualTo("done");
        assertThat(sleeps).containsExactly(nanos(Duration.ofSeconds(10)), nanos(Duration.ofSeconds(20)));
    }

    @Test
    void aDelayLongerThanMaxDelayGivesUpAtOnceWithThatFailure() {
        AtomicInteger calls = new AtomicInteger();
        List<String> heard = new CopyOnWriteArrayList<>();
        Throttled anHour = new Throttled(Duration.ofHours(1));
        IOException first = new IOException("first");
        Retry r = retry().delayFrom(THROTTLED).maxDelay(Duration.ofSeconds(30)).listener(new RetryListener() {
            @Override
            public void onExhausted(Retry retry, int attempts, Throwable last) {
                heard.add("exhausted after " + attempts + ": " + last.getMessage());
            }
        }).build();

        assertThatThrownBy(() -> r.call(failing(calls, first, anHour))).isSameAs(anHour)
                .satisfies(e -> assertThat(e.getSuppressed()).containsExactly(first));

        assertThat(calls).as("no attempt after the hour was asked").hasValue(2);
        assertThat(sleeps).as("only the backoff after the first failure").containsExactly(100_000_000L);
        assertThat(heard).containsExactly("exhausted after 2: throttled for PT1H");
        assertThat(r.failedCallsWithRetry()).isEqualTo(1);
    }

    @Test
    void aDelayEqualToMaxDelayIsWaited() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().delayFrom(THROTTLED).maxDelay(Duration.ofSeconds(30)).build();

        assertThat(r.call(failing(calls, new Throttled(Duration.ofSeconds(30))))).isEqualTo("ok");

        assertThat(sleeps).containsExactly(nanos(Duration.ofSeconds(30)));
    }

    @Test
    void theDefaultMaxDelayIsOneMinute() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry r = retry().delayFrom(THROTTLED).build();
        assertThat(r.call(failing(calls, new Throttled(Duration.ofMinutes(1))))).isEqualTo("ok");
        assertThat(sleeps).containsExactly(nanos(Duration.ofMinutes(1)));

        Throttled longer = new Throttled(Duration.ofMinutes(1).plusNanos(1));
        assertThatThrownBy(() -> r.call(failing(new AtomicInteger(), longer))).isSameAs(longer);
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void aDelayForeverGivesUpWhateverTheCap() {
        Throttled forever = new Throttled(RetryDelay.FOREVER);
        Retry r = retry().delayFrom(THROTTLED).maxDelay(Duration.ofNanos(Long.MAX_VALUE)).build();

        assertThatThrownBy(() -> r.call(failing(new AtomicInteger(), forever))).isSameAs(forever);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theAskedDelayCountsAgainstMaxDuration() {
        AtomicInteger calls = new AtomicInteger();
        Throttled tenSeconds = new Throttled(Duration.ofSeconds(10));
        Retry r = retry().delayFrom(THROTTLED).maxDuration(Duration.ofSeconds(5)).build();

        assertThatThrownBy(() -> r.call(failing(calls, tenSeconds))).isSameAs(tenSeconds);

        assertThat(calls).as("the retry would start after the deadline").hasValue(1);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void theFunctionIsAskedOnlyForOutcomesThatWillBeRetried() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        RetryDelay recording = (result, failure) -> {
            asked.add(failure == null ? "result " + result : failure.getMessage());
            return Optional.empty();
        };
        Retry r = retry().maxAttempts(2).delayFrom(recording).abortOn(e -> e.getMessage().equals("fatal"))
                .retryOnResult("again"::equals).build();

        r.call(() -> "fine");
        assertThatThrownBy(() -> r.call(failing(new AtomicInteger(), new IOException("fatal"))));
        assertThatThrownBy(() -> r.call(failing(new AtomicInteger(), new IOException("a"), new IOException("b"))));
        assertThat(r.call(() -> "again")).isEqualTo("again");

        assertThat(asked).as("not for a success, an aborted failure, nor the last attempt").containsExactly("a", "result again");
    }

    @Test
    void listenersHearTheDelayActuallyWaited() throws Exception {
        List<Duration> heard = new CopyOnWriteArrayList<>();
        Retry r = retry().delayFrom(THROTTLED).listener(new RetryListener() {
            @Override
            public void onRetry(Retry retry, int attempt, Throwable failure, Duration delay) {
                heard.add(delay);
            }
        }).build();

        r.call(failing(new AtomicInteger(), new Throttled(Duration.ofSeconds(4)), new IOException("plain")));

        assertThat(heard).containsExactly(Duration.ofSeconds(4), Duration.ofMillis(100));
    }

    // ---- waitForRetryAfter is the same mechanism ----

    @Test
    void waitForRetryAfterConsultsTheRejectionBeforeTheDelayFunction() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RetryDelay everythingNineSeconds = (result, failure) -> Optional.of(Duration.ofSeconds(9));
        Retry r = retry().waitForRetryAfter(true).delayFrom(everythingNineSeconds).build();

        r.call(failing(calls, new CallNotPermittedException("cb", State.OPEN, Duration.ofSeconds(4)),
                new IOException("plain")));

        assertThat(sleeps).as("the rejection's 4 s, then the function's 9 s")
                .containsExactly(nanos(Duration.ofSeconds(4)), nanos(Duration.ofSeconds(9)));
    }

    @Test
    void aRejectionWhoseRetryAfterPassesTheCapGivesUp() {
        CallNotPermittedException twoMinutes = new CallNotPermittedException("cb", State.OPEN, Duration.ofMinutes(2));
        Retry r = retry().waitForRetryAfter(true).build();

        assertThatThrownBy(() -> r.call(failing(new AtomicInteger(), twoMinutes))).isSameAs(twoMinutes);
        assertThat(sleeps).isEmpty();

        Retry patient = retry().waitForRetryAfter(true).maxDelay(Duration.ofMinutes(5)).build();
        assertThat(catchingCall(patient, twoMinutes)).isEqualTo("ok");
        assertThat(sleeps).containsExactly(nanos(Duration.ofMinutes(2)));
    }

    private static String catchingCall(Retry r, Exception first) {
        try {
            return r.call(failing(new AtomicInteger(), first));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void waitForRetryAfterWaitsForARateLimitersRefusal() throws Exception {
        RateLimiter limiter = RateLimiter.builder("quota").rate(1, Duration.ofSeconds(2)).burst(1).ticker(ticker).build();
        assertThat(limiter.tryAcquire()).as("the only permit of this period").isTrue();
        Retry r = retry().waitForRetryAfter(true).build();

        assertThat(r.call(() -> limiter.call(() -> "ok"))).isEqualTo("ok");

        assertThat(sleeps).as("the limiter's retryAfter, not the 100 ms backoff").containsExactly(nanos(Duration.ofSeconds(2)));
    }

    @Test
    void aRateLimitersRefusalThatNoWaitCuresEndsTheRetries() {
        RateLimitedException tooMany = new RateLimitedException("quota", 50);
        assertThat(RetryDelay.rejectionRetryAfter().delayFor(null, tooMany)).contains(RetryDelay.FOREVER);
        Retry r = retry().waitForRetryAfter(true).build();

        assertThatThrownBy(() -> r.call(failing(new AtomicInteger(), tooMany))).isSameAs(tooMany);
        assertThat(sleeps).isEmpty();
    }

    @Test
    void rejectionRetryAfterAsksForeverWhenOnlyAManualCommandReopens() {
        RetryDelay d = RetryDelay.rejectionRetryAfter();
        assertThat(d.delayFor(null, new CallNotPermittedException("cb", State.FORCED_OPEN))).contains(RetryDelay.FOREVER);
        assertThat(d.delayFor(null, new CallNotPermittedException("cb", State.HALF_OPEN, Duration.ZERO))).contains(Duration.ZERO);
        assertThat(d.delayFor(null, new IOException("other"))).isEmpty();
        assertThat(d.delayFor("result", null)).isEmpty();
        assertThat(d).hasToString("rejectionRetryAfter()");
    }

    @Test
    void theDelayFunctionSurvivesTheRegistrysCopy() throws Exception {
        RetryRegistryProbe probe = new RetryRegistryProbe();
        Retry copy = probe.copyOf(retry().delayFrom(THROTTLED).maxDelay(Duration.ofSeconds(3)));
        Throttled four = new Throttled(Duration.ofSeconds(4));

        assertThatThrownBy(() -> copy.call(failing(new AtomicInteger(), four))).as("the cap was copied too").isSameAs(four);
        assertThat(copy.call(failing(new AtomicInteger(), new Throttled(Duration.ofSeconds(2))))).isEqualTo("ok");
        assertThat(sleeps).containsExactly(nanos(Duration.ofSeconds(2)));
    }

    /** Reaches the builder's package-private copy, as the registries do. */
    static final class RetryRegistryProbe {
        Retry copyOf(Retry.Builder b) {
            return b.copy("copied").build();
        }
    }

    // ---- async ----

    @Test
    void callAsyncSchedulesTheAskedDelayWithoutBlocking() throws Exception {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        AtomicInteger attempts = new AtomicInteger();
        Retry r = retry().scheduler(scheduler).delayFrom(THROTTLED).build();

        CompletableFuture<String> result = r.callAsync(() -> attempts.incrementAndGet() == 1
                ? CompletableFuture.failedFuture(new Throttled(Duration.ofSeconds(3)))
                : CompletableFuture.completedFuture("ok"));

        assertThat(result).as("callAsync returned without waiting").isNotDone();
        scheduler.advance(Duration.ofMillis(2_999));
        assertThat(attempts).as("not before the 3 s asked").hasValue(1);
        scheduler.advance(Duration.ofMillis(1));
        assertThat(attempts).hasValue(2);
        assertThat(result).isCompletedWithValue("ok");
        assertThat(sleeps).as("the sleeper is for synchronous calls only").isEmpty();
    }

    @Test
    void callAsyncGivesUpAtOnceWhenTheDelayPassesTheCap() throws Exception {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        Throttled anHour = new Throttled(Duration.ofHours(1));
        Retry r = retry().scheduler(scheduler).delayFrom(THROTTLED).build();

        CompletableFuture<String> result = r.callAsync(() -> CompletableFuture.failedFuture(anHour));

        assertThat(result).isCompletedExceptionally();
        assertThat(scheduler.pending()).isZero();
        assertThatThrownBy(result::get).isInstanceOf(ExecutionException.class).hasCause(anHour);
    }

    @Test
    void callAsyncReadsTheDelayOfAResult() {
        ManualScheduler scheduler = new ManualScheduler(ticker);
        AtomicInteger attempts = new AtomicInteger();
        Retry r = retry().scheduler(scheduler).retryOnResult(v -> v instanceof FakeHttpResponse f && f.statusCode() == 429)
                .delayFrom(RetryAfter.httpResponse()).build();

        CompletableFuture<Object> result = r.callAsync(() -> CompletableFuture.completedFuture(
                attempts.incrementAndGet() == 1 ? FakeHttpResponse.of(429, "5") : "ok"));

        scheduler.advance(Duration.ofSeconds(4));
        assertThat(attempts).hasValue(1);
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(result).isCompletedWithValue("ok");
    }

    // ---- the API ----

    @Test
    void maxDelayAndDelayFromRejectBadInputNamingTheParameter() {
        assertThatThrownBy(() -> Retry.builder("x").maxDelay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxDelay").hasMessageContaining("positive");
        assertThatThrownBy(() -> Retry.builder("x").maxDelay(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> Retry.builder("x").maxDelay(RetryDelay.FOREVER))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxDelay");
        assertThatThrownBy(() -> Retry.builder("x").maxDelay(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("maxDelay");
        assertThatThrownBy(() -> Retry.builder("x").delayFrom(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("delayFrom");
    }

    @Test
    void theFactoriesReadOnlyTheirTypeAndComposeInOrder() {
        RetryDelay onResult = RetryDelay.onResult(CharSequence.class, s -> Optional.of(Duration.ofSeconds(s.length())));
        assertThat(onResult.delayFor(java.nio.CharBuffer.wrap("abc"), null)).as("a subtype").contains(Duration.ofSeconds(3));
        assertThat(onResult.delayFor(42, null)).isEmpty();
        assertThat(onResult.delayFor(null, null)).isEmpty();
        assertThat(onResult.delayFor("abc", new IOException())).as("a failure is not a result").isEmpty();

        assertThat(THROTTLED.delayFor(null, new Throttled(Duration.ofSeconds(1)))).contains(Duration.ofSeconds(1));
        assertThat(THROTTLED.delayFor(null, new IOException())).isEmpty();
        assertThat(THROTTLED.delayFor(new Throttled(Duration.ofSeconds(1)), null)).as("a result is not a failure").isEmpty();

        RetryDelay composed = THROTTLED.orElse((result, failure) -> Optional.of(Duration.ofSeconds(9)));
        assertThat(composed.delayFor(null, new Throttled(Duration.ofSeconds(1)))).contains(Duration.ofSeconds(1));
        assertThat(composed.delayFor(null, new IOException())).contains(Duration.ofSeconds(9));
        assertThat(onResult.orElse(THROTTLED)).hasToString("(onResult(CharSequence)).orElse(onFailure(Throttled))");
        assertThatThrownBy(() -> THROTTLED.orElse(null)).isInstanceOf(NullPointerException.class).hasMessage("other");
        assertThatThrownBy(() -> RetryDelay.onFailure(null, e -> Optional.empty())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> RetryDelay.onResult(String.class, null)).isInstanceOf(NullPointerException.class);
    }
}
