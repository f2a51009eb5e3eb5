package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ListenerArrayTest {

    private static ListenerArray<String> of(String... initial) {
        return new ListenerArray<>(new String[0], List.of(initial));
    }

    @Test
    void startsWithTheInitialListenersInOrderAndAddsAfterThem() {
        ListenerArray<String> ls = of("a", "b");
        ls.add("c");
        assertThat(ls.snapshot()).containsExactly("a", "b", "c");
        assertThat(ls.isEmpty()).isFalse();
    }

    @Test
    void keepsDuplicatesAndRemovesOnlyTheFirstOccurrence() {
        ListenerArray<String> ls = of("a", "b");
        ls.add("a");
        assertThat(ls.snapshot()).containsExactly("a", "b", "a");
        assertThat(ls.remove("a")).isTrue();
        assertThat(ls.snapshot()).containsExactly("b", "a");
        assertThat(ls.remove("a")).isTrue();
        assertThat(ls.remove("a")).isFalse();
        assertThat(ls.snapshot()).containsExactly("b");
    }

    @Test
    void removesByEqualityFromAnyPosition() {
        ListenerArray<String> ls = of("a", "b", "c");
        assertThat(ls.remove(new String("b"))).isTrue(); // equal, not the same object
        assertThat(ls.snapshot()).containsExactly("a", "c");
        assertThat(ls.remove("c")).isTrue();
        assertThat(ls.snapshot()).containsExactly("a");
        assertThat(ls.remove("x")).isFalse();
        assertThat(ls.snapshot()).containsExactly("a");
    }

    @Test
    void aSnapshotTakenBeforeAChangeStaysAsItWas() {
        ListenerArray<String> ls = of("a", "b");
        String[] before = ls.snapshot();
        ls.add("c");
        ls.remove("a");
        ls.clear();
        assertThat(before).containsExactly("a", "b");
        assertThat(ls.snapshot()).isEmpty();
        assertThat(ls.isEmpty()).isTrue();
    }

    @Test
    void readingAllocatesNothingNewTheSameArrayComesBackUntilAChange() {
        ListenerArray<String> ls = of("a");
        assertThat(ls.snapshot()).isSameAs(ls.snapshot());
        assertThat(ls.remove("x")).isFalse();
        String[] kept = ls.snapshot();
        assertThat(ls.snapshot()).isSameAs(kept);
    }

    @Test
    void clearThenAddStartsAfresh() {
        ListenerArray<String> ls = of("a", "b");
        ls.clear();
        ls.add("c");
        assertThat(ls.snapshot()).containsExactly("c");
    }

    @Test
    void rejectsANullListenerAndAnEmptyArrayThatIsNotEmpty() {
        ListenerArray<String> ls = of();
        assertThatThrownBy(() -> ls.add(null))
                .isInstanceOf(NullPointerException.class).hasMessage("listener");
        assertThat(ls.snapshot()).isEmpty();
        assertThatThrownBy(() -> new ListenerArray<>(new String[1], List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    }

    /**
     * Many threads add their own listeners and remove every other one, all starting at once; readers
     * iterate meanwhile. Nothing is lost or kept twice, each thread's listeners stay in the order added,
     * and a reader never sees a null. Repeated, so that the compare-and-set retries are exercised.
     */
    @Test
    void concurrentAddsAndRemovesLoseNothingAndKeepEachThreadsOrder() throws Exception {
        int writers = 8;
        int perWriter = 200;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        try {
            for (int run = 0; run < 20; run++) {
                ListenerArray<String> ls = of("initial");
                CountDownLatch start = new CountDownLatch(1);
                CountDownLatch writersDone = new CountDownLatch(writers);
                AtomicInteger nullsSeen = new AtomicInteger();
                List<Future<?>> futures = new ArrayList<>();
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    futures.add(pool.submit(() -> {
                        start.await();
                        try {
                            for (int i = 0; i < perWriter; i++) {
                                ls.add(writer + ":" + i);
                                if (i % 2 == 1) {
                                    assertThat(ls.remove(writer + ":" + (i - 1))).isTrue();
                                }
                            }
                        } finally {
                            writersDone.countDown();
                        }
                        return null;
                    }));
                }
                for (int r = 0; r < 2; r++) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        while (writersDone.getCount() > 0) {
                            for (String l : ls.snapshot()) {
                                if (l == null) {
                                    nullsSeen.incrementAndGet();
                                }
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }

                List<String> expected = new ArrayList<>();
                expected.add("initial");
                String[] now = ls.snapshot();
                assertThat(now).hasSize(1 + writers * perWriter / 2);
                assertThat(now[0]).isEqualTo("initial");
                for (int w = 0; w < writers; w++) {
                    List<String> own = new ArrayList<>();
                    for (String l : now) {
                        if (l.startsWith(w + ":")) {
                            own.add(l);
                        }
                    }
                    List<String> odd = new ArrayList<>();
                    for (int i = 1; i < perWriter; i += 2) {
                        odd.add(w + ":" + i);
                    }
                    assertThat(own).as("run %d, writer %d", run, w).containsExactlyElementsOf(odd);
                    expected.addAll(odd);
                }
                assertThat(now).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(nullsSeen).hasValue(0);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Two threads removing the one occurrence of a listener at once: exactly one of them removes it. */
    @Test
    void concurrentRemovesOfOneOccurrenceSucceedExactlyOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int run = 0; run < 200; run++) {
                ListenerArray<String> ls = of("a", "b", "c");
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Boolean>> removals = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    removals.add(pool.submit(() -> {
                        start.await();
                        return ls.remove("b");
                    }));
                }
                start.countDown();
                int removed = 0;
                for (Future<Boolean> f : removals) {
                    if (f.get(60, TimeUnit.SECONDS)) {
                        removed++;
                    }
                }
                assertThat(removed).as("run %d", run).isEqualTo(1);
                assertThat(ls.snapshot()).containsExactly("a", "c");
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
