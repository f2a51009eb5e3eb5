package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.BulkheadFullException;
import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.RateLimitedException;
import dev.fluxgate.State;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void classifiesAnswersAndErrorsAsTheCallerSeesThem() {
        assertThat(LoadGenerator.classify(200, null)).isEqualTo(RunRecorder.Outcome.SUCCESS);
        assertThat(LoadGenerator.classify(404, null)).isEqualTo(RunRecorder.Outcome.FAILURE);
        assertThat(LoadGenerator.classify(503, null)).isEqualTo(RunRecorder.Outcome.FAILURE);
        assertThat(LoadGenerator.classify(null, new CompletionException(
                new CallNotPermittedException("inventory", State.OPEN, Duration.ofSeconds(1)))))
                .isEqualTo(RunRecorder.Outcome.REJECTED);
        assertThat(LoadGenerator.classify(null, new BulkheadFullException("inventory", "full")))
                .isEqualTo(RunRecorder.Outcome.REJECTED);
        assertThat(LoadGenerator.classify(null, new CompletionException(
                new RateLimitedException("inventory", 1, Duration.ofMillis(20)))))
                .isEqualTo(RunRecorder.Outcome.REJECTED);
        assertThat(LoadGenerator.classify(429, null)).isEqualTo(RunRecorder.Outcome.FAILURE);
        assertThat(LoadGenerator.classify(null, new CompletionException(new TimeoutException())))
                .isEqualTo(RunRecorder.Outcome.TIMEOUT);
        assertThat(LoadGenerator.classify(null, new HttpTimeoutException("slow")))
                .isEqualTo(RunRecorder.Outcome.TIMEOUT);
        assertThat(LoadGenerator.classify(null, new IOException("reset"))).isEqualTo(RunRecorder.Outcome.FAILURE);
    }

    @Test
    void sendsEveryCallOnceAndRecordsEveryOutcome() throws Exception {
        Scenario scenario = Scenario.standard(Duration.ofSeconds(5), 40, 1);
        RunRecorder recorder = new RunRecorder("run", 1_000_000_000L, false);
        boolean[] sent = new boolean[scenario.calls()];
        // Calls are answered at once; the origin lies in the past, so every call is already due.
        LoadGenerator load = new LoadGenerator(scenario, i -> {
            sent[i] = true;
            return i % 10 == 0 ? CompletableFuture.failedFuture(new IOException("down"))
                    : CompletableFuture.completedFuture(200);
        }, recorder, System.nanoTime() - Duration.ofSeconds(10).toNanos());
        load.run();
        assertThat(load.awaitCompletion(Duration.ofSeconds(5))).isTrue();
        assertThat(sent).doesNotContain(false);
        int failures = (scenario.calls() + 9) / 10; // calls 0, 10, 20, ...
        assertThat(recorder.count(RunRecorder.Outcome.SUCCESS)).isEqualTo(scenario.calls() - failures);
        assertThat(recorder.count(RunRecorder.Outcome.FAILURE)).isEqualTo(failures);
        assertThat(recorder.inFlight()).isZero();
    }
}
