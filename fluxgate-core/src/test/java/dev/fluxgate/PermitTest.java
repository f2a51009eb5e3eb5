package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PermitTest {

    @Test
    void rampUpGrowsLinearlyFromInitialToTarget() {
        Permit p = Permit.rampUp(0.1, 1.0, Duration.ofSeconds(60));
        assertThat(p.share(0)).isEqualTo(0.1);
        assertThat(p.share(Duration.ofSeconds(30).toNanos())).isCloseTo(0.55, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(p.share(Duration.ofSeconds(60).toNanos())).isEqualTo(1.0);
        assertThat(p.share(Duration.ofHours(1).toNanos())).isEqualTo(1.0);
    }

    @Test
    void randomAdmitsAboutItsShare() {
        SplittableRandom random = new SplittableRandom(11);
        Permit p = Permit.random(0.25);
        int admitted = 0;
        for (int i = 0; i < 10_000; i++) {
            if (p.admits(0, random)) {
                admitted++;
            }
        }
        assertThat(admitted).isBetween(2_300, 2_700);
        assertThat(Permit.all().admits(0, random)).isTrue();
    }

    @Test
    void badArgumentsNameTheParameterAndRange() {
        assertThatThrownBy(() -> Permit.random(1.5)).hasMessageContaining("permit ratio must be in (0, 1]");
        assertThatThrownBy(() -> Permit.random(0)).as("a permit that admits no probe could never close the breaker")
                .hasMessageContaining("permit ratio must be in (0, 1], was 0.0");
        assertThatThrownBy(() -> Permit.random(Double.NaN)).hasMessageContaining("permit ratio");
        assertThatThrownBy(() -> Permit.rampUp(0.5, 0.2, Duration.ofSeconds(1)))
                .hasMessageContaining("rampUp target must be in [initial, 1]");
        assertThatThrownBy(() -> Permit.rampUp(0.1, 1, Duration.ZERO)).hasMessageContaining("rampUp over");
    }
}
