package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.nohttp.NoHttpProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The core declares {@code requires static java.net.http}: an application without that module (a
 * jlinked image, say) must still load the core and {@link RetryAfter}. Runs {@link NoHttpProbe} in a
 * child JVM whose module graph is limited to what the core needs otherwise.
 */
class CoreWithoutJavaNetHttpTest {

    @Test
    void theCoreAndRetryAfterWorkWithoutTheJavaNetHttpModule() throws Exception {
        Path core = Path.of(RetryAfter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(NoHttpProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(core.resolve("module-info.class")).as("the core's classes, as a module").exists();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--limit-modules", "java.base,jdk.jfr",
                "--module-path", core.toString(), "--add-modules", "dev.fluxgate",
                "-cp", tests.toString(), NoHttpProbe.class.getName()))
                .redirectErrorStream(true).start();
        boolean exited = p.waitFor(120, TimeUnit.SECONDS); // a JVM start on a loaded machine: a generous bound
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!exited) {
            p.destroyForcibly();
        }

        assertThat(exited).as("the probe finished").isTrue();
        assertThat(p.exitValue()).as("exit status; output:%n%s", out).isZero();
        assertThat(out).as("a response-reading delay on a non-response result: no warning, no NoClassDefFoundError")
                .isEqualTo("date=PT30S seconds=PT5S open=PT9S result=done slept=100000000" + System.lineSeparator());
    }
}
