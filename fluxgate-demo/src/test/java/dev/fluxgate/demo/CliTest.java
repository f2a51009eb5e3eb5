package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Window;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CliTest {

    @Test
    void noArgumentsGiveTheDocumentedDefaults() throws Exception {
        Cli.Options o = Cli.parse();
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.seed()).isEqualTo(42);
        assertThat(o.rate()).isEqualTo(40);
        assertThat(o.out()).isEqualTo(Path.of("target", "fluxgate-demo"));
        assertThat(o.serve()).isFalse();
        assertThat(o.trace()).isNull();
        assertThat(o.breaker().cooldown()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.breaker().window()).isEqualTo(Window.time(Duration.ofSeconds(2)));
        assertThat(o.breaker().minCalls()).isEqualTo(20);
        assertThat(o.breaker().failureRate()).isEqualTo(0.5);
        assertThat(o.breaker().probes()).isEqualTo(5);
        assertThat(o.chaos()).as("fault injection is off unless asked for").isZero();
    }

    @Test
    void chaosTakesAShareOfCallsAndRejectsOneOutsideZeroToOne() throws Exception {
        assertThat(Cli.parse("--chaos=0.3").chaos()).isEqualTo(0.3);
        assertThat(Cli.parse("--chaos", "1").chaos()).isEqualTo(1.0);
        assertThatThrownBy(() -> Cli.parse("--chaos", "0")).isInstanceOf(Cli.UsageException.class)
                .hasMessageContaining("--chaos must be in (0, 1]");
        assertThatThrownBy(() -> Cli.parse("--chaos", "1.5")).hasMessageContaining("--chaos");
        assertThatThrownBy(() -> Cli.parse("--chaos")).hasMessageContaining("option --chaos needs a value");
        assertThat(Cli.USAGE).contains("--chaos R");
    }

    @Test
    void optionsTakeTheirValueAfterASpaceOrAnEqualsSign() throws Exception {
        Cli.Options o = Cli.parse("--duration", "2m", "--seed=7", "--rate", "25", "--serve", "--port=8099",
                "--window", "50", "--min-calls=10", "--failure-rate", "0.3", "--cooldown", "1500ms", "--probes", "3");
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.seed()).isEqualTo(7);
        assertThat(o.rate()).isEqualTo(25);
        assertThat(o.serve()).isTrue();
        assertThat(o.port()).isEqualTo(8099);
        assertThat(o.breaker().window()).isEqualTo(Window.count(50));
        assertThat(o.breaker().minCalls()).isEqualTo(10);
        assertThat(o.breaker().failureRate()).isEqualTo(0.3);
        assertThat(o.breaker().cooldown()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.breaker().probes()).isEqualTo(3);
    }

    @Test
    void theDefaultWindowAndCooldownScaleWithTheDuration() throws Exception {
        assertThat(Cli.parse("--duration", "10").breaker().cooldown()).isEqualTo(Duration.ofMillis(500));
        assertThat(Cli.parse("--duration", "10").breaker().window()).isEqualTo(Window.time(Duration.ofSeconds(1)));
        assertThat(Cli.parse("--duration", "90s").breaker().cooldown()).isEqualTo(Duration.ofSeconds(3));
        assertThat(Cli.parse("--duration", "30m").breaker().cooldown()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void durationsReadMillisSecondsMinutesAndBareNumbersAsSeconds() throws Exception {
        assertThat(Cli.duration("--x", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Cli.duration("--x", "1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Cli.duration("--x", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Cli.duration("--x", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Cli.duration("--x", "90")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void durationsAreReadByTheCoresParserSoCompoundAndIsoFormsWorkToo() throws Exception {
        assertThat(Cli.duration("--x", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Cli.duration("--x", "PT45S")).isEqualTo(Duration.ofSeconds(45));
        assertThat(Cli.parse("--cooldown", "0.25s").breaker().describe().get("cooldown"))
                .isEqualTo("fixed 0.25s with 20% jitter"); // and shown by the core's formatter
        assertThatThrownBy(() -> Cli.duration("--cooldown", "0.5ms")).isInstanceOf(Cli.UsageException.class)
                .hasMessage("--cooldown must be from 1ms to 24h, was '0.5ms'");
        assertThatThrownBy(() -> Cli.duration("--cooldown", "30s1m")).isInstanceOf(Cli.UsageException.class)
                .hasMessage("--cooldown expects a duration such as 500ms, 10s or 2m, was '30s1m'");
    }

    @Test
    void badValuesAreRejectedWithAMessageNamingTheOption() {
        assertThatThrownBy(() -> Cli.parse("--duration", "fast"))
                .isInstanceOf(Cli.UsageException.class).hasMessageContaining("--duration").hasMessageContaining("fast");
        assertThatThrownBy(() -> Cli.parse("--duration", "2s"))
                .isInstanceOf(Cli.UsageException.class).hasMessageContaining("from 5s to 30m");
        assertThatThrownBy(() -> Cli.parse("--seed", "x"))
                .isInstanceOf(Cli.UsageException.class).hasMessageContaining("--seed expects a whole number");
        assertThatThrownBy(() -> Cli.parse("--failure-rate", "1.5"))
                .isInstanceOf(Cli.UsageException.class).hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> Cli.parse("--rate", "0"))
                .isInstanceOf(Cli.UsageException.class).hasMessageContaining("--rate must be from 1 to 1000");
        assertThatThrownBy(() -> Cli.parse("--trace", "/no/such/file.csv"))
                .isInstanceOf(Cli.UsageException.class).hasMessageContaining("cannot read /no/such/file.csv");
    }

    @Test
    void unknownOptionsAndMissingValuesAreRejected() {
        assertThatThrownBy(() -> Cli.parse("--fast")).isInstanceOf(Cli.UsageException.class)
                .hasMessage("unknown option --fast");
        assertThatThrownBy(() -> Cli.parse("--frobnicate", "3")).isInstanceOf(Cli.UsageException.class)
                .hasMessage("unknown option --frobnicate");
        assertThatThrownBy(() -> Cli.parse("--seed")).isInstanceOf(Cli.UsageException.class)
                .hasMessage("option --seed needs a value");
    }

    @Test
    void aBadOptionExitsWithCode2AndAClearMessage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--duration", "soon");
        assertThat(code).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("fluxgate-demo: --duration expects a duration such as 500ms, 10s or 2m, was 'soon'")
                .contains("--help");
    }

    @Test
    void anImpossibleBreakerConfigurationExitsWithCode2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), "--window", "10", "--min-calls", "20");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("minRequests");
    }

    @Test
    void helpPrintsTheUsageAndExitsWith0() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Demo.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), "--help");
        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage:").contains("--duration").contains("--seed")
                .contains("--trace").contains("--serve");
    }
}
