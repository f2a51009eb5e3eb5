package dev.fluxgate.micrometer;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Listener;
import dev.fluxgate.State;
import dev.fluxgate.Transition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one breaker, and the listener that feeds the per-call ones.
 *
 * <p>Gauges hold the breaker weakly (Micrometer's default) and their functions capture nothing but
 * constants, so the meter registry never keeps a breaker alive. The breaker holds this listener,
 * which holds only meters and a weak reference back.
 *
 * <p>Micrometer identifies meters by name and tags, so two bindings for one breaker name (an evicted
 * breaker and its successor, racing) would share, and remove, each other's meters. So the latest
 * binding per meter registry, naming and tags owns them: binding, closing and registering a meter
 * later (a rare transition pair) happen under one lock; a superseded binding registers and removes
 * nothing more. These are rare events; the per-call path takes no lock.
 */
final class BreakerMeters implements Listener, MeterBinding {

    /** Which bindings own which meters. */
    private record Key(MeterRegistry registry, MeterNaming naming, Tags tags) {
    }

    private static final ReentrantLock LOCK = new ReentrantLock();
    /** The binding that owns the meters of a key. Guarded by {@link #LOCK}. */
    private static final Map<Key, BreakerMeters> OWNERS = new HashMap<>();

    static final String TRANSITIONS = "fluxgate.circuitbreaker.transitions";
    static final String STATE_TIME = "fluxgate.circuitbreaker.state.time";
    static final String PROBES = "fluxgate.circuitbreaker.half.open.probes";

    private static final State[] STATES = State.values();

    private final WeakReference<CircuitBreaker> breaker;
    private final MeterRegistry registry;
    private final MeterNaming naming;
    private final Tags tags;
    private final Key key;
    private final Queue<Meter> meters = new ConcurrentLinkedQueue<>();
    /** Set when closed or superseded; guarded by {@link #LOCK} for writes. */
    private volatile boolean closed;
    private final Timer successful;
    private final Timer failed;
    private final Timer ignored;
    private final Counter[] rejected = new Counter[STATES.length];
    private final AtomicReferenceArray<Counter> transitions = new AtomicReferenceArray<>(STATES.length * STATES.length);

    private BreakerMeters(CircuitBreaker cb, MeterRegistry registry, MeterNaming naming, Tags userTags) {
        this.breaker = new WeakReference<>(cb);
        this.registry = registry;
        this.naming = naming;
        this.tags = Tags.of("name", cb.name()).and(userTags);
        this.key = new Key(registry, naming, tags);
        BreakerMeters previous = OWNERS.put(key, this);
        if (previous != null) {
            previous.dropMeters(); // an older breaker of the same name: its meters go first
        }
        removeEarlierMeters();

        for (State s : STATES) {
            gauge(naming.state(), Tags.of("state", tagValue(s)), b -> b.state() == s ? 1 : 0,
                    MeterDescriptions.STATE);
        }
        successful = timer("successful");
        failed = timer("failed");
        ignored = timer("ignored");
        for (State s : List.of(State.OPEN, State.HALF_OPEN, State.FORCED_OPEN)) {
            Tags t = naming == MeterNaming.RESILIENCE4J ? Tags.of("kind", "not_permitted") : Tags.of("state", tagValue(s));
            rejected[s.ordinal()] = register(Counter.builder(naming.notPermittedCalls()).tags(tags).tags(t)
                    .description(MeterDescriptions.NOT_PERMITTED).register(registry));
        }
        double scale = naming.rateScale();
        gauge(naming.failureRate(), Tags.empty(), b -> b.metrics().failureRate() * scale,
                MeterDescriptions.failureRate(naming));
        Duration slow = slowCallThreshold(cb);
        if (slow != null) {
            gauge(naming.slowCallRate(), Tags.empty(), b -> b.metrics().slowRate(slow) * scale,
                    MeterDescriptions.slowCallRate(naming));
        }
        gauge(naming.bufferedCalls(), Tags.of("kind", "successful"), b -> b.metrics().successes(),
                MeterDescriptions.BUFFERED);
        gauge(naming.bufferedCalls(), Tags.of("kind", "failed"), b -> b.metrics().failures(),
                MeterDescriptions.BUFFERED);
        register(TimeGauge.builder(STATE_TIME, cb, TimeUnit.NANOSECONDS, b -> b.metrics().timeInState().toNanos())
                .tags(tags).description(MeterDescriptions.STATE_TIME).register(registry));
        gauge(PROBES, Tags.empty(), b -> b.metrics().probesInUse(), MeterDescriptions.PROBES);
        // The automatic moves exist from the start; manual ones (reset, forceOpen...) appear when they happen.
        transitionCounter(State.CLOSED, State.OPEN);
        transitionCounter(State.OPEN, State.HALF_OPEN);
        transitionCounter(State.HALF_OPEN, State.OPEN);
        transitionCounter(State.HALF_OPEN, State.CLOSED);
    }

    static BreakerMeters bind(CircuitBreaker cb, MeterRegistry registry, MeterNaming naming, Tags tags) {
        BreakerMeters m;
        LOCK.lock();
        try {
            m = new BreakerMeters(cb, registry, naming, tags);
        } finally {
            LOCK.unlock();
        }
        cb.addListener(m);
        return m;
    }

    static String tagValue(State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /** The breaker's first (shortest) slow-call threshold, or null when it tracks none. */
    static @Nullable Duration slowCallThreshold(CircuitBreaker cb) {
        List<Duration> thresholds = cb.slowCallThresholds();
        return thresholds.isEmpty() ? null : thresholds.get(0);
    }

    /** A rebind (a new breaker under an old name) replaces the old meters instead of reading them. */
    private void removeEarlierMeters() {
        for (String name : List.of(naming.state(), naming.calls(), naming.notPermittedCalls(), naming.failureRate(),
                naming.slowCallRate(), naming.bufferedCalls(), TRANSITIONS, STATE_TIME, PROBES)) {
            registry.find(name).tags(tags).meters().forEach(registry::remove);
        }
    }

    private void gauge(String name, Tags extra, ToDoubleFunction<CircuitBreaker> f, String description) {
        CircuitBreaker cb = breaker.get();
        register(Gauge.builder(name, cb, f).tags(tags).tags(extra).description(description).register(registry));
    }

    private Timer timer(String kind) {
        return register(Timer.builder(naming.calls()).tags(tags).tag("kind", kind).description(MeterDescriptions.CALLS)
                .register(registry));
    }

    private <M extends Meter> M register(M meter) {
        meters.add(meter);
        return meter;
    }

    /** The counter of a transition pair, registered on first use; null once closed or superseded. */
    private Counter transitionCounter(State from, State to) {
        int i = from.ordinal() * STATES.length + to.ordinal();
        Counter c = transitions.get(i);
        if (c != null) {
            return c;
        }
        // Called from the constructor (which holds the lock) and on a first manual transition.
        LOCK.lock();
        try {
            c = transitions.get(i);
            if (c == null && !closed) {
                c = register(Counter.builder(TRANSITIONS).tags(tags).tag("from", tagValue(from))
                        .tag("to", tagValue(to)).description(MeterDescriptions.TRANSITIONS).register(registry));
                transitions.set(i, c);
            }
            return c;
        } finally {
            LOCK.unlock();
        }
    }

    // ---- Listener ----

    @Override
    public void onTransition(Transition transition) {
        Counter c = transitionCounter(transition.from(), transition.to());
        if (c != null) {
            c.increment();
        }
    }

    @Override
    public void onSuccess(CircuitBreaker cb, long durationNanos) {
        successful.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onFailure(CircuitBreaker cb, long durationNanos, @Nullable Throwable failure) {
        failed.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onIgnored(CircuitBreaker cb, long durationNanos, Throwable error) {
        ignored.record(durationNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void onRejected(CircuitBreaker cb, State state) {
        Counter c = rejected[state.ordinal()];
        if (c != null) {
            c.increment();
        }
    }

    // ---- MeterBinding ----

    @Override
    public void close() {
        LOCK.lock();
        try {
            if (OWNERS.get(key) == this) {
                OWNERS.remove(key);
                dropMeters();
            }
            closed = true; // a superseded binding's meters went when it was superseded
        } finally {
            LOCK.unlock();
        }
        CircuitBreaker cb = breaker.get();
        if (cb != null) {
            cb.removeListener(this);
        }
    }

    /** Removes this binding's meters and stops it registering more. Caller holds the lock. */
    private void dropMeters() {
        closed = true;
        for (Meter m; (m = meters.poll()) != null; ) {
            registry.remove(m);
        }
    }

    @Override
    public String toString() {
        return "MeterBinding[" + tags + ", " + naming + "]";
    }
}
