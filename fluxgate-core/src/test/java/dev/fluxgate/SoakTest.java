package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The soak run: 100 million calls (default; {@code -Dfluxgate.soak.calls=N} for another size) from
 * several threads through two breakers (a count window on the allocation-free path, and a timed time
 * window), with tracked failures, ignored errors, async calls, metric reads and periodic resets.
 * It checks that the heap used after a full GC does not grow between the first checkpoint and the
 * end, and that no outcome drifts: every call issued is in exactly one lifetime counter, and the
 * window holds what its size says.
 *
 * <p>Tagged {@code soak}, so the default build skips it; run it with
 * {@code mvn -B -pl fluxgate-core test -Psoak}. Figures go to standard output and RELIABILITY.md.
 */
@Tag("soak")
class SoakTest {

    private static final long CALLS = Long.getLong("fluxgate.soak.calls", 100_000_000L);
    private static final int THREADS = Integer.getInteger("fluxgate.soak.threads", 4);
    private static final int CHECKPOINTS = 10;

    @Test
    void hundredMillionCallsLeaveNoHeapGrowthAndNoDriftInCounts() throws Exception {
        CircuitBreaker counted = CircuitBreaker.builder("soak-count")
                .window(Window.count(100))
                .tracker(Tracker.typeOf(IOException.class))
                .tripper(Tripper.minRequests(100).and(Tripper.failureRate(0.5)))
                .build();
        CircuitBreaker timed = CircuitBreaker.builder("soak-time")
                .window(Window.time(Duration.ofSeconds(1), Duration.ofMillis(100)))
                .tracker(Tracker.typeOf(IOException.class))
                .tripper(Tripper.failureStreak(1_000_000).or(Tripper.slowRate(1.0, Duration.ofSeconds(10))))
                .build();
        CircuitBreaker[] breakers = {counted, timed};
        LongAdder[] issued = {new LongAdder(), new LongAdder()};
        LongAdder[] failures = {new LongAdder(), new LongAdder()};
        LongAdder[] ignored = {new LongAdder(), new LongAdder()};
        IOException tracked = new IOException("tracked");
        IllegalStateException untracked = new IllegalStateException("untracked");

        long perCheckpoint = CALLS / CHECKPOINTS / THREADS;
        List<Long> heapAfterGc = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long started = System.nanoTime();
        try {
            for (int cp = 1; cp <= CHECKPOINTS; cp++) {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        go.await();
                        long x = thread * 0x9E3779B97F4A7C15L + System.nanoTime();
                        for (long i = 0; i < perCheckpoint; i++) {
                            x ^= x << 13;
                            x ^= x >>> 7;
                            x ^= x << 17;
                            int which = (i & 7) == 7 ? 1 : 0; // one call in eight on the timed breaker
                            CircuitBreaker cb = breakers[which];
                            int r = (int) ((x >>> 33) % 1000);
                            issued[which].increment();
                            try {
                                if (r < 90) {
                                    cb.run(() -> {
                                        throw sneaky(tracked);
                                    });
                                } else if (r < 100) {
                                    cb.run(() -> {
                                        throw untracked;
                                    });
                                } else if (r < 102) {
                                    cb.callAsync(() -> CompletableFuture.completedFuture("async")).join();
                                } else if (r == 102 && (i & 0xFFFF) == 0) {
                                    cb.metrics();
                                    cb.get(() -> "read");
                                } else {
                                    cb.get(() -> "ok");
                                }
                            } catch (IllegalStateException e) {
                                ignored[which].increment();
                            } catch (RuntimeException e) {
                                if (e.getCause() == tracked || e == (Object) tracked) {
                                    failures[which].increment();
                                } else {
                                    throw e;
                                }
                            } catch (Exception e) {
                                failures[which].increment();
                            }
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(1, TimeUnit.HOURS);
                }
                if (cp % 3 == 0) {
                    counted.reset(); // a new generation now and then: late outcomes must stay exact too
                }
                long heap = usedHeapAfterGc();
                heapAfterGc.add(heap);
                double seconds = (System.nanoTime() - started) / 1e9;
                long total = issued[0].sum() + issued[1].sum();
                String line = String.format(Locale.ROOT, "checkpoint %2d: %,d calls, %.1f s, %,.0f calls/s, heap after GC %,d KiB",
                        cp, total, seconds, total / seconds, heap / 1024);
                System.out.println(line);
                for (int b = 0; b < 2; b++) {
                    Metrics m = breakers[b].metrics();
                    assertThat(m.successfulCalls() + m.failedCalls() + m.ignoredCalls())
                            .as("no drift in " + breakers[b].name()).isEqualTo(issued[b].sum());
                    assertThat(m.failedCalls()).isEqualTo(failures[b].sum());
                    assertThat(m.ignoredCalls()).isEqualTo(ignored[b].sum());
                    assertThat(m.rejectedCalls()).isZero();
                    assertThat(breakers[b].state()).isEqualTo(State.CLOSED);
                }
                if (cp % 3 != 0) {
                    assertThat(counted.metrics().calls()).as("a count window holds its size").isEqualTo(100);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        long growth = heapAfterGc.get(heapAfterGc.size() - 1) - heapAfterGc.get(0);
        String summary = String.format(Locale.ROOT, "soak: %,d calls on %d threads in %.1f s; heap after GC %,d KiB -> %,d KiB"
                + " (growth %,d KiB); counted %s, timed %s", issued[0].sum() + issued[1].sum(), THREADS,
                (System.nanoTime() - started) / 1e9, heapAfterGc.get(0) / 1024,
                heapAfterGc.get(heapAfterGc.size() - 1) / 1024, growth / 1024, counted.metrics(), timed.metrics());
        System.out.println(summary);
        assertThat(growth).as("heap growth after GC, first to last checkpoint").isLessThan(8L * 1024 * 1024);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }

}
