package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioTest {

    @Test
    void theSameSeedPlansTheSameFaultsAndAnotherSeedOthers() {
        Scenario a = Scenario.standard(Duration.ofSeconds(30), 40, 42);
        Scenario b = Scenario.standard(Duration.ofSeconds(30), 40, 42);
        Scenario c = Scenario.standard(Duration.ofSeconds(30), 40, 43);
        boolean differs = false;
        for (int i = 0; i < a.calls(); i++) {
            assertThat(b.fault(i)).isEqualTo(a.fault(i));
            assertThat(b.latencyMillis(i)).isEqualTo(a.latencyMillis(i));
            differs |= c.fault(i) != a.fault(i);
        }
        assertThat(differs).isTrue();
    }

    @Test
    void aRetryIsAFreshTryWithItsPhasesChancesAndTheSameForEveryRunWithTheSeed() {
        Scenario a = Scenario.standard(Duration.ofSeconds(60), 40, 42);
        Scenario b = Scenario.standard(Duration.ofSeconds(60), 40, 42);
        int outageRetriesFailed = 0;
        int outageRetries = 0;
        int healthyRetriesFailed = 0;
        for (int i = 0; i < a.calls(); i++) {
            assertThat(a.fault(i, 0)).isEqualTo(a.fault(i));
            assertThat(a.fault(i, 1)).isEqualTo(b.fault(i, 1));
            assertThat(a.latencyMillis(i, 1)).isEqualTo(b.latencyMillis(i, 1))
                    .isBetween(1, a.phaseOf(i).maxLatencyMillis());
            if (a.phaseOf(i).name().equals("outage")) {
                outageRetries++;
                outageRetriesFailed += a.fault(i, 1) == Scenario.Fault.OK ? 0 : 1;
            } else if (a.phaseOf(i).healthy()) {
                healthyRetriesFailed += a.fault(i, 1) == Scenario.Fault.OK ? 0 : 1;
            }
        }
        assertThat((double) outageRetriesFailed / outageRetries).isGreaterThan(0.8);
        assertThat(healthyRetriesFailed).isLessThan(40);
    }

    @Test
    void phasesCoverTheWholeRunInOrderAndScaleWithIt() {
        for (Duration d : List.of(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMinutes(5))) {
            Scenario s = Scenario.standard(d, 40, 1);
            List<Scenario.Phase> phases = s.phases();
            assertThat(phases).extracting(Scenario.Phase::name)
                    .containsExactly("healthy", "outage", "partial recovery", "healthy again");
            assertThat(phases.get(0).start()).isEqualTo(Duration.ZERO);
            assertThat(phases.get(3).end()).isEqualTo(d);
            for (int i = 1; i < phases.size(); i++) {
                assertThat(phases.get(i).start()).isEqualTo(phases.get(i - 1).end());
            }
            assertThat(phases.get(1).start()).isEqualTo(Duration.ofMillis(d.toMillis() / 5));
        }
    }

    @Test
    void theOutageMostlyFailsOrHangsAndHealthyPhasesMostlySucceed() {
        Scenario s = Scenario.standard(Duration.ofSeconds(60), 40, 42);
        int[] bad = new int[4];
        int[] all = new int[4];
        for (int i = 0; i < s.calls(); i++) {
            int p = s.phases().indexOf(s.phaseOf(i));
            all[p]++;
            if (s.fault(i) != Scenario.Fault.OK) {
                bad[p]++;
            }
        }
        assertThat((double) bad[0] / all[0]).isLessThan(0.05);
        assertThat((double) bad[1] / all[1]).isGreaterThan(0.8);
        assertThat((double) bad[2] / all[2]).isBetween(0.1, 0.45);
        assertThat((double) bad[3] / all[3]).isLessThan(0.05);
    }

    @Test
    void callsAreScheduledEvenlyAtTheRateAndBelongToThePhaseOfTheirMoment() {
        Scenario s = Scenario.standard(Duration.ofSeconds(10), 40, 42);
        assertThat(s.calls()).isEqualTo(400);
        assertThat(s.scheduledAt(0)).isEqualTo(Duration.ZERO);
        assertThat(s.scheduledAt(40)).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.scheduledAt(79)).isEqualTo(Duration.ofMillis(1975));
        assertThat(s.phaseOf(79).name()).isEqualTo("healthy");
        assertThat(s.phaseOf(80).name()).isEqualTo("outage");
        assertThat(s.phaseAt(Duration.ofSeconds(99)).name()).isEqualTo("healthy again");
    }

    @Test
    void hangsOutliveTheClientTimeoutButNotAShortRun() {
        assertThat(Scenario.standard(Duration.ofSeconds(60), 40, 1).hang()).isEqualTo(Duration.ofSeconds(2));
        assertThat(Scenario.standard(Duration.ofSeconds(10), 40, 1).hang()).isEqualTo(Duration.ofMillis(666));
        assertThat(Scenario.standard(Duration.ofSeconds(5), 40, 1).hang()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void outOfRangeArgumentsAreRejectedNamingTheParameter() {
        assertThatThrownBy(() -> Scenario.standard(Duration.ofSeconds(1), 40, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        assertThatThrownBy(() -> Scenario.standard(Duration.ofSeconds(10), 0, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rate");
    }
}
