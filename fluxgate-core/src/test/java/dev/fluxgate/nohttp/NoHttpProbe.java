package dev.fluxgate.nohttp;

import dev.fluxgate.Backoff;
import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryAfter;
import dev.fluxgate.RetryDelay;
import dev.fluxgate.Tripper;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/**
 * Run by {@code CoreWithoutJavaNetHttpTest} in a JVM whose module graph lacks {@code java.net.http}: the
 * core, {@link RetryAfter} included, must load and work there (it needs that module only for an
 * {@code HttpResponse}). A package of its own, so that it runs from the class path beside the core module.
 */
public final class NoHttpProbe {

    private NoHttpProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (ModuleLayer.boot().findModule("java.net.http").isPresent()) {
            throw new AssertionError("java.net.http is in the module graph: the probe proves nothing");
        }
        if (!"dev.fluxgate".equals(RetryAfter.class.getModule().getName())) {
            throw new AssertionError("the core is not a named module here: " + RetryAfter.class.getModule());
        }
        InstantSource clock = InstantSource.fixed(Instant.parse("1994-11-06T08:49:07Z"));
        Duration date = RetryAfter.parse("Sun, 06 Nov 1994 08:49:37 GMT", clock).orElseThrow();
        Duration seconds = RetryAfter.of(429, "5", clock).orElseThrow();
        RetryDelay http = RetryAfter.httpResponse(); // built, not run on a response

        CircuitBreaker cb = CircuitBreaker.builder("probe").tripper(Tripper.failureStreak(1)).ticker(() -> 0L)
                .cooldown(Cooldown.fixed(Duration.ofSeconds(60)).withDelayFrom(http.orElse(
                        RetryDelay.onFailure(IllegalStateException.class, e -> Optional.of(Duration.ofSeconds(9)))),
                        Duration.ofMinutes(1)))
                .build();
        try {
            cb.run(() -> {
                throw new IllegalStateException("trip");
            });
        } catch (IllegalStateException expected) {
            // tripped
        }
        Duration open;
        try {
            cb.run(() -> { });
            throw new AssertionError("not open");
        } catch (CallNotPermittedException rejected) {
            open = rejected.retryAfter().orElseThrow();
        }
        long[] slept = new long[1];
        String result = Retry.builder("probe").maxAttempts(2).delayFrom(http.orElse(RetryDelay.rejectionRetryAfter()))
                .backoff(Backoff.constant(Duration.ofMillis(100))).retryOnResult("again"::equals)
                .sleeper(n -> slept[0] += n).build()
                .call(new java.util.concurrent.Callable<String>() {
                    private int calls;

                    @Override
                    public String call() {
                        return calls++ == 0 ? "again" : "done";
                    }
                });
        System.out.println("date=" + date + " seconds=" + seconds + " open=" + open + " result=" + result
                + " slept=" + slept[0]);
    }
}
