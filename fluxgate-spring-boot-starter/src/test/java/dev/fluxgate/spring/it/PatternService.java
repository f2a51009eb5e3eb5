package dev.fluxgate.spring.it;

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
