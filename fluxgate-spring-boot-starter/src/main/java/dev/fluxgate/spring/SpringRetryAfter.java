package dev.fluxgate.spring;

import dev.fluxgate.Cooldown;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryAfter;
import dev.fluxgate.RetryDelay;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClientResponseException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Reads {@code Retry-After} from the exceptions Spring's HTTP clients throw for a {@code 429 Too Many
 * Requests} or {@code 503 Service Unavailable} answer, with the same rules as the core's
 * {@link RetryAfter} (delta-seconds or an HTTP-date; anything invalid is ignored).
 *
 * <pre>{@code
 * Retry retry = Retry.builder("catalog")
 *     .retryOn(Tracker.typeOf(HttpClientErrorException.TooManyRequests.class,
 *                             HttpServerErrorException.ServiceUnavailable.class))
 *     .delayFrom(SpringRetryAfter.restClient())
 *     .maxDelay(Duration.ofSeconds(30))
 *     .build();
 * Product p = retry.call(() -> restClient.get().uri("/products/{id}", id).retrieve().body(Product.class));
 * }</pre>
 *
 * <p>{@link #restClient()} needs {@code spring-web} (it reads {@link RestClientResponseException}, which
 * {@code RestClient} and {@code RestTemplate} throw: {@code HttpClientErrorException},
 * {@code HttpServerErrorException} and their subclasses); {@link #webClient()} needs
 * {@code spring-webflux} ({@link WebClientResponseException}). Both are optional dependencies of the
 * starter: a method is usable when the application has its module, and neither is needed to load
 * this class. Stateless and safe for concurrent use.
 */
public final class SpringRetryAfter {

    private SpringRetryAfter() {
    }

    /**
     * The delay a {@link RestClientResponseException} (from {@code RestClient} or {@code RestTemplate})
     * asks for, dates against the system clock; other exceptions and every result ask for none.
     *
     * @return the delay function, for {@link Retry.Builder#delayFrom(RetryDelay)} or
     *     {@link Cooldown#withDelayFrom(RetryDelay, Duration)}
     */
    public static RetryDelay restClient() {
        return Rest.SYSTEM;
    }

    /**
     * {@link #restClient()} with HTTP-dates measured against {@code clock}.
     *
     * @param clock the wall clock an HTTP-date is compared with
     * @return the delay function
     * @throws NullPointerException if {@code clock} is null
     */
    public static RetryDelay restClient(InstantSource clock) {
        return Rest.of(Objects.requireNonNull(clock, "clock"));
    }

    /**
     * The delay a {@link WebClientResponseException} asks for, dates against the system clock; other
     * exceptions and every result ask for none.
     *
     * @return the delay function
     */
    public static RetryDelay webClient() {
        return Web.SYSTEM;
    }

    /**
     * {@link #webClient()} with HTTP-dates measured against {@code clock}.
     *
     * @param clock the wall clock an HTTP-date is compared with
     * @return the delay function
     * @throws NullPointerException if {@code clock} is null
     */
    public static RetryDelay webClient(InstantSource clock) {
        return Web.of(Objects.requireNonNull(clock, "clock"));
    }

    private static Optional<Duration> read(int status, @Nullable HttpHeaders headers, InstantSource clock) {
        return RetryAfter.of(status, headers == null ? null : headers.getFirst(RetryAfter.HEADER), clock);
    }

    /** Holds what needs spring-web, so that an application without it can still use {@link #webClient()}. */
    private static final class Rest {
        static final RetryDelay SYSTEM = of(InstantSource.system());

        static RetryDelay of(InstantSource clock) {
            RetryDelay delay = RetryDelay.onFailure(RestClientResponseException.class,
                    e -> read(e.getStatusCode().value(), e.getResponseHeaders(), clock));
            return new Described(delay, "SpringRetryAfter.restClient()");
        }
    }

    /** Holds what needs spring-webflux, so that an application without it can still use {@link #restClient()}. */
    private static final class Web {
        static final RetryDelay SYSTEM = of(InstantSource.system());

        static RetryDelay of(InstantSource clock) {
            RetryDelay delay = RetryDelay.onFailure(WebClientResponseException.class,
                    e -> read(e.getStatusCode().value(), e.getHeaders(), clock));
            return new Described(delay, "SpringRetryAfter.webClient()");
        }
    }

    /** A readable name in configuration dumps and warnings. */
    private record Described(RetryDelay delay, String name) implements RetryDelay {
        @Override
        public Optional<Duration> delayFor(@Nullable Object result, @Nullable Throwable failure) {
            return delay.delayFor(result, failure);
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
