package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FallbackTest {

    private final TestTicker ticker = new TestTicker();

    private static <T> java.util.concurrent.Callable<T> throwing(Exception e) {
        return () -> {
            throw e;
        };
    }

    private static java.util.concurrent.Callable<String> throwingString(Exception e) {
        return throwing(e);
    }

    @Test
    void answersByExceptionTypeInTheOrderAdded() throws Exception {
        Fallback<String> f = Fallback.<String>builder()
                .on(FileNotFoundException.class, e -> "missing: " + e.getMessage())
                .on(IOException.class, e -> "io")
                .build();
        assertThat(f.call(throwingString(new FileNotFoundException("a.txt")))).isEqualTo("missing: a.txt");
        assertThat(f.call(throwingString(new IOException("x")))).isEqualTo("io");
        IllegalStateException other = new IllegalStateException("not handled");
        assertThatThrownBy(() -> f.call(throwingString(other))).isSameAs(other);
        assertThat(f.call(() -> "fine")).isEqualTo("fine");
    }

    @Test
    void answersByComposedPredicate() throws Exception {
        Fallback<String> f = Fallback.<String>builder()
                .when(Tracker.typeOf(IOException.class).and(Tracker.not(Tracker.typeOf(FileNotFoundException.class))),
                        e -> "fallback")
                .build();
        assertThat(f.call(throwingString(new IOException("x")))).isEqualTo("fallback");
        FileNotFoundException excluded = new FileNotFoundException("y");
        assertThatThrownBy(() -> f.call(throwingString(excluded))).isSameAs(excluded);
    }

    @Test
    void replacesUnacceptableResults() throws Exception {
        Fallback<Integer> f = Fallback.<Integer>builder().onResult(v -> v < 0, v -> 0).build();
        assertThat(f.call(() -> -5)).isZero();
        assertThat(f.call(() -> 7)).isEqualTo(7);
    }

    @Test
    void errorsAlwaysPropagate() {
        Fallback<String> f = Fallback.of(e -> "never for errors");
        assertThatThrownBy(() -> f.get(() -> {
            throw new AssertionError("bug");
        })).isInstanceOf(AssertionError.class);
    }

    @Test
    void aBrokenHandlerPropagatesWithTheOriginalSuppressed() {
        IOException original = new IOException("original");
        Fallback<String> f = Fallback.of(e -> {
            throw new IllegalStateException("handler broke");
        });
        assertThatThrownBy(() -> f.call(throwingString(original))).hasMessage("handler broke").satisfies(e -> assertThat(e.getSuppressed()).containsExactly(original));
    }

    @Test
    void aCatchAllFallbackAnswersThroughGetAndCallAlikeAndPassesResultsThrough() throws Exception {
        Fallback<String> f = Fallback.of(e -> "answer to " + e.getMessage());
        assertThat(f.<String>get(() -> "fine")).isEqualTo("fine");
        assertThat(f.<String>call(() -> "fine")).isEqualTo("fine");
        assertThat(f.<String>get(failing(new IllegalStateException("unchecked")))).isEqualTo("answer to unchecked");
        assertThat(f.<String>call(throwingString(new IOException("checked")))).isEqualTo("answer to checked");
        assertThat(f.<String>get(sneaky(new IOException("sneaky")))).isEqualTo("answer to sneaky");
    }

    @Test
    void aBrokenCatchAllHandlerPropagatesFromGetWithTheOriginalSuppressed() {
        IllegalArgumentException original = new IllegalArgumentException("original");
        Fallback<String> f = Fallback.of(e -> {
            throw new IllegalStateException("handler broke");
        });
        assertThatThrownBy(() -> f.<String>get(failing(original))).hasMessage("handler broke").satisfies(e -> assertThat(e.getSuppressed()).containsExactly(original));
    }

    @Test
    void aCatchAllAfterATypedHandlerStillLetsTheTypedOneAnswerFirst() throws Exception {
        Fallback<String> f = Fallback.<String>builder()
                .on(IOException.class, e -> "io")
                .when(Tracker.all(), e -> "any")
                .build();
        assertThat(f.<String>call(throwingString(new IOException("x")))).isEqualTo("io");
        assertThat(f.<String>get(sneaky(new IOException("x")))).isEqualTo("io");
        assertThat(f.<String>get(failing(new IllegalStateException("x")))).isEqualTo("any");
    }

    @Test
    void aCatchAllWithAResultHandlerStillReplacesResults() throws Exception {
        Fallback<Integer> f = Fallback.<Integer>builder()
                .when(Tracker.all(), e -> -1)
                .onResult(r -> r < 0, r -> 0)
                .build();
        assertThat(f.<Integer>get(() -> Integer.valueOf(-5))).isZero();
        assertThat(f.<Integer>call(() -> -5)).isZero();
        assertThat(f.<Integer>get(failing(new IllegalStateException("x")))).isEqualTo(-1);
    }

    @Test
    void aCatchAllWithLastKnownGoodServesItFirst() throws Exception {
        Fallback<String> f = Fallback.<String>builder().lastKnownGood().when(Tracker.all(), e -> "default").build();
        assertThat(f.<String>get(failing(new IllegalStateException("x")))).isEqualTo("default");
        assertThat(f.<String>get(() -> "remembered")).isEqualTo("remembered");
        assertThat(f.<String>call(throwingString(new IOException("x")))).isEqualTo("remembered");
    }

    private static <T> java.util.function.Supplier<T> failing(RuntimeException e) {
        return () -> {
            throw e;
        };
    }

    /** A supplier that throws a checked exception, as code compiled elsewhere may. */
    private static java.util.function.Supplier<String> sneaky(Exception e) {
        return () -> {
            throw FallbackTest.<RuntimeException>sneakyThrow(e);
        };
    }

    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    private static <E extends Exception> E sneakyThrow(Exception e) throws E {
        throw (E) e;
    }

    @Test
    void lastKnownGoodServesTheLatestSuccessUntilItIsTooOld() throws Exception {
        Fallback<String> f = Fallback.<String>builder()
                .lastKnownGood(Duration.ofMinutes(5), ticker)
                .on(IOException.class, e -> "default")
                .build();
        IOException down = new IOException("down");
        assertThat(f.call(throwingString(down))).as("nothing remembered yet").isEqualTo("default");
        assertThat(f.call(() -> "v1")).isEqualTo("v1");
        assertThat(f.call(() -> "v2")).isEqualTo("v2");
        ticker.advance(Duration.ofMinutes(5));
        assertThat(f.call(throwingString(new CallNotPermittedException("cb", State.OPEN, Duration.ofSeconds(1))))).as("rejections are answered too").isEqualTo("v2");
        ticker.advance(Duration.ofNanos(1));
        assertThat(f.call(throwingString(down))).as("too old").isEqualTo("default");
    }

    @Test
    void keyedLastKnownGoodKeepsOneResultPerKey() throws Exception {
        LastKnownGood<String, Integer> prices = LastKnownGood.<String, Integer>builder()
                .maxAge(Duration.ofSeconds(30)).ticker(ticker).on(Tracker.typeOf(IOException.class)).build();
        assertThat(prices.call("AAPL", () -> 190)).isEqualTo(190);
        assertThat(prices.call("MSFT", () -> 410)).isEqualTo(410);
        IOException down = new IOException("feed down");
        assertThat(prices.call("AAPL", throwing(down))).isEqualTo(190);
        assertThatThrownBy(() -> prices.call("GOOG", throwing(down))).isSameAs(down);
        IllegalArgumentException notTracked = new IllegalArgumentException("bad symbol");
        assertThatThrownBy(() -> prices.get("MSFT", () -> {
            throw notTracked;
        })).isSameAs(notTracked);
        assertThat(prices.servedCalls()).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(31));
        assertThat(prices.latest("AAPL")).isEmpty();
        prices.forget("MSFT");
        assertThat(prices.size()).isEqualTo(1);
    }

    @Test
    void asyncFallbackAnswersTheUnwrappedCause() throws Exception {
        Fallback<String> f = Fallback.<String>builder().on(IOException.class, e -> "async " + e.getMessage()).build();
        CompletableFuture<String> r = f.callAsync(() -> CompletableFuture.failedFuture(new IOException("down")));
        assertThat(r.get(1, TimeUnit.SECONDS)).isEqualTo("async down");
        CompletableFuture<String> supplyThrows = f.callAsync(() -> {
            throw new IllegalStateException("sync");
        });
        assertThatThrownBy(() -> supplyThrows.get(1, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void asyncLastKnownGood() throws Exception {
        LastKnownGood<String, String> lkg = LastKnownGood.<String, String>builder().build();
        assertThat(lkg.callAsync("k", () -> CompletableFuture.completedFuture("good")).get(1, TimeUnit.SECONDS))
                .isEqualTo("good");
        assertThat(lkg.callAsync("k", () -> CompletableFuture.failedFuture(new IOException())).get(1, TimeUnit.SECONDS))
                .isEqualTo("good");
    }

    @Test
    void eachBuiltFallbackRemembersItsOwnResult() throws Exception {
        Fallback.Builder<String> builder = Fallback.<String>builder().lastKnownGood();
        Fallback<String> a = builder.build();
        Fallback<String> b = builder.build();
        a.call(() -> "for a");
        IOException down = new IOException();
        assertThatThrownBy(() -> b.call(() -> {
            throw down;
        })).isSameAs(down);
    }
}
