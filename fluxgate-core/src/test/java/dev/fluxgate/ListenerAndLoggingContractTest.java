package dev.fluxgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Listener management and the breaker's promise to log what it swallows: listeners are added and
 * removed exactly, each per-call event reaches a listener that overrides only it (with the measured
 * duration), and every fault the breaker absorbs (a throwing listener, tracker or predicate, an
 * expired lease) is logged as a warning naming the breaker. Also the registry's small contract.
 */
class ListenerAndLoggingContractTest {

    private static final Logger LOG = Logger.getLogger(CircuitBreaker.class.getName());
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private Level saved;
    private boolean savedParent;

    @BeforeEach
    void captureLogs() {
        saved = LOG.getLevel();
        savedParent = LOG.getUseParentHandlers();
        LOG.setLevel(Level.ALL);
        LOG.setUseParentHandlers(false);
        LOG.addHandler(capture);
    }

    @AfterEach
    void restoreLogs() {
        LOG.removeHandler(capture);
        LOG.setLevel(saved);
        LOG.setUseParentHandlers(savedParent);
    }

    private final AtomicLong now = new AtomicLong();

    private CircuitBreaker.Builder builder() {
        return CircuitBreaker.builder("contract").window(Window.count(10)).tripper(Tripper.failureStreak(2))
                .tracker(Tracker.typeOf(IOException.class)).ticker(now::get);
    }

    private List<String> warnings() {
        return logged.stream().filter(r -> Level.WARNING.equals(r.getLevel()))
                .map(r -> r.getParameters() == null ? r.getMessage() : java.text.MessageFormat.format(r.getMessage(), r.getParameters()))
                .toList();
    }

    @Test
    void listenersAreRemovedExactlyAndReportWhetherTheyWerePresent() {
        List<String> heard = new ArrayList<>();
        Listener a = t -> heard.add("a");
        Listener b = t -> heard.add("b");
        Listener c = t -> heard.add("c");
        CircuitBreaker cb = builder().listener(a).build();
        cb.addListener(b);
        cb.addListener(c);
        assertThat(cb.removeListener(b)).isTrue();
        assertThat(cb.removeListener(b)).as("already gone").isFalse();
        assertThat(cb.removeListener(t -> { })).isFalse();
        cb.forceOpen();
        assertThat(heard).containsExactly("a", "c");
        assertThat(cb.removeListener(a)).isTrue();
        assertThat(cb.removeListener(c)).isTrue();
        cb.reset();
        assertThat(heard).containsExactly("a", "c");
    }

