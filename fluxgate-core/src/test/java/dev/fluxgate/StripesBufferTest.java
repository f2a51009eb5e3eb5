package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.internal.Stripes;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The striped success buffers: counts per cell, generation tags, saturation, and drains that lose nothing. */
class StripesBufferTest {

    private static final long GEN1 = 1L << Stripes.COUNT_BITS;
    private static final long GEN2 = 2L << Stripes.COUNT_BITS;

    private static Map<Long, Integer> drain(Stripes s) {
        Map<Long, Integer> out = new HashMap<>();
        s.drain((gen, count) -> out.merge(gen, count, Integer::sum));
        return out;
    }

    @Test
    void stripeCountsArePowersOfTwoSizedForTheMachine() {
        int n = Stripes.forThisMachine();
        assertThat(Integer.bitCount(n)).isEqualTo(1);
        int cpus = Runtime.getRuntime().availableProcessors();
        // Twice the processors rounded up to a power of two, capped at 64.
        assertThat(n).isBetween(2, 64).isGreaterThanOrEqualTo(Math.min(64, 2 * cpus));
        if (cpus < 32) {
            assertThat(n).isLessThan(Math.max(4, 4 * cpus));
        }
        assertThatThrownBy(() -> new Stripes(3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("power of two");
    }

    @Test
    void addsCountPerCellAndDrainsEverything() {
        Stripes s = new Stripes(4);
        assertThat(s.add(GEN1, 7)).isEqualTo(1);
        assertThat(s.add(GEN1, 7)).isEqualTo(2);
        assertThat(s.add(GEN1, 7)).isEqualTo(3);
        int total = 3;
        for (int h = 0; h < 1000; h++) {
            if (s.add(GEN1, h) > 0) {
                total++;
            }
        }
        assertThat(drain(s)).containsExactly(Map.entry(GEN1, total));
        assertThat(drain(s)).as("a drain empties the cells").isEmpty();
        assertThat(s.add(GEN1, 7)).as("counts start again after a drain").isEqualTo(1);
    }

    @Test
    void aCellHoldingAnotherGenerationRefusesTheAdd() {
        Stripes s = new Stripes(2);
        assertThat(s.add(GEN1, 42)).isEqualTo(1);
        assertThat(s.add(GEN2, 42)).as("same cell, other generation").isEqualTo(-1);
        // Generation tags travel with the counts.
        Stripes t = new Stripes(64);
        int gen1 = 0;
        int gen2 = 0;
        for (int h = 0; h < 64; h++) {
            if (t.add((h & 1) == 0 ? GEN1 : GEN2, h * 0x9E3779B9) > 0) {
                if ((h & 1) == 0) {
                    gen1++;
                } else {
                    gen2++;
                }
            }
        }
        Map<Long, Integer> drained = drain(t);
        assertThat(drained.getOrDefault(GEN1, 0)).isEqualTo(gen1);
        assertThat(drained.getOrDefault(GEN2, 0)).isEqualTo(gen2);
        assertThat(gen1 + gen2).as("most adds find a cell").isGreaterThan(32);
    }

    @Test
    void generationZeroIsAValidTagAndDifferentThreadsSpreadOverCells() {
        Stripes s = new Stripes(64);
        int counted = 0;
        for (int h = 0; h < 64; h++) {
            int c = s.add(0L, h);
            assertThat(c).isPositive();
            counted++;
        }
        Map<Long, Integer> drained = drain(s);
        assertThat(drained).containsExactly(Map.entry(0L, counted));
        // 64 different hashes into 64 cells: the spread puts them in more than a handful of cells.
        int[] cells = {0};
        Stripes u = new Stripes(64);
        for (int h = 0; h < 64; h++) {
            u.add(GEN1, h);
        }
        u.drain((gen, count) -> cells[0]++);
        assertThat(cells[0]).isGreaterThan(16);
    }

    @Test
    void aFullCellRefusesFurtherAdds() {
        Stripes s = new Stripes(2);
        int last = 0;
        for (long i = 0; i < Stripes.COUNT_MASK; i++) {
            last = s.add(GEN1, 5);
        }
        assertThat(last).isEqualTo((int) Stripes.COUNT_MASK);
        assertThat(s.add(GEN1, 5)).as("saturated").isEqualTo(-1);
        assertThat(drain(s)).containsExactly(Map.entry(GEN1, (int) Stripes.COUNT_MASK));
    }
}
