package dev.fluxgate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/** An {@link HttpResponse} with a status and headers, for tests of {@link RetryAfter}. */
record FakeHttpResponse(int statusCode, HttpHeaders headers, String body) implements HttpResponse<String> {

    /** A response with one {@code Retry-After} value, or none when {@code retryAfter} is null. */
    static FakeHttpResponse of(int status, String retryAfter) {
        Map<String, List<String>> map = retryAfter == null ? Map.of() : Map.of("Retry-After", List.of(retryAfter));
        return new FakeHttpResponse(status, HttpHeaders.of(map, (name, value) -> true), "body " + status);
    }

    @Override
    public HttpRequest request() {
        return HttpRequest.newBuilder(uri()).build();
    }

    @Override
    public Optional<HttpResponse<String>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public Optional<SSLSession> sslSession() {
        return Optional.empty();
    }

    @Override
    public URI uri() {
        return URI.create("http://localhost/");
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }
}
