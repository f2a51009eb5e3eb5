package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void formatsCompactlyAndExactlyInNanosecondsBelowAMillisecond() {
        assertThat(Durations.format(Duration.ofSeconds(10))).isEqualTo("10s");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("0.25s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofDays(2))).isEqualTo("48h");
        assertThat(Durations.format(Duration.ofMillis(3_600_500))).isEqualTo("1h0.5s");
        assertThat(Durations.format(Duration.ofMillis(1))).isEqualTo("0.001s");
        assertThat(Durations.format(Duration.ofNanos(1_999_999))).as("exact: parse reads back the same duration").isEqualTo("0.001999999s");
        assertThat(Durations.format(Duration.ofNanos(500))).isEqualTo("500ns");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Durations.format(Duration.ofSeconds(-90))).isEqualTo("-1m30s");
        assertThat(Durations.format(Duration.ofNanos(-1))).isEqualTo("-1ns");
    }

    @Test
    void theRulesDescribeTheirDurationsWithIt() {
        assertThat(Cooldown.fixed(Duration.ofMinutes(1))).hasToString("fixed(1m)");
        assertThat(Window.time(Duration.ofMinutes(1), Duration.ofMillis(250))).hasToString("time(1m, 0.25s)");
        assertThat(Tripper.avgLatency(Duration.ofNanos(500))).hasToString("avgLatency(500ns)");
    }

    @Test
    void parsesUnitsCompoundsAndIso8601() {
        assertThat(Durations.parse("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(Durations.parse("60s")).isEqualTo(Duration.ofSeconds(60));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse(" 1m 30s ")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("250 MS")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("10us")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(Durations.parse("10µs")).isEqualTo(Duration.ofNanos(10_000));
        assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
        assertThat(Durations.parse("-2s")).isEqualTo(Duration.ofSeconds(-2));
        assertThat(Durations.parse("PT1S")).isEqualTo(Duration.ofSeconds(1));
        assertThat(Durations.parse("pt0.25s")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("-PT2S")).isEqualTo(Duration.ofSeconds(-2));
        assertThat(Durations.parse("P1DT1H")).isEqualTo(Duration.ofHours(25));
    }

    @Test
    void readsBackWhatItWrites() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 10_000; i++) {
            Duration d = switch (i % 3) {
                case 0 -> Duration.ofMillis(random.nextLong(0, 10L * 86_400_000));
                case 1 -> Duration.ofNanos(random.nextLong(0, 1_000_000));
                default -> Duration.ofMillis(-random.nextLong(0, 86_400_000));
            };
            assertThat(Durations.parse(Durations.format(d))).as(Durations.format(d)).isEqualTo(d);
        }
        Duration min = Duration.ofSeconds(Long.MIN_VALUE);
        assertThat(Durations.parse(Durations.format(min))).isEqualTo(min);
        Duration max = Duration.ofSeconds(Long.MAX_VALUE, 999_000_000);
        assertThat(Durations.parse(Durations.format(max))).isEqualTo(max);
    }

    @Test
    void rejectsOtherTextNamingItAndTheAcceptedForms() {
        for (String text : new String[] {"", "   ", "fast", "10", "1x", "s", ".s", "1..5s", "30s1m", "1s1s", "1ms2s",
            "5s s", "--5s", "- 5s", "PT", "PTfoo", "1 h 2"}) {
            assertThatThrownBy(() -> Durations.parse(text)).as(text)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("expected a duration such as 300ms, 1.5s, 5m, 1h, 1m30s or ISO-8601 PT1S, was '"
                            + text + "'");
        }
        assertThatThrownBy(() -> Durations.parse("0.5ns")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duration must be a whole number of nanoseconds, was '0.5ns'");
        assertThatThrownBy(() -> Durations.parse("99999999999999999999d")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duration is too long for java.time.Duration, was '99999999999999999999d'");
        assertThatNullPointerException().isThrownBy(() -> Durations.parse(null)).withMessage("text");
        assertThatNullPointerException().isThrownBy(() -> Durations.format(null)).withMessage("duration");
    }
}
