package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    private final TestTicker ticker = new TestTicker();
    private final List<Long> sleeps = new CopyOnWriteArrayList<>();
    private final Retry.Sleeper sleeper = nanos -> {
        sleeps.add(nanos);
        ticker.advance(Duration.ofNanos(nanos));
    };

    private RetryBudget.Builder budget() {
        return RetryBudget.builder("inventory").ticker(ticker);
    }

    /** Spends every token; returns how many there were. */
    private static int drain(RetryBudget budget) {
        int n = 0;
        while (budget.tryAcquireRetry()) {
            n++;
        }
        return n;
    }

    @Test
    void startsFullAtMaxTokensAndThenDeniesRetries() {
        RetryBudget b = budget().ratio(0.2).minRetriesPerSecond(10).maxTokens(7).build();

        assertThat(b.availableTokens()).isEqualTo(7.0);
        assertThat(drain(b)).isEqualTo(7);
        assertThat(b.availableTokens()).isZero();
        assertThat(b.admittedRetries()).isEqualTo(7);
        assertThat(b.rejectedRetries()).isEqualTo(1);
    }

    @Test
    void eachFirstAttemptDepositsTheRatioAndARetryTakesOneWholeToken() {
        RetryBudget b = budget().ratio(0.2).minRetriesPerSecond(0.001).maxTokens(1000).build();
        drain(b);

        for (int i = 0; i < 4; i++) {
            b.recordFirstAttempt();
        }
        assertThat(b.availableTokens()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.tryAcquireRetry()).as("0.8 tokens do not pay for a retry").isFalse();
        b.recordFirstAttempt();
        assertThat(b.tryAcquireRetry()).as("five first attempts at 0.2 pay for one").isTrue();
        assertThat(b.tryAcquireRetry()).isFalse();
    }

    @Test
    void theRatioBoundHoldsExactlyOverManyFirstAttempts() {
        RetryBudget b = budget().ratio(0.25).minRetriesPerSecond(0.001).maxTokens(10).build();
        int initial = drain(b);
        int admitted = 0;
        int asked = 0;
        // A failing service: every call wants two retries.
        for (int call = 0; call < 10_000; call++) {
            b.recordFirstAttempt();
            for (int r = 0; r < 2; r++) {
                asked++;
                if (b.tryAcquireRetry()) {
                    admitted++;
                }
            }
        }
        assertThat(initial).isEqualTo(10);
        assertThat(admitted).isEqualTo(2_500); // exactly ratio x first attempts: the clock did not move
        assertThat(b.rejectedRetries()).isEqualTo(asked - admitted + 1);
    }

    @Test
    void theBalanceIsCappedSoOnlyRecentFirstAttemptsCount() {
        RetryBudget b = budget().ratio(0.5).minRetriesPerSecond(0.001).maxTokens(20).build();
        drain(b);
        for (int i = 0; i < 100_000; i++) {
            b.recordFirstAttempt(); // a long healthy period
        }
        assertThat(b.availableTokens()).isEqualTo(20.0);
        assertThat(drain(b)).as("the burst after a healthy period is at most maxTokens").isEqualTo(20);
    }

    @Test
    void theFloorAccruesPerSecondOfTheTickerUpToMaxTokens() {
        RetryBudget b = budget().ratio(0).minRetriesPerSecond(10).maxTokens(5).build();
        drain(b);

        ticker.advanceMillis(99);
        assertThat(b.tryAcquireRetry()).as("0.99 tokens").isFalse();
        ticker.advanceMillis(1);
        assertThat(b.tryAcquireRetry()).as("100 ms at 10/s pays one retry").isTrue();
        assertThat(b.tryAcquireRetry()).isFalse();

        ticker.advance(Duration.ofSeconds(60));
        assertThat(b.availableTokens()).isEqualTo(5.0);
        assertThat(drain(b)).as("a quiet minute saves up at most maxTokens").isEqualTo(5);
    }

    @Test
    void theFloorIsPaidOncePerIntervalHoweverOftenItIsAsked() {
        RetryBudget b = budget().ratio(0).minRetriesPerSecond(2).maxTokens(100).build();
        drain(b);
        int admitted = 0;
        for (int ms = 0; ms < 10_000; ms++) {
            ticker.advanceMillis(1);
            if (b.tryAcquireRetry()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(20); // 2 per second over 10 s, not a retry more
    }

    @Test
    void readingTheAvailableTokensChangesNothing() {
        RetryBudget b = budget().ratio(0).minRetriesPerSecond(10).maxTokens(3).build();
        drain(b);
        ticker.advanceMillis(150);
        assertThat(b.availableTokens()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.availableTokens()).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(b.tryAcquireRetry()).isTrue();
        assertThat(b.availableTokens()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void aDeniedRetryIsNotAttemptedAndTheCallerGetsTheLastFailureAtOnce() {
        RetryBudget b = budget().ratio(0.1).minRetriesPerSecond(0.001).maxTokens(1).build();
        List<String> events = new CopyOnWriteArrayList<>();
        Retry retry = Retry.builder("inventory").maxAttempts(5).backoff(Backoff.constant(Duration.ofMillis(10)))
                .sleeper(sleeper).ticker(ticker).budget(b).listener(new RetryListener() {
                    @Override
                    public void onRetry(Retry r, int attempt, Throwable failure, Duration delay) {
                        events.add("retry " + attempt);
                    }

                    @Override
                    public void onExhausted(Retry r, int attempts, Throwable lastFailure) {
                        events.add("exhausted " + attempts);
                    }

                    @Override
                    public void onBudgetExhausted(Retry r, int attempts, Throwable lastFailure) {
                        events.add("budget exhausted " + attempts + " " + lastFailure.getMessage()
                                + " suppressed " + lastFailure.getSuppressed().length);
                    }
                }).build();
        AtomicInteger attempts = new AtomicInteger();

        assertThatThrownBy(() -> retry.call(() -> {
            throw new IOException("boom " + attempts.incrementAndGet());
        })).isInstanceOf(IOException.class).hasMessage("boom 2");

        // The one token paid for the first retry; the second was denied and never attempted.
        assertThat(attempts).hasValue(2);
        assertThat(sleeps).hasSize(1);
        assertThat(events).containsExactly("retry 1", "budget exhausted 2 boom 2 suppressed 1");
        assertThat(retry.budgetExhaustedCalls()).isEqualTo(1);
        assertThat(retry.failedCallsWithRetry()).isEqualTo(1);
        assertThat(retry.retries()).isEqualTo(1);
        assertThat(b.admittedRetries()).isEqualTo(1);
        assertThat(b.rejectedRetries()).isEqualTo(1);

        attempts.set(0);
        assertThatThrownBy(() -> retry.call(() -> {
            throw new IOException("again " + attempts.incrementAndGet());
        })).hasMessage("again 1");
        assertThat(attempts).as("an empty budget: only the first attempt runs").hasValue(1);
        assertThat(retry.failedCallsWithoutRetry()).isEqualTo(1);
        assertThat(retry.budgetExhaustedCalls()).isEqualTo(2);
    }

    @Test
    void aDeniedRetryOfAResultReturnsTheLastResult() throws Exception {
        RetryBudget b = budget().ratio(0.1).minRetriesPerSecond(0.001).maxTokens(1).build();
        drain(b);
        Retry retry = Retry.builder("inventory").maxAttempts(3).retryOnResult("busy"::equals).sleeper(sleeper)
                .ticker(ticker).budget(b).build();

        assertThat(retry.call(() -> "busy")).isEqualTo("busy");
        assertThat(sleeps).isEmpty();
        assertThat(retry.budgetExhaustedCalls()).isEqualTo(1);
    }

    @Test
    void theBudgetIsAskedOnlyWhenEveryOtherRuleAllowsTheRetry() throws Exception {
        RetryBudget b = budget().ratio(0.1).minRetriesPerSecond(0.001).maxTokens(5).build();
        Retry retry = Retry.builder("inventory").maxAttempts(2).backoff(Backoff.none()).sleeper(sleeper)
                .ticker(ticker).abortOn(Tracker.typeOf(IllegalStateException.class)).budget(b).build();

        assertThatThrownBy(() -> retry.call(() -> {
            throw new IllegalStateException("aborts");
        })).isInstanceOf(IllegalStateException.class);
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call(() -> {
            throw new IOException("fails " + calls.incrementAndGet());
        })).hasMessage("fails 2");

        // One token for the one retry that ran; none for the abort nor for the exhausted second attempt.
        assertThat(b.admittedRetries()).isEqualTo(1);
        assertThat(b.rejectedRetries()).isZero();
        assertThat(retry.budgetExhaustedCalls()).isZero();
    }

    @Test
    void firstAttemptsOfEveryCallDepositAndSuccessesNeedNoToken() throws Exception {
        RetryBudget b = budget().ratio(0.5).minRetriesPerSecond(0.001).maxTokens(100).build();
        int drained = drain(b);
        Retry retry = Retry.builder("inventory").sleeper(sleeper).ticker(ticker).budget(b).build();

        for (int i = 0; i < 10; i++) {
            assertThat(retry.call(() -> "ok")).isEqualTo("ok");
        }
        assertThat(b.availableTokens()).isEqualTo(5.0);
        assertThat(b.admittedRetries()).isEqualTo(drained);
    }

    @Test
    void twoRetriesShareOneBudget() {
        RetryBudget shared = budget().ratio(0.5).minRetriesPerSecond(0.001).maxTokens(2).build();
        Retry reads = Retry.builder("reads").maxAttempts(10).backoff(Backoff.none()).sleeper(sleeper).ticker(ticker)
                .budget(shared).build();
        Retry writes = Retry.builder("writes").maxAttempts(10).backoff(Backoff.none()).sleeper(sleeper)
                .ticker(ticker).budget(shared).build();
        AtomicInteger readAttempts = new AtomicInteger();
        AtomicInteger writeAttempts = new AtomicInteger();

        assertThatThrownBy(() -> reads.call(() -> {
            throw new IOException("read " + readAttempts.incrementAndGet());
        })).hasMessage("read 3"); // the 2 saved tokens: 2 retries (a full balance forfeits the deposit)
        assertThatThrownBy(() -> writes.call(() -> {
            throw new IOException("write " + writeAttempts.incrementAndGet());
        })).hasMessage("write 1"); // reads spent it all: 0.5 deposited is not a token
        assertThatThrownBy(() -> writes.call(() -> {
            throw new IOException("write " + writeAttempts.incrementAndGet());
        })).hasMessage("write 3"); // 0.5 + 0.5: one retry

        assertThat(shared.admittedRetries()).isEqualTo(3);
        assertThat(reads.retries() + writes.retries()).isEqualTo(3);
        assertThat(reads.budgetExhaustedCalls()).isEqualTo(1);
        assertThat(writes.budgetExhaustedCalls()).isEqualTo(2);
    }

    @Test
    void anAsyncRetryDeniedByTheBudgetFailsTheFutureWithTheLastFailure() throws Exception {
        RetryBudget b = budget().ratio(0.1).minRetriesPerSecond(0.001).maxTokens(1).build();
        drain(b);
        ManualScheduler scheduler = new ManualScheduler(ticker);
        Retry retry = Retry.builder("inventory").maxAttempts(3).scheduler(scheduler).ticker(ticker).budget(b).build();
        AtomicInteger attempts = new AtomicInteger();

        CompletableFuture<String> f = retry.callAsync(() -> {
            attempts.incrementAndGet();
            return CompletableFuture.failedFuture(new IOException("down"));
        });

        assertThat(f).isCompletedExceptionally();
        assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
        assertThat(attempts).hasValue(1);
        assertThat(scheduler.pending()).isZero();
        assertThat(retry.budgetExhaustedCalls()).isEqualTo(1);
    }

    @Test
    void aRegistryDefaultBudgetIsSharedByEveryRetryOfTheRegistry() {
        RetryBudget shared = budget().build();
        Registry<Retry, Retry.Builder> retries = Registry.ofRetries(Retry.builder("defaults").budget(shared));

        assertThat(retries.get("a").budget()).containsSame(shared);
        assertThat(retries.get("b").budget()).containsSame(shared);
        assertThat(Retry.ofDefaults("plain").budget()).isEmpty();
    }

    @Test
    void manyThreadsNeverGetMoreRetriesThanTheBudgetAllows() throws Exception {
        double ratio = 0.2;
        double perSecond = 50;
        int maxTokens = 25;
        RetryBudget b = budget().ratio(ratio).minRetriesPerSecond(perSecond).maxTokens(maxTokens).build();
        long start = ticker.read();
        int threads = 8;
        int callsPerThread = 20_000;
        AtomicLong firstAttempts = new AtomicLong();
        AtomicLong admitted = new AtomicLong();
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                ready.countDown();
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < callsPerThread; i++) {
                    b.recordFirstAttempt();
                    firstAttempts.incrementAndGet();
                    for (int r = 0; r < 3; r++) { // a failing service: every call wants three retries
                        if (b.tryAcquireRetry()) {
                            admitted.incrementAndGet();
                        }
                    }
                    if (id == 0 && i % 100 == 0) {
                        ticker.advanceMillis(1); // the floor accrues while the others race
                    }
                }
            });
            workers.add(w);
            w.start();
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        for (Thread w : workers) {
            w.join(TimeUnit.SECONDS.toMillis(60));
            assertThat(w.isAlive()).isFalse();
        }
        double seconds = (ticker.read() - start) / 1e9;
        double bound = maxTokens + ratio * firstAttempts.get() + perSecond * seconds;

        assertThat(admitted.get()).isEqualTo(b.admittedRetries());
        assertThat((double) admitted.get()).isLessThanOrEqualTo(bound);
        // And it was spent, not merely respected: every deposit made below the cap became a retry.
        assertThat(b.rejectedRetries()).isPositive();
        assertThat((double) admitted.get()).isGreaterThan(ratio * firstAttempts.get());
    }

    @Test
    void depositsAndRetriesAllocateNothing() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        AtomicLong now = new AtomicLong(); // a ticker whose advance allocates nothing (no Duration)
        RetryBudget b = RetryBudget.builder("inventory").ratio(0.2).minRetriesPerSecond(10).maxTokens(50)
                .ticker(now::get).build();
        Runnable round = () -> {
            for (int i = 0; i < 10; i++) {
                b.recordFirstAttempt(); // full, then below the cap
            }
            b.tryAcquireRetry();
            b.tryAcquireRetry();
            now.addAndGet(1_000_000);
        };
        for (int i = 0; i < 200_000; i++) { // warm up past JIT compilation
            round.run();
        }
        long id = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(id);
        for (int i = 0; i < 100_000; i++) {
            round.run();
        }
        long allocated = mx.getThreadAllocatedBytes(id) - before;
        assertThat(allocated).as("bytes allocated by a million deposits and 200,000 retries").isLessThan(1_024);
    }

    @Test
    void buildRejectsBadInputNamingTheParameter() {
        assertThatThrownBy(() -> budget().ratio(-0.1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ratio").hasMessageContaining("[0, 10.0]");
        assertThatThrownBy(() -> budget().ratio(Double.NaN)).hasMessageContaining("ratio");
        assertThatThrownBy(() -> budget().ratio(10.5)).hasMessageContaining("ratio");
        assertThatThrownBy(() -> budget().minRetriesPerSecond(-1)).hasMessageContaining("minRetriesPerSecond");
        assertThatThrownBy(() -> budget().minRetriesPerSecond(Double.POSITIVE_INFINITY))
                .hasMessageContaining("minRetriesPerSecond");
        assertThatThrownBy(() -> budget().maxTokens(0)).hasMessageContaining("maxTokens").hasMessageContaining("[1, ");
        assertThatThrownBy(() -> budget().ratio(0).minRetriesPerSecond(0).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both 0");
        assertThatThrownBy(() -> budget().ticker(null)).isInstanceOf(NullPointerException.class).hasMessage("ticker");
        assertThatThrownBy(() -> RetryBudget.builder(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Retry.builder("r").budget(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("budget");
    }

    @Test
    void ofNamesTheBudgetAndKeepsTheDefaults() {
        RetryBudget b = RetryBudget.of(0.3, 5);
        assertThat(b.name()).isEqualTo("retry-budget");
        assertThat(b.ratio()).isEqualTo(0.3);
        assertThat(b.minRetriesPerSecond()).isEqualTo(5);
        assertThat(b.maxTokens()).isEqualTo(100);
        assertThat(b).hasToString("RetryBudget(retry-budget, ratio 0.3, 5.0/s, max 100 tokens)");
    }
}
