package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@link RetryAfter}: delta-seconds and the three HTTP-date forms against a fixed clock, and what it ignores. */
class RetryAfterHeaderTest {

    /** RFC 9110's example date, 30 seconds after this clock. */
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("1994-11-06T08:49:07Z"));

    @Test
    void deltaSecondsAreTheDelay() {
        assertThat(RetryAfter.parse("120", CLOCK)).contains(Duration.ofMinutes(2));
        assertThat(RetryAfter.parse("0", CLOCK)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse(" 5\t", CLOCK)).as("surrounding whitespace").contains(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse("007", CLOCK)).contains(Duration.ofSeconds(7));
    }

    @Test
    void secondsBeyondALongAskForeverSoARetryGivesUp() {
        assertThat(RetryAfter.parse("99999999999999999999999", CLOCK)).contains(RetryDelay.FOREVER);
        assertThat(RetryAfter.parse(Long.toString(Long.MAX_VALUE), CLOCK)).contains(Duration.ofSeconds(Long.MAX_VALUE));
    }

    @Test
    void imfFixdateIsMeasuredAgainstTheClock() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", CLOCK)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 09:49:07 GMT", CLOCK)).contains(Duration.ofHours(1));
        InstantSource later = InstantSource.fixed(Instant.parse("1994-11-06T08:49:36.250Z"));
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", later)).contains(Duration.ofMillis(750));
    }

    @Test
    void aDateInThePastIsNoDelay() {
        assertThat(RetryAfter.parse("Sun, 06 Nov 1994 08:49:06 GMT", CLOCK)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("Thu, 01 Jan 1970 00:00:00 GMT", CLOCK)).contains(Duration.ZERO);
    }

    @Test
    void theObsoleteFormsAreAcceptedAsRfc9110AsksOfRecipients() {
        assertThat(RetryAfter.parse("Sunday, 06-Nov-94 08:49:37 GMT", CLOCK)).as("RFC 850").contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Sun Nov  6 08:49:37 1994", CLOCK)).as("asctime").contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Thu Nov 10 08:49:37 1994", CLOCK)).as("asctime, two-digit day")
                .contains(Duration.ofDays(4).plusSeconds(30));
    }

    @Test
    void aTwoDigitYearMoreThanFiftyYearsAheadIsInThePast() {
        Instant in2030 = Instant.parse("2030-06-01T00:00:00Z");
        assertThat(RetryAfter.httpDate("Thursday, 01-Jan-81 00:00:00 GMT", in2030)).as("2081 is 50+ years ahead: 1981")
                .isEqualTo(Instant.parse("1981-01-01T00:00:00Z"));
        assertThat(RetryAfter.httpDate("Friday, 01-Jan-77 00:00:00 GMT", in2030)).as("2077 is within 50 years")
                .isEqualTo(Instant.parse("2077-01-01T00:00:00Z"));
        assertThat(RetryAfter.httpDate("Sunday, 06-Nov-94 08:49:37 GMT", Instant.parse("1994-11-06T00:00:00Z")))
                .isEqualTo(Instant.parse("1994-11-06T08:49:37Z"));
    }

    @Test
    void aLeapSecondIsTheFirstSecondOfTheNextMinute() {
        assertThat(RetryAfter.httpDate("Sat, 31 Dec 2016 23:59:60 GMT", Instant.EPOCH))
                .isEqualTo(Instant.parse("2017-01-01T00:00:00Z"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "  ", "-5", "+5", "1.5", "5s", "1e3", "soon", "0x10",
        "Mon, 06 Nov 1994 08:49:37 GMT", // wrong weekday
        "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 06 Nov 1994 08:49:37 +0000", "Sun, 06 Nov 1994 08:49:37", // not GMT
        "Sun, 6 Nov 1994 08:49:37 GMT", "sun, 06 nov 1994 08:49:37 GMT", "Sun, 06 November 1994 08:49:37 GMT",
        "Sun,  06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 94 08:49:37 GMT",
        "Wed, 31 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Nov 1994 08:49:61 GMT",
        "Sun, 06-Nov-94 08:49:37 GMT", "Monday, 06-Nov-94 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
        "120, 30", "Sun, 06 Nov 1994 08:49:37 GMT, 5"})
    void invalidValuesAreIgnored(String value) {
        assertThat(RetryAfter.parse(value, CLOCK)).isEmpty();
    }

    @Test
    void noValueIsNoDelay() {
        assertThat(RetryAfter.parse(null, CLOCK)).isEmpty();
    }

    @Test
    void onlyTooManyRequestsAndServiceUnavailableAskToWait() {
        assertThat(RetryAfter.of(FakeHttpResponse.of(429, "3"), CLOCK)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.of(FakeHttpResponse.of(503, "Sun, 06 Nov 1994 08:49:37 GMT"), CLOCK))
                .contains(Duration.ofSeconds(30));
        for (int status : new int[] {200, 301, 404, 500, 502, 504}) {
            assertThat(RetryAfter.of(FakeHttpResponse.of(status, "3"), CLOCK)).as("status %d", status).isEmpty();
            assertThat(RetryAfter.of(status, "3", CLOCK)).as("status %d", status).isEmpty();
        }
        assertThat(RetryAfter.of(FakeHttpResponse.of(429, null), CLOCK)).as("no header").isEmpty();
        assertThat(RetryAfter.of(429, null, CLOCK)).isEmpty();
        assertThat(RetryAfter.of(503, "7", CLOCK)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.asksToWait(429)).isTrue();
        assertThat(RetryAfter.asksToWait(503)).isTrue();
        assertThat(RetryAfter.asksToWait(500)).isFalse();
    }

    @Test
    void theDelayFunctionReadsResponsesOnly() {
        RetryDelay delay = RetryAfter.httpResponse(CLOCK);
        assertThat(delay.delayFor(FakeHttpResponse.of(429, "4"), null)).contains(Duration.ofSeconds(4));
        assertThat(delay.delayFor(FakeHttpResponse.of(200, "4"), null)).isEmpty();
        assertThat(delay.delayFor("not a response", null)).isEmpty();
        assertThat(delay.delayFor(null, new IOException("down"))).isEmpty();
        assertThat(delay.delayFor(null, null)).as("a null result").isEmpty();
        assertThat(RetryAfter.httpResponse()).hasToString("RetryAfter.httpResponse()");
        assertThatThrownBy(() -> RetryAfter.httpResponse(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
        assertThatThrownBy(() -> RetryAfter.parse("5", null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
    }

    @Test
    void aRetryOfHttpClientCallsWaitsAsLongAsTheServerAsks() throws Exception {
        TestTicker ticker = new TestTicker();
        List<Long> slept = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Retry retry = Retry.builder("catalog").maxAttempts(4).ticker(ticker).sleeper(slept::add)
                .backoff(Backoff.constant(Duration.ofMillis(100)))
                .retryOnResult(r -> r instanceof java.net.http.HttpResponse<?> h && RetryAfter.asksToWait(h.statusCode()))
                .delayFrom(RetryAfter.httpResponse(CLOCK))
                .maxDelay(Duration.ofSeconds(60))
                .build();
        List<FakeHttpResponse> answers = List.of(FakeHttpResponse.of(429, "2"),
                FakeHttpResponse.of(503, "Sun, 06 Nov 1994 08:49:37 GMT"), // 30 s on the fixed clock
                FakeHttpResponse.of(503, "garbage"), FakeHttpResponse.of(200, null));

        FakeHttpResponse response = retry.call(() -> answers.get(calls.getAndIncrement()));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(slept).as("2 s asked, 30 s asked, an invalid value: the backoff")
                .containsExactly(Duration.ofSeconds(2).toNanos(), Duration.ofSeconds(30).toNanos(), 100_000_000L);
    }

    @Test
    void aServerThatAsksForMoreThanTheCapGetsItsAnswerBackAtOnce() throws Exception {
        List<Long> slept = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Retry retry = Retry.builder("catalog").maxAttempts(4).sleeper(slept::add)
                .retryOnResult(r -> r instanceof java.net.http.HttpResponse<?> h && RetryAfter.asksToWait(h.statusCode()))
                .delayFrom(RetryAfter.httpResponse(CLOCK)).maxDelay(Duration.ofSeconds(30)).build();

        FakeHttpResponse response = retry.call(() -> {
            calls.incrementAndGet();
            return FakeHttpResponse.of(503, "3600");
        });

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).contains("3600");
        assertThat(calls).hasValue(1);
        assertThat(slept).isEmpty();
    }
}