    @Test
    void eachPerCallEventReachesAListenerThatOverridesOnlyIt() throws Exception {
        List<String> events = new ArrayList<>();
        CircuitBreaker cb = builder().tripper(Tripper.failureStreak(100)).build();
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onFailure(CircuitBreaker breaker, long d, Throwable f) {
                events.add("failure " + d);
            }
        });
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onIgnored(CircuitBreaker breaker, long d, Throwable e) {
                events.add("ignored " + d);
            }
        });
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onRejected(CircuitBreaker breaker, State s) {
                events.add("rejected " + s);
            }
        });
        cb.addListener(new Listener() {
            @Override
            public void onTransition(Transition t) {
            }

            @Override
            public void onSuccess(CircuitBreaker breaker, long d) {
                events.add("success " + d);
            }
        });
        // Durations are measured for listeners even though no rule needs them.
        cb.get(() -> now.addAndGet(5));
        assertThatThrownBy(() -> cb.call(() -> {
            now.addAndGet(7);
            throw new IOException("x");
        })).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> cb.run(() -> {
            now.addAndGet(3);
            throw new IllegalStateException("y");
        })).isInstanceOf(IllegalStateException.class);
        cb.callAsync(() -> {
            now.addAndGet(11);
            return CompletableFuture.completedFuture("z");
        }).join();
        cb.forceOpen();
        assertThatThrownBy(() -> cb.get(() -> "no")).isInstanceOf(CallNotPermittedException.class);
        assertThat(events).containsExactly("success 5", "failure 7", "ignored 3", "success 11", "rejected FORCED_OPEN");
        assertThat(cb.toString()).isEqualTo("CircuitBreaker[contract, FORCED_OPEN]");
        assertThat(cb.ticker().read()).isEqualTo(now.get());
    }

    @Test
    void anAsyncFailureWrappedInACompletionExceptionIsJudgedByItsCause() {
        CircuitBreaker cb = builder().build();
        IOException cause = new IOException("wrapped");
        CompletableFuture<String> f = cb.callAsync(() -> CompletableFuture.failedFuture(new CompletionException(cause)));
        assertThatThrownBy(f::join).hasCause(cause);
        assertThat(cb.metrics().failedCalls()).as("tracked by its IOException cause").isEqualTo(1);
    }

    @Test
    void everyFaultTheBreakerAbsorbsIsLoggedAsAWarningNamingTheBreaker() throws Exception {
        CircuitBreaker cb = builder().tracker(e -> {
            if (e instanceof IllegalArgumentException) {
                throw new IllegalStateException("tracker bug");
            }
            return e instanceof IOException;
        }).failureOnResult(r -> {
            if ("poison".equals(r)) {
                throw new IllegalStateException("predicate bug");
            }
            return false;
        }).listener(t -> {
            throw new IllegalStateException("listener bug");
        }).tripper(Tripper.failureStreak(2)).cooldown(Cooldown.none()).permit(Permit.all()).maxHalfOpenCalls(1)
                .halfOpenTimeout(Duration.ofSeconds(1)).build();

        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalArgumentException("odd");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(warnings()).anyMatch(w -> w.contains("'contract'") && w.contains("tracker"));

        logged.clear();
        assertThat(cb.get(() -> "poison")).isEqualTo("poison"); // second failure in a row: trips
        assertThat(warnings()).anyMatch(w -> w.contains("'contract'") && w.contains("failureOnResult"));
        assertThat(warnings()).anyMatch(w -> w.contains("'contract'") && w.contains("listener"));
        // It opened; with no cooldown, reading the state already finds it recovering.
        assertThat(cb.state()).isEqualTo(State.HALF_OPEN);

        logged.clear();
        long hung = cb.acquirePermission(); // this probe hangs
        now.addAndGet(Duration.ofSeconds(1).toNanos());
        long fresh = cb.acquirePermission(); // every slot held longer than the timeout: leases expire
        assertThat(warnings()).anyMatch(w -> w.contains("'contract'") && w.contains("expired"));
        cb.releasePermission(fresh);
        cb.releasePermission(hung);
    }

    @Test
    void theRegistryFindsListsCountsAndForgets() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(builder());
        List<String> added = new ArrayList<>();
        Registry.EntryListener<CircuitBreaker> entries = new Registry.EntryListener<CircuitBreaker>() {
            @Override
            public void onAdded(CircuitBreaker b) {
                added.add(b.name());
            }
        };
        registry.addEntryListener(entries);
        registry.get("b");
        registry.get("a");
        assertThat(registry.size()).isEqualTo(2);
        assertThat(registry.find("a")).get().extracting(CircuitBreaker::name).isEqualTo("a");
        assertThat(registry.find("zzz")).isEmpty();
        assertThat(registry.all()).extracting(CircuitBreaker::name).containsExactly("a", "b");
        assertThat(added).containsExactly("b", "a");
        assertThat(registry.removeEntryListener(entries)).isTrue();
        assertThat(registry.removeEntryListener(entries)).isFalse();
        registry.get("c");
        assertThat(added).containsExactly("b", "a");
        assertThat(registry.defaultConfiguration()).containsEntry("tripper", "failureStreak(2)");
    }

    @Test
    void aRegistryEntryListenerThatThrowsIsLoggedAndIgnored() {
        Logger registryLog = Logger.getLogger(CircuitBreakerRegistry.class.getName());
        registryLog.addHandler(capture);
        Level before = registryLog.getLevel();
        registryLog.setLevel(Level.ALL);
        try {
            CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
            registry.addEntryListener(new Registry.EntryListener<CircuitBreaker>() {
                @Override
                public void onAdded(CircuitBreaker b) {
                    throw new IllegalStateException("bind failed");
                }

                @Override
                public void onRemoved(CircuitBreaker b) {
                    throw new IllegalStateException("unbind failed");
                }
            });
            assertThat(registry.get("x").name()).isEqualTo("x");
            assertThat(registry.remove("x")).isPresent();
            assertThat(warnings()).anyMatch(w -> w.contains("add")).anyMatch(w -> w.contains("remove"));
        } finally {
            registryLog.removeHandler(capture);
            registryLog.setLevel(before);
        }
    }
}
