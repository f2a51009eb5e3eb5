package dev.fluxgate.spring.it;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.spring.annotation.Bulkhead;
import dev.fluxgate.spring.annotation.CircuitBreaker;
import dev.fluxgate.spring.annotation.Retry;
import dev.fluxgate.spring.annotation.Timeout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/** Retry, bulkhead and timeout, alone and stacked on a breaker. */
public class PatternService {

    /** What the tests steer and observe; a plain object, since this service is reached through a proxy. */
    static final class Probe {
        final AtomicInteger attempts = new AtomicInteger();
        volatile int failuresBeforeSuccess;
        volatile CountDownLatch release = new CountDownLatch(0);
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch interrupted = new CountDownLatch(1);
    }

    private final Probe probe;

    public PatternService(Probe probe) {
        this.probe = probe;
    }

    @Retry(name = "flaky", fallbackMethod = "gaveUp")
    @CircuitBreaker(name = "flaky-breaker")
    public String flaky() {
        if (probe.attempts.incrementAndGet() <= probe.failuresBeforeSuccess) {
            throw new IllegalStateException("attempt " + probe.attempts.get() + " failed");
        }
        return "ok after " + probe.attempts.get();
    }

    String gaveUp(Exception last) {
        return "gave up: " + last.getMessage();
    }

    /** The fallback is on the breaker, yet the retry still retries: the fallback answers after it. */
    @Retry(name = "flaky")
    @CircuitBreaker(name = "flaky-breaker", fallbackMethod = "breakerFallback")
    public String flakyWithBreakerFallback() {
        return flaky();
    }

    String breakerFallback(CallNotPermittedException rejected) {
        return "breaker fallback: rejected after " + probe.attempts.get() + " attempt(s)";
    }

    String breakerFallback(Exception last) {
        return "breaker fallback after " + probe.attempts.get() + ": " + last.getMessage();
    }

    @Retry(name = "flaky")
    @CircuitBreaker(name = "flaky-breaker", fallbackMethod = "monoFallback")
    public Mono<String> flakyMonoWithBreakerFallback() {
        return Mono.fromCallable(this::flaky);
    }

    Mono<String> monoFallback(Exception last) {
        return Mono.just("mono fallback after " + probe.attempts.get() + ": " + last.getMessage());
    }

    @Retry(name = "flaky")
    public Mono<String> flakyMono() {
        return Mono.fromCallable(this::flaky);
    }

    @Bulkhead(name = "narrow")
    public String narrow() throws InterruptedException {
        probe.entered.countDown();
        probe.release.await(10, TimeUnit.SECONDS);
        return "done";
    }

    @Timeout(name = "quick")
    public String slow() {
        try {
            new CountDownLatch(1).await(10, TimeUnit.SECONDS);
            return "too late";
        } catch (InterruptedException e) {
            probe.interrupted.countDown();
            return "interrupted";
        }
    }
}
