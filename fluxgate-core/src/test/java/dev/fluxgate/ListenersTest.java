package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

class ListenersTest {

    private final TestTicker ticker = new TestTicker();

    private CircuitBreaker breaker(String name, Listener listener) {
        return CircuitBreaker.builder(name)
                .window(Window.count(10))
                .tripper(Tripper.failureStreak(2))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(5)))
                .permit(Permit.all())
                .ticker(ticker)
                .listener(listener)
                .build();
    }

    private static void fail(CircuitBreaker cb) {
        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);
    }

    /** A System.Logger that keeps what it is given. */
    static final class CapturingLogger implements System.Logger {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final Level threshold;

        CapturingLogger(Level threshold) {
            this.threshold = threshold;
        }

        @Override
        public String getName() {
            return "capture";
        }

        @Override
        public boolean isLoggable(Level level) {
            return level.getSeverity() >= threshold.getSeverity();
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                lines.add(level + " " + msg);
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                lines.add(level + " " + (params == null ? format : MessageFormat.format(format, params)));
            }
        }
    }

    @Test
    void loggingWarnsOnOpenAndForcedOpenAndInformsOnTheRest() {
        CapturingLogger logger = new CapturingLogger(System.Logger.Level.ALL);
        CircuitBreaker cb = breaker("payments", Listeners.logging(logger));
        fail(cb);
        fail(cb);
        ticker.advance(Duration.ofSeconds(5));
        cb.run(() -> { }); // probe: HALF_OPEN, then CLOSED
        cb.forceOpen();
        cb.reset();

        assertThat(logger.lines).hasSize(5);
        assertThat(logger.lines.get(0)).startsWith("WARNING CircuitBreaker 'payments' CLOSED -> OPEN")
                .contains("failureStreak");
        assertThat(logger.lines.get(1)).startsWith("INFO CircuitBreaker 'payments' OPEN -> HALF_OPEN")
                .contains("cooldown");
        assertThat(logger.lines.get(2)).startsWith("INFO CircuitBreaker 'payments' HALF_OPEN -> CLOSED")
                .contains("closeAfterSuccesses");
        assertThat(logger.lines.get(3)).startsWith("WARNING CircuitBreaker 'payments' CLOSED -> FORCED_OPEN")
                .contains("forceOpen()");
        assertThat(logger.lines.get(4)).startsWith("INFO CircuitBreaker 'payments' FORCED_OPEN -> CLOSED");
    }

    @Test
    void loggingRespectsTheLoggersLevel() {
        CapturingLogger logger = new CapturingLogger(System.Logger.Level.WARNING);
        CircuitBreaker cb = breaker("quiet", Listeners.logging(logger));
        cb.forceOpen();
        cb.reset();
        assertThat(logger.lines).singleElement().asString().startsWith("WARNING");
    }

    @Test
    void loggingOnTheDefaultLoggerDoesNotThrow() {
        CircuitBreaker cb = breaker("default-logger", Listeners.logging());
        cb.forceOpen();
        assertThat(cb.state()).isEqualTo(State.FORCED_OPEN);
        assertThat(Listeners.logging().toString()).contains("dev.fluxgate.CircuitBreaker");
    }

    @Test
    void jfrRecordsTransitionsAndRejections() throws IOException {
        Path file = Files.createTempFile("fluxgate", ".jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.fluxgate.CircuitBreakerTransition");
            recording.enable("dev.fluxgate.CircuitBreakerRejection");
            recording.start();

            CircuitBreaker cb = breaker("inventory", Listeners.jfr());
            cb.run(() -> { });
            ticker.advance(Duration.ofSeconds(2));
            fail(cb);
            fail(cb);
            assertThatThrownBy(() -> cb.run(() -> { })).isInstanceOf(CallNotPermittedException.class);
            cb.forceOpen();
            assertThatThrownBy(() -> cb.run(() -> { })).isInstanceOf(CallNotPermittedException.class);

            recording.stop();
            recording.dump(file);
            List<RecordedEvent> events = RecordingFile.readAllEvents(file);
            List<RecordedEvent> transitions = ofType(events, "dev.fluxgate.CircuitBreakerTransition");
            List<RecordedEvent> rejections = ofType(events, "dev.fluxgate.CircuitBreakerRejection");

            assertThat(transitions).hasSize(2);
            RecordedEvent trip = transitions.get(0);
            assertThat(trip.getString("breakerName")).isEqualTo("inventory");
            assertThat(trip.getString("from")).isEqualTo("CLOSED");
            assertThat(trip.getString("to")).isEqualTo("OPEN");
            assertThat(trip.getString("reason")).contains("failureStreak");
            assertThat(trip.getInt("calls")).isEqualTo(3);
            assertThat(trip.getInt("failures")).isEqualTo(2);
            assertThat(trip.getDouble("failureRate")).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(trip.getDuration("timeInPreviousState")).isEqualTo(Duration.ofSeconds(2));
            assertThat(transitions.get(1).getString("to")).isEqualTo("FORCED_OPEN");

            assertThat(rejections).extracting(e -> e.getString("state")).containsExactly("OPEN", "FORCED_OPEN");
            assertThat(rejections).allSatisfy(e -> assertThat(e.getString("breakerName")).isEqualTo("inventory"));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void jfrCostsNothingVisibleWithoutARecording() {
        CircuitBreaker cb = breaker("no-recording", Listeners.jfr());
        fail(cb);
        fail(cb);
        assertThatThrownBy(() -> cb.run(() -> { })).isInstanceOf(CallNotPermittedException.class);
        assertThat(cb.state()).isEqualTo(State.OPEN);
        assertThat(Listeners.jfr()).isSameAs(Listeners.jfr()).hasToString("Listeners.jfr()");
    }

    private static List<RecordedEvent> ofType(List<RecordedEvent> events, String type) {
        return events.stream().filter(e -> e.getEventType().getName().equals(type))
                .sorted(java.util.Comparator.comparing(RecordedEvent::getStartTime))
                .collect(Collectors.toList());
    }
}
