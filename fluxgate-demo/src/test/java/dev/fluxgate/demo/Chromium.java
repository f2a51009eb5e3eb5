package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Debian Chromium for the page tests. Missing locally, the tests are skipped with a
 * message; missing in CI ({@code CI=true}), they fail: {@code .ci/install-chromium.sh} installs it.
 */
final class Chromium {

    static final Path BINARY = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

    private Chromium() {
    }

    /** Skips the calling test (fails it in CI) when Chromium is missing. */
    static void require() {
        if (Files.isExecutable(BINARY)) {
            return;
        }
        String message = BINARY + " is missing: install Debian's chromium (bash .ci/install-chromium.sh)"
                + " to run the headless page tests";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }

    /** The DOM of {@code url} after its scripts ran, as Chromium serializes it. */
    static String dumpDom(String url, Path profile) throws IOException, InterruptedException {
        Path out = Files.createTempFile(profile.getParent(), "dom", ".html");
        run(profile, out, "--dump-dom", url);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Takes a screenshot of {@code url} into {@code png}. */
    static void screenshot(String url, Path png, int width, int height, Path profile)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(profile.getParent(), "shot", ".log");
        run(profile, log, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", url);
    }

    private static void run(Path profile, Path stdout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile.toAbsolutePath(),
                // The dashboard keeps an event stream open, which stalls --virtual-time-budget (it waits for
                // network fetches to settle); --timeout lets the page run its scripts, then dumps it anyway.
                "--timeout=5000"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("chromium did not finish within 90 s: " + command);
        }
    }
}
