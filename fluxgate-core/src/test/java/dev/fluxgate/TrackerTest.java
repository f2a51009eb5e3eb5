package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class TrackerTest {

    @Test
    void allTracksEveryThrowableIncludingErrors() {
        assertThat(Tracker.all().tracks(new RuntimeException())).isTrue();
        assertThat(Tracker.all().tracks(new OutOfMemoryError())).isTrue();
        assertThat(Tracker.none().tracks(new RuntimeException())).isFalse();
    }

    @Test
    void typeOfMatchesSubclassesOfAnyGivenType() {
        Tracker t = Tracker.typeOf(IOException.class, TimeoutException.class);
        assertThat(t.tracks(new FileNotFoundException())).isTrue();
        assertThat(t.tracks(new TimeoutException())).isTrue();
        assertThat(t.tracks(new IllegalStateException())).isFalse();
        assertThat(t).hasToString("typeOf(IOException, TimeoutException)");
    }

    @Test
    void andWithNotExcludesASubtype() {
        Tracker t = Tracker.typeOf(IOException.class).and(Tracker.not(Tracker.typeOf(FileNotFoundException.class)));
        assertThat(t.tracks(new IOException())).isTrue();
        assertThat(t.tracks(new FileNotFoundException())).isFalse();
        assertThat(t).hasToString("(typeOf(IOException) and not(typeOf(FileNotFoundException)))");
    }

    @Test
    void orTracksWhenEitherSideDoes() {
        Tracker t = Tracker.typeOf(IOException.class).or(e -> e instanceof UncheckedIOException);
        assertThat(t.tracks(new UncheckedIOException(new IOException()))).isTrue();
        assertThat(t.tracks(new IOException())).isTrue();
        assertThat(t.tracks(new IllegalArgumentException())).isFalse();
    }

    @Test
    void negateTwiceIsTheOriginal() {
        Tracker t = Tracker.typeOf(IOException.class);
        assertThat(t.negate().negate()).isSameAs(t);
        assertThat(t.negate().tracks(new IOException())).isFalse();
    }

    @Test
    void typeOfRejectsNoTypesAndNulls() {
        assertThatThrownBy(() -> Tracker.typeOf()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("types");
        assertThatThrownBy(() -> Tracker.typeOf(IOException.class, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("types[1]");
        assertThatThrownBy(() -> Tracker.all().and(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("other");
    }
}
