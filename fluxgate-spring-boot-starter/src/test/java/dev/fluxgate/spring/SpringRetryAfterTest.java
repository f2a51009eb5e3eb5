package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Backoff;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryDelay;
import dev.fluxgate.Tracker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/** {@link SpringRetryAfter}: Retry-After from RestClient's and WebClient's exceptions. */
class SpringRetryAfterTest {

    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("1994-11-06T08:49:07Z"));

    private static HttpHeaders retryAfter(String value) {
        HttpHeaders h = new HttpHeaders();
        if (value != null) {
            h.add("Retry-After", value);
        }
        return h;
    }

    private static HttpClientErrorException rest(HttpStatus status, String value) {
        return HttpClientErrorException.create(status, status.getReasonPhrase(), retryAfter(value), new byte[0],
                StandardCharsets.UTF_8);
    }

    private static HttpServerErrorException restServer(HttpStatus status, String value) {
        return HttpServerErrorException.create(status, status.getReasonPhrase(),
                retryAfter(value), new byte[0], StandardCharsets.UTF_8);
    }

    private static WebClientResponseException web(HttpStatus status, String value) {
        return WebClientResponseException.create(status.value(), status.getReasonPhrase(), retryAfter(value), new byte[0],
                StandardCharsets.UTF_8);
    }

    @Test
    void restClientExceptionsAskForTheirRetryAfter() {
        RetryDelay d = SpringRetryAfter.restClient(CLOCK);

        assertThat(d.delayFor(null, rest(HttpStatus.TOO_MANY_REQUESTS, "12"))).contains(Duration.ofSeconds(12));
        assertThat(d.delayFor(null, restServer(HttpStatus.SERVICE_UNAVAILABLE, "Sun, 06 Nov 1994 08:49:37 GMT")))
                .contains(Duration.ofSeconds(30));
        assertThat(rest(HttpStatus.TOO_MANY_REQUESTS, "1")).isInstanceOf(HttpClientErrorException.TooManyRequests.class);
    }

    @Test
    void restClientIgnoresOtherStatusesInvalidValuesAndOtherOutcomes() {
        RetryDelay d = SpringRetryAfter.restClient(CLOCK);

        assertThat(d.delayFor(null, rest(HttpStatus.NOT_FOUND, "12"))).isEmpty();
        assertThat(d.delayFor(null, restServer(HttpStatus.INTERNAL_SERVER_ERROR, "12"))).isEmpty();
        assertThat(d.delayFor(null, rest(HttpStatus.TOO_MANY_REQUESTS, "soon"))).isEmpty();
        assertThat(d.delayFor(null, rest(HttpStatus.TOO_MANY_REQUESTS, null))).isEmpty();
        assertThat(d.delayFor(null, new RestClientResponseException("no headers", 429, "Too Many Requests", null, null, null)))
                .isEmpty();
        assertThat(d.delayFor(null, web(HttpStatus.TOO_MANY_REQUESTS, "12"))).as("a WebClient exception").isEmpty();
        assertThat(d.delayFor(null, new IOException("down"))).isEmpty();
        assertThat(d.delayFor("a result", null)).isEmpty();
    }

    @Test
    void webClientExceptionsAskForTheirRetryAfter() {
        RetryDelay d = SpringRetryAfter.webClient(CLOCK);

        assertThat(d.delayFor(null, web(HttpStatus.TOO_MANY_REQUESTS, "3"))).contains(Duration.ofSeconds(3));
        assertThat(d.delayFor(null, web(HttpStatus.SERVICE_UNAVAILABLE, "Sunday, 06-Nov-94 08:49:37 GMT")))
                .contains(Duration.ofSeconds(30));
        assertThat(d.delayFor(null, web(HttpStatus.BAD_GATEWAY, "3"))).isEmpty();
        assertThat(d.delayFor(null, web(HttpStatus.TOO_MANY_REQUESTS, "-3"))).isEmpty();
        assertThat(d.delayFor(null, rest(HttpStatus.TOO_MANY_REQUESTS, "3"))).as("a RestClient exception").isEmpty();
    }

    @Test
    void describesItselfAndRejectsANullClock() {
        assertThat(SpringRetryAfter.restClient()).hasToString("SpringRetryAfter.restClient()");
        assertThat(SpringRetryAfter.webClient()).hasToString("SpringRetryAfter.webClient()");
        assertThat(SpringRetryAfter.restClient().orElse(SpringRetryAfter.webClient()))
                .hasToString("(SpringRetryAfter.restClient()).orElse(SpringRetryAfter.webClient())");
        assertThatThrownBy(() -> SpringRetryAfter.restClient(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
        assertThatThrownBy(() -> SpringRetryAfter.webClient(null)).isInstanceOf(NullPointerException.class).hasMessage("clock");
    }

    @Test
    void aRetryAroundRestClientWaitsAsTheServerAsksAndGivesUpPastTheCap() throws Exception {
        List<Long> slept = new ArrayList<>();
        Retry retry = Retry.builder("catalog").maxAttempts(4).sleeper(slept::add)
                .backoff(Backoff.constant(Duration.ofMillis(100)))
                .retryOn(Tracker.typeOf(HttpClientErrorException.TooManyRequests.class,
                        HttpServerErrorException.ServiceUnavailable.class))
                .delayFrom(SpringRetryAfter.restClient(CLOCK)).maxDelay(Duration.ofSeconds(30)).build();
        List<RuntimeException> answers = List.of(rest(HttpStatus.TOO_MANY_REQUESTS, "2"),
                restServer(HttpStatus.SERVICE_UNAVAILABLE, "junk"));
        AtomicInteger calls = new AtomicInteger();

        String body = retry.call(() -> {
            int n = calls.getAndIncrement();
            if (n < answers.size()) {
                throw answers.get(n);
            }
            return "product";
        });

        assertThat(body).isEqualTo("product");
        assertThat(slept).containsExactly(Duration.ofSeconds(2).toNanos(), 100_000_000L);

        HttpClientErrorException anHour = rest(HttpStatus.TOO_MANY_REQUESTS, "3600");
        assertThatThrownBy(() -> retry.call(() -> {
            throw anHour;
        })).isSameAs(anHour);
        assertThat(slept).hasSize(2);
    }
}
