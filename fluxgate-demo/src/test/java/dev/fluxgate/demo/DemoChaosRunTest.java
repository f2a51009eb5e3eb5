package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.State;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A short real run with {@code --chaos}: injected exceptions alone open the breaker, and the console and
 * the report say chaos is on. Asserts on counts with wide margins, never on timing.
 */
class DemoChaosRunTest {

    @TempDir
    Path dir;

    @Test
    void injectedExceptionsOpenTheBreakerAndTheConsoleAndReportSaySo() throws Exception {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        Cli.Options options = Cli.parse("--duration", "5s", "--chaos", "0.9", "--quiet",
                "--out", dir.resolve("out").toString());
        DemoRun run = new DemoRun(options, new PrintStream(console, true, StandardCharsets.UTF_8), false);
        Thread thread = new Thread(() -> {
            try {
                run.run();
            } catch (Exception e) {
                // run() also fails finished(), where the test sees it
            }
        }, "demo-chaos");
        thread.start();
        DemoRun.Result result = run.finished().get(5, TimeUnit.MINUTES);
        thread.join(30_000);

        // The breaker needs 20 calls in its window before it may open, 90% of attempts are injected, and once
        // open it keeps most attempts from reaching the injector: tens of injections, not hundreds.
        assertThat(result.chaosInjected()).isGreaterThanOrEqualTo(10);
        assertThat(result.summary().statesReached()).as("the injected failures alone open the breaker")
                .contains(State.OPEN);
        String out = console.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("chaos      ON", "Chaos was ON: " + result.chaosInjected() + " injected exceptions");
        String html = Files.readString(result.report());
        assertThat(html).contains("Chaos is ON (--chaos 0.9)");
    }
}
