package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Listeners added and removed after build on the policies whose listener arrays are public API
 * (Chaos, AdaptiveBulkhead): added after the builder's, in order; a listener added twice hears twice;
 * remove drops the first occurrence; removeAll drops the builder's too; one that throws is logged and
 * the others still hear.
 */
class ListenersAfterBuildTest {

    private final List<String> heard = new CopyOnWriteArrayList<>();

    /** A listener of both kinds that writes its name; equal by name. */
    private record Named(List<String> heard, String name) implements Chaos.Listener, AdaptiveBulkheadListener {
        @Override
        public void onInjected(Chaos chaos, Chaos.Kind kind) {
            heard.add(name);
        }

        @Override
        public void onRejected(AdaptiveBulkhead bulkhead, int limit) {
            heard.add(name);
        }
    }

    private Named named(String name) {
        return new Named(heard, name);
    }

    private static final Named THROWING = new Named(List.of(), "throws"); // List.of() is immutable: add throws

    @Test
    void chaosListenersAddedAfterBuildKeepOrderDuplicatesAndFirstOccurrenceRemoval() {
        Chaos chaos = Chaos.builder("after").latency(1.0, Duration.ofMillis(1)).listener(named("builder")).build();
        chaos.enable();
        chaos.addListener(THROWING);
        chaos.addListener(named("a"));
        chaos.addListener(named("b"));
        chaos.addListener(named("a"));
        chaos.nextFault();
        assertThat(heard).containsExactly("builder", "a", "b", "a");

        heard.clear();
        assertThat(chaos.removeListener(named("a"))).isTrue();
        chaos.nextFault();
        assertThat(heard).containsExactly("builder", "b", "a");

        heard.clear();
        chaos.removeAllListeners();
        chaos.nextFault();
        assertThat(heard).isEmpty();
        assertThat(chaos.removeListener(named("b"))).isFalse();
        assertThatThrownBy(() -> chaos.addListener(null)).isInstanceOf(NullPointerException.class).hasMessage("listener");
    }

    @Test
    void adaptiveBulkheadListenersAddedAfterBuildKeepOrderDuplicatesAndFirstOccurrenceRemoval() throws Exception {
        AdaptiveBulkhead b = AdaptiveBulkhead.builder("after").algorithm(AdaptiveBulkhead.Algorithm.AIMD)
                .limits(1, 1, 2).queueSize(0).listener(named("builder")).build();
        CompletableFuture<String> hold = new CompletableFuture<>();
        b.callAsync(() -> hold); // the one slot is taken: every call now is rejected
        b.addListener(THROWING);
        b.addListener(named("a"));
        b.addListener(named("b"));
        b.addListener(named("a"));
        assertThatThrownBy(() -> b.call(() -> "x")).isInstanceOf(BulkheadFullException.class);
        assertThat(heard).containsExactly("builder", "a", "b", "a");

        heard.clear();
        assertThat(b.removeListener(named("a"))).isTrue();
        assertThatThrownBy(() -> b.call(() -> "x")).isInstanceOf(BulkheadFullException.class);
        assertThat(heard).containsExactly("builder", "b", "a");

        heard.clear();
        b.removeAllListeners();
        assertThatThrownBy(() -> b.call(() -> "x")).isInstanceOf(BulkheadFullException.class);
        assertThat(heard).isEmpty();
        assertThat(b.removeListener(named("b"))).isFalse();
        hold.complete("done");
        assertThat(b.inFlight()).isZero();
    }
}
