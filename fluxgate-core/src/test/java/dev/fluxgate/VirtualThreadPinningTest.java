package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The breaker, bulkhead and retry under thousands of virtual threads (JDK 21+; the core compiles for
 * 17, so virtual threads are reached by reflection and the test is skipped on older JDKs), with a JFR
 * recording of {@code jdk.VirtualThreadPinned} (threshold zero, with stack traces) running throughout.
 *
 * <p>What it proves: every outcome is counted exactly (no lost or doubled record under virtual
 * threads), and no pinning event has a Fluxgate frame on its stack. On JDK 21-23 a virtual thread
 * pins when it blocks inside {@code synchronized}; Fluxgate has none (its lock is a spin lock that
 * never parks; the bulkhead parks on a {@code Semaphore}, retries sleep with {@code Thread.sleep}).
 * On JDK 24+ (JEP 491) {@code synchronized} no longer pins, so there the check covers only the
 * remaining causes (blocking under a native frame or in a class initializer). Loading a class pins
 * briefly on every JDK, once per JVM, so the recorded round follows a warm-up round. A control run
 * proves the recording sees pinning where the JDK still produces it.
 */
class VirtualThreadPinningTest {

    private static final int THREADS = 2_000;
    private static final int CALLS_PER_THREAD = 50;

    static ExecutorService virtualThreads() {
        Assumptions.assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
        try {
            return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError("newVirtualThreadPerTaskExecutor", e);
        }
    }

    @Test
    void thousandsOfVirtualThreadsCountEveryOutcomeAndNeverPinInFluxgate() throws Exception {
        ExecutorService vts = virtualThreads();
        try (Recording recording = pinningRecording()) {
            // A first round loads every class the contended paths use: loading a class pins a virtual
            // thread briefly on any JDK (a native frame), once per JVM, whoever's class it is. The
            // recorded round is the steady state.
            workload(vts, THREADS / 10);
            recording.start();
            workload(vts, THREADS);
            recording.stop();
            List<String> pinnedInFluxgate = pinnedFrames(recording, "dev.fluxgate.", "Test");
            assertThat(pinnedInFluxgate).as("jdk.VirtualThreadPinned events with a Fluxgate frame").isEmpty();
        } finally {
            vts.shutdownNow(); // ExecutorService is AutoCloseable only from JDK 19
        }
    }

    private static void workload(ExecutorService vts, int threads) throws Exception {
        {
            AtomicLong now = new AtomicLong();
            CircuitBreaker cb = CircuitBreaker.builder("vt")
                    .window(Window.count(100))
                    .tracker(Tracker.typeOf(IOException.class))
                    .tripper(Tripper.minRequests(100).and(Tripper.failureRate(0.9)))
                    .ticker(now::get)
                    .build();
            Bulkhead bulkhead = Bulkhead.builder("vt").maxConcurrentCalls(8).maxWait(Duration.ofSeconds(30)).build();
            Retry retry = Retry.builder("vt").maxAttempts(2).backoff(Backoff.constant(Duration.ofMillis(1))).build();
            LongAdder successes = new LongAdder();
            LongAdder failures = new LongAdder();
            LongAdder ignored = new LongAdder();
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(vts.submit(() -> {
                    start.await();
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        int kind = (id + i) % 10;
                        try {
                            if (kind == 0) {
                                cb.call(() -> {
                                    throw new IOException("tracked");
                                });
                            } else if (kind == 1) {
                                cb.run(() -> {
                                    throw new IllegalStateException("untracked");
                                });
                            } else if (kind == 2) {
                                bulkhead.call(() -> cb.call(() -> {
                                    Thread.sleep(0, 1000); // parks inside the bulkhead slot
                                    return "ok";
                                }));
                                successes.increment();
                            } else if (kind == 3) {
                                cb.callAsync(() -> CompletableFuture.supplyAsync(() -> "async")).join();
                                successes.increment();
                            } else if (kind == 4) {
                                cb.metrics();
                                cb.get(() -> "ok");
                                successes.increment();
                            } else {
                                cb.get(() -> "ok");
                                successes.increment();
                            }
                        } catch (IOException e) {
                            failures.increment();
                        } catch (IllegalStateException e) {
                            ignored.increment();
                        }
                    }
                    if (id % 100 == 0) {
                        retry.call(() -> "retried");
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }

            Metrics m = cb.metrics();
            assertThat(cb.state()).isEqualTo(State.CLOSED);
            assertThat(m.successfulCalls()).isEqualTo(successes.sum());
            assertThat(m.failedCalls()).isEqualTo(failures.sum());
            assertThat(m.ignoredCalls()).isEqualTo(ignored.sum());
            assertThat(m.successfulCalls() + m.failedCalls() + m.ignoredCalls())
                    .isEqualTo((long) threads * CALLS_PER_THREAD);
            assertThat(m.calls()).isEqualTo(100);
            assertThat(bulkhead.availablePermits()).isEqualTo(8);

        }
    }

    /** Blocks in a class initializer: a virtual thread pins there on every JDK so far. */
    static final class SlowInit {
        static final long LOADED;

        static {
            try {
                Thread.sleep(30);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LOADED = System.nanoTime();
        }
    }

    private static final Object MONITOR = new Object();

    @Test
    void theRecordingSeesPinningWhereTheJdkStillPins() throws Exception {
        ExecutorService vts = virtualThreads();
        try (Recording recording = pinningRecording()) {
            recording.start();
            vts.submit(() -> SlowInit.LOADED).get(30, TimeUnit.SECONDS);
            vts.submit(() -> {
                synchronized (MONITOR) { // pins on JDK 21-23 only
                    Thread.sleep(30);
                }
                return null;
            }).get(30, TimeUnit.SECONDS);
            recording.stop();
            List<String> frames = pinnedFrames(recording, "dev.fluxgate.VirtualThreadPinningTest", "\0");
            Assumptions.assumeFalse(frames.isEmpty(),
                    "this JDK (" + Runtime.version() + ") pinned neither in <clinit> nor in synchronized");
            assertThat(frames).anyMatch(f -> f.contains("VirtualThreadPinningTest"));
        } finally {
            vts.shutdownNow();
        }
    }

    private static Recording pinningRecording() {
        Recording r = new Recording();
        r.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
        return r;
    }

    /** Stacks of the pinning events with a frame whose class starts with {@code prefix} and does not end with {@code notSuffix}. */
    private static List<String> pinnedFrames(Recording recording, String prefix, String notSuffix) throws IOException {
        Path file = Files.createTempFile("fluxgate-pinning", ".jfr");
        try {
            recording.dump(file);
            List<String> hits = new ArrayList<>();
            for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
                if (!e.getEventType().getName().equals("jdk.VirtualThreadPinned") || e.getStackTrace() == null) {
                    continue;
                }
                boolean ours = false;
                StringBuilder stack = new StringBuilder("pinned " + e.getDuration() + ":");
                for (RecordedFrame f : e.getStackTrace().getFrames()) {
                    String cls = f.getMethod().getType().getName();
                    stack.append("\n    at ").append(cls).append('.').append(f.getMethod().getName())
                            .append(':').append(f.getLineNumber());
                    ours |= cls.startsWith(prefix) && !cls.endsWith(notSuffix) && !cls.contains(notSuffix + "$");
                }
                if (ours) {
                    hits.add(stack.toString());
                }
            }
            return hits;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
