package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Last known good results, keyed and through a Fallback: what is served and counted, reading the
 * stored result, forgetting, asynchronous serving and cancellation, and a tracker that throws.
 */
class LastKnownGoodTest {

    private final TestTicker ticker = new TestTicker();

    private LastKnownGood<String, String> store() {
        return LastKnownGood.<String, String>builder().maxAge(Duration.ofMinutes(1)).ticker(ticker).build();
    }

    @Test
    void latestReadsTheStoredResultWhileItIsFresh() throws Exception {
        LastKnownGood<String, String> lkg = store();
        assertThat(lkg.latest("k")).isEmpty();

        lkg.call("k", () -> "v1");

        assertThat(lkg.latest("k")).contains("v1");
        ticker.advance(Duration.ofMinutes(1));
        assertThat(lkg.latest("k")).as("exactly maxAge old is still fresh").contains("v1");
        ticker.advance(Duration.ofNanos(1));
        assertThat(lkg.latest("k")).isEmpty();
    }

    @Test
    void getStoresAndServesLikeCall() {
        LastKnownGood<String, String> lkg = store();
        assertThat(lkg.get("k", () -> "fresh")).isEqualTo("fresh");
        assertThat(lkg.get("k", () -> {
            throw new IllegalStateException("down");
        })).isEqualTo("fresh");
        assertThat(lkg.servedCalls()).isEqualTo(1);
    }

    @Test
    void clearDropsEveryStoredResult() throws Exception {
        LastKnownGood<String, String> lkg = store();
        lkg.call("a", () -> "1");
        lkg.call("b", () -> "2");
        assertThat(lkg.size()).isEqualTo(2);

        lkg.clear();

        assertThat(lkg.size()).isZero();
        IOException down = new IOException("down");
        assertThatThrownBy(() -> lkg.call("a", () -> {
            throw down;
        })).isSameAs(down);
    }

    @Test
    void anAsyncFailureServedFromTheStoreIsCounted() throws Exception {
        LastKnownGood<String, String> lkg = store();
        lkg.callAsync("k", () -> CompletableFuture.completedFuture("good")).get(5, TimeUnit.SECONDS);

        String served = lkg.callAsync("k", () -> CompletableFuture.<String>failedFuture(new IOException("down")))
                .get(5, TimeUnit.SECONDS);

        assertThat(served).isEqualTo("good");
        assertThat(lkg.servedCalls()).isEqualTo(1);
    }

    @Test
    void anAsyncTrackerThatThrowsServesNothingAndTheCallerGetsTheOriginalFailure() {
        IllegalStateException broken = new IllegalStateException("tracker broken");
        LastKnownGood<String, String> lkg = LastKnownGood.<String, String>builder().on(e -> {
            throw broken;
        }).build();
        IOException down = new IOException("down");

        CompletableFuture<String> result = lkg.callAsync("k", () -> CompletableFuture.failedFuture(down));

        // The one rule for plugged-in code: a predicate that throws is logged and answers "no match".
        assertThatThrownBy(() -> result.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isSameAs(down);
        assertThat(lkg.servedCalls()).isZero();
    }

    @Test
    void cancellingAnAsyncCallCancelsTheTasksFuture() {
        CompletableFuture<String> task = new CompletableFuture<>();
        store().callAsync("k", () -> task).cancel(true);
        assertThat(task).isCancelled();
    }

    @Test
    void cancellingAnAsyncFallbackCancelsTheTasksFuture() {
        CompletableFuture<String> task = new CompletableFuture<>();
        Fallback.<String>of(e -> "fallback").callAsync(() -> task).cancel(true);
        assertThat(task).isCancelled();
    }

    @Test
    void theLastKnownGoodFallbackFactoriesServeTheLatestSuccess() throws Exception {
        Fallback<String> anyAge = Fallback.lastKnownGood();
        Fallback<String> young = Fallback.lastKnownGood(Duration.ofHours(1));
        for (Fallback<String> f : java.util.List.of(anyAge, young)) {
            assertThat(f).hasToString("Fallback(0 exception handlers, 0 result handlers, last known good)");
            f.call(() -> "good");
            assertThat(f.<String>call(() -> {
                throw new IOException("down");
            })).isEqualTo("good");
        }
        assertThat(Fallback.<String>of(e -> "x")).hasToString("Fallback(1 exception handlers, 0 result handlers)");
    }
}
