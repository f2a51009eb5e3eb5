package dev.fluxgate.spring.readme;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.spring.annotation.Bulkhead;
import dev.fluxgate.spring.annotation.CircuitBreaker;
import dev.fluxgate.spring.annotation.Retry;
import dev.fluxgate.spring.annotation.Timeout;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.web.client.RestClient;

@Service
public class ShopClient {

    private final RestClient http;

    public ShopClient(@Value("${shop.backend-url}") String backendUrl) {
        this.http = RestClient.create(backendUrl);
    }

    @Retry(name = "payments", fallbackMethod = "payLater") // outermost: every attempt goes through the breaker
    @CircuitBreaker(name = "payments")
    @Bulkhead(name = "payments")
    @Timeout(name = "payments")                           // innermost: a timeout is a failed attempt
    public String pay(String order) {
        return http.post().uri("/pay/{order}", order).retrieve().body(String.class);
    }

    private String payLater(String order, CallNotPermittedException open) {
        return "queued:" + order; // the breaker is open: the backend was not called
    }

    private String payLater(String order, Exception failure) {
        return "failed:" + order; // every attempt failed
    }

    @CircuitBreaker(name = "recommendations", fallbackMethod = "noRecommendations")
    public String recommendations(String user) {
        return http.get().uri("/recommendations/{user}", user).retrieve().body(String.class);
    }

    private String noRecommendations(String user, Exception failure) {
        return "[]";
    }
}
