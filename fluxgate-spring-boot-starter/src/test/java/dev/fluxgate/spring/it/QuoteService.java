package dev.fluxgate.spring.it;

import dev.fluxgate.spring.annotation.CircuitBreaker;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Async and reactive dependencies. */
public class QuoteService {

    private final Faults faults;

    public QuoteService(Faults faults) {
        this.faults = faults;
    }

    @CircuitBreaker(name = "quotes", fallbackMethod = "staleQuote")
    public CompletionStage<String> quote(String symbol) {
        return faults.quotesDown ? CompletableFuture.failedFuture(new IllegalStateException("quotes down"))
                : CompletableFuture.completedFuture("quote:" + symbol);
    }

    @CircuitBreaker(name = "quotes")
    public CompletableFuture<String> quoteThrowing(String symbol) {
        throw new IllegalStateException("thrown before any future: " + symbol);
    }

    @CircuitBreaker(name = "prices", fallbackMethod = "stalePrice")
    public Mono<Integer> price(String symbol) {
        return Mono.defer(() -> {
            faults.subscriptions.incrementAndGet();
            return faults.quotesDown ? Mono.error(new IllegalStateException("prices down")) : Mono.just(42);
        });
    }

    @CircuitBreaker(name = "feed")
    public Flux<Integer> feed() {
        return Flux.defer(() -> {
            faults.subscriptions.incrementAndGet();
            return faults.quotesDown ? Flux.concat(Flux.just(1), Flux.error(new IllegalStateException("feed down")))
                    : Flux.just(1, 2, 3);
        });
    }

    CompletionStage<String> staleQuote(String symbol, Exception failure) {
        return CompletableFuture.completedFuture("stale:" + symbol + ":" + failure.getClass().getSimpleName());
    }

    Mono<Integer> stalePrice(String symbol, Throwable failure) {
        return Mono.just(-1);
    }
}
