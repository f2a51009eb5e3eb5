package dev.fluxgate.demo;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Durations;
import dev.fluxgate.Permit;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The breaker configuration the demo and the trace replay use, from the command line or the
 * defaults. The defaults scale with the run: a 60 s demo waits 2 s in OPEN, a 10 s one 0.5 s.
 *
 * @param window the sliding window
 * @param minCalls calls the window needs before it may trip
 * @param failureRate the failure rate that opens the breaker (and reopens it from half-open)
 * @param cooldown how long OPEN waits before probing (with 20% jitter)
 * @param probes half-open probes per period at most; the breaker closes once enough of them succeed that
 *        their failure rate stays under {@code failureRate} ({@link #successesToClose()})
 */
public record BreakerSettings(Window window, int minCalls, double failureRate, Duration cooldown, int probes) {

    /**
     * Validates the settings.
     *
     * @param window the sliding window
     * @param minCalls calls the window needs before it may trip, at least 1
     * @param failureRate the failure rate that opens the breaker, in (0, 1]
     * @param cooldown how long OPEN waits before probing, positive
     * @param probes half-open probes per period at most, at least 1
     */
    public BreakerSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(cooldown, "cooldown");
        if (minCalls < 1) {
            throw new IllegalArgumentException("minCalls must be >= 1, was " + minCalls);
        }
        if (!(failureRate > 0 && failureRate <= 1)) {
            throw new IllegalArgumentException("failureRate must be in (0, 1], was " + failureRate);
        }
        if (probes < 1) {
            throw new IllegalArgumentException("probes must be >= 1, was " + probes);
        }
    }

    /**
     * The defaults for a demo run of {@code duration}: a window and a cooldown of duration / 30.
     *
     * @param duration the length of the demo run
     * @return the default settings for that run
     */
    public static BreakerSettings defaults(Duration duration) {
        Duration thirtieth = duration.dividedBy(30);
        Duration window = clamp(thirtieth, Duration.ofSeconds(1), Duration.ofSeconds(10));
        Duration cooldown = clamp(thirtieth, Duration.ofMillis(500), Duration.ofSeconds(10));
        return new BreakerSettings(Window.time(window), 20, 0.5, cooldown, 5);
    }

    private static Duration clamp(Duration d, Duration min, Duration max) {
        return d.compareTo(min) < 0 ? min : d.compareTo(max) > 0 ? max : d;
    }

    /**
     * The tripper: in CLOSED, at least {@code minCalls} calls and a failure rate of at least
     * {@code failureRate}; in HALF_OPEN, the same rate over at least {@code probes} probes.
     *
     * @return the tripper for these settings
     */
    public Tripper tripper() {
        int halfOpenMin = window.isCount() ? Math.min(probes, window.size()) : probes;
        return Tripper.closed().and(Tripper.minRequests(minCalls)).and(Tripper.failureRate(failureRate))
                .or(Tripper.halfOpened().and(Tripper.minRequests(halfOpenMin)).and(Tripper.failureRate(failureRate)));
    }

    /**
     * A builder configured with these settings; the caller adds ticker, random and listeners.
     *
     * @param name the breaker's name
     * @return a builder with window, tripper, cooldown and probes set
     */
    public CircuitBreaker.Builder builder(String name) {
        return CircuitBreaker.builder(name)
                .window(window)
                .tripper(tripper())
                .failureOnResult(r -> r instanceof HttpResponse<?> response && response.statusCode() >= 500)
                .cooldown(Cooldown.fixed(cooldown).withJitter(0.2))
                .permit(Permit.all())
                .maxHalfOpenCalls(probes)
                .closeAfterSuccesses(successesToClose())
                .halfOpenTimeout(cooldown.multipliedBy(2));
    }

    /**
     * The successful probes that close the breaker: as many as keep the probes' failure rate under
     * {@code failureRate} whatever the rest do (3 of 5 at 50%), the same rule the breaker opens by. Requiring
     * every probe to succeed would keep it open through a partial recovery whose failure rate is well
     * under the threshold (at 25% failures, 5 of 5 succeed only one period in four).
     *
     * @return at least 1, at most {@code probes}
     */
    public int successesToClose() {
        return Math.max(1, probes - (int) Math.floor(probes * failureRate));
    }

    /**
     * The settings in words, for the console and the report.
     *
     * @return option names and values, in a fixed order
     */
    public Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("window", window.isCount() ? "the last " + window.size() + " calls"
                : "the calls of the last " + Durations.format(window.span()));
        m.put("tripper", tripper().toString());
        m.put("cooldown", "fixed " + Durations.format(cooldown) + " with 20% jitter");
        m.put("half-open", "at most " + probes + " probes per period, " + successesToClose() + " successes close it");
        return m;
    }
}
