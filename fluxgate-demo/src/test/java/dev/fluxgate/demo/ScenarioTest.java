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
                    .containsExactly("healthy", "outage", "partial recovery", "healthy again", "capacity drop",
                            "slow tail", "traffic spike");
            assertThat(phases.get(0).start()).isEqualTo(Duration.ZERO);
            assertThat(phases.get(6).end()).isEqualTo(d);
            for (int i = 1; i < phases.size(); i++) {
                assertThat(phases.get(i).start()).isEqualTo(phases.get(i - 1).end());
            }
            assertThat(phases.get(1).start()).isEqualTo(Duration.ofMillis(d.toMillis() * 125 / 1000));
            Scenario.Phase drop = s.phase(Scenario.CAPACITY_DROP);
            assertThat(drop.end().minus(drop.start())).as("the capacity drop has an eighth of the run")
                    .isEqualTo(Duration.ofMillis(d.toMillis() / 8));
            assertThat(drop.healthy()).isTrue();
            assertThat(phases.get(3).start()).as("the partial recovery keeps a fifth of the run")
                    .isEqualTo(phases.get(2).start().plus(Duration.ofMillis(d.toMillis() / 5)));
        }
    }

    @Test
    void theOutageMostlyFailsOrHangsAndHealthyPhasesMostlySucceed() {
        Scenario s = Scenario.standard(Duration.ofSeconds(60), 40, 42);
        int[] bad = new int[7];
        int[] all = new int[7];
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
        assertThat((double) bad[4] / all[4]).isLessThan(0.05);
        assertThat((double) bad[5] / all[5]).isLessThan(0.05);
        assertThat((double) bad[6] / all[6]).isLessThan(0.05);
    }

    @Test
    void inTheSlowTailExactlyEveryTenthCallIsSlowAndSucceedsAndItsRetriesAndHedgesAreFast() {
        for (long seed : new long[] {1, 42, 7_777}) {
            Scenario s = Scenario.standard(Duration.ofSeconds(10), 40, seed);
            Scenario.Phase tail = s.phase(Scenario.SLOW_TAIL);
            int inPhase = 0;
            int slow = 0;
            for (int i = 0; i < s.calls(); i++) {
                if (!s.phaseOf(i).equals(tail)) {
                    assertThat(s.latencyMillis(i)).isLessThan(Scenario.SLOW_MILLIS);
                    continue;
                }
                boolean expectSlow = inPhase % 10 == 5;
                inPhase++;
                if (expectSlow) {
                    slow++;
                    assertThat(s.fault(i)).isEqualTo(Scenario.Fault.OK);
                    assertThat(s.latencyMillis(i)).isEqualTo(Scenario.SLOW_MILLIS);
                } else {
                    assertThat(s.latencyMillis(i)).isLessThanOrEqualTo(tail.maxLatencyMillis());
                }
                for (int attempt = 1; attempt <= 3; attempt++) {
                    assertThat(s.latencyMillis(i, attempt)).isLessThanOrEqualTo(tail.maxLatencyMillis());
                }
            }
            assertThat(inPhase).isEqualTo(40); // 1 s at 40 calls a second
            assertThat(slow).isEqualTo(4);    // more than 1%: the p99 of the phase is a slow call
        }
    }

    @Test
    void theTrafficSpikeTriplesTheLoadAgainstAQuotaOfOneAndAHalfTimesTheRate() {
        Scenario s = Scenario.standard(Duration.ofSeconds(10), 40, 42);
        Scenario.Phase spike = s.phase(Scenario.TRAFFIC_SPIKE);
        assertThat(spike.load()).isEqualTo(3);
        assertThat(spike.quota()).isEqualTo(60);
        assertThat(s.phases()).filteredOn(p -> !p.equals(spike)).allSatisfy(p -> {
            assertThat(p.load()).isEqualTo(1);
            assertThat(p.quota()).isZero();
        });
        int first = -1;
        int n = 0;
        for (int i = 0; i < s.calls(); i++) {
            if (s.phaseOf(i).equals(spike)) {
                first = first < 0 ? i : first;
                n++;
            }
        }
        assertThat(n).isEqualTo(120); // 1 s at 120 calls a second
        assertThat(first + n).isEqualTo(s.calls());
        assertThat(s.scheduledAt(first)).isEqualTo(spike.start());
        assertThat(s.scheduledAt(first + 12).minus(s.scheduledAt(first))).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void callsAreScheduledEvenlyAtTheRateAndBelongToThePhaseOfTheirMoment() {
        Scenario s = Scenario.standard(Duration.ofSeconds(10), 40, 42);
        assertThat(s.calls()).isEqualTo(9_000 * 40 / 1000 + 1_000 * 120 / 1000); // 3x the rate in the spike
        assertThat(s.scheduledAt(0)).isEqualTo(Duration.ZERO);
        assertThat(s.scheduledAt(40)).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.scheduledAt(49)).isEqualTo(Duration.ofMillis(1225));
        assertThat(s.phaseOf(49).name()).isEqualTo("healthy");
        assertThat(s.phaseOf(50).name()).isEqualTo("outage");
        assertThat(s.phaseAt(Duration.ofSeconds(99)).name()).isEqualTo("traffic spike"); // the last phase
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
