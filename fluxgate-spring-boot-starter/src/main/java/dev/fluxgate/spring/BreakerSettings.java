package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Permit;
import dev.fluxgate.Tracker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties.BreakerProperties;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties.CooldownType;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties.PermitType;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties.TripperRules;
import dev.fluxgate.spring.FluxgateCircuitBreakerProperties.WindowType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Applies the property layers of one breaker to a {@link CircuitBreaker.Builder}.
 *
 * <p>Layers go from least to most specific ({@code configs.default}, the base config, the instance);
 * each option takes the value of the most specific layer that sets it, and remembers which property
 * that was, so that a value the core rejects is reported under its real property name. Options no
 * layer sets are left as the builder has them (the built-in defaults, or a user registry's defaults).
 */
final class BreakerSettings {

    /** One layer: the properties and the prefix they were bound under. */
    record Layer(String prefix, BreakerProperties properties) {
    }

    /** A value and the full name of the property it came from. */
    private record Sourced<T>(T value, String property) {
    }

    private final List<Layer> layers;
    private final ClassLoader classLoader;

    BreakerSettings(List<Layer> layers, ClassLoader classLoader) {
        this.layers = List.copyOf(layers);
        this.classLoader = classLoader;
    }

    /**
     * The layers of breaker {@code name}, least specific first; checks {@code base-config}. A
     * {@code null} name gives the layers every breaker shares.
     */
    static List<Layer> layersOf(FluxgateCircuitBreakerProperties properties, @Nullable String name) {
        List<Layer> layers = new ArrayList<>(3);
        String prefix = FluxgateCircuitBreakerProperties.PREFIX;
        BreakerProperties defaults = properties.configs().get(FluxgateCircuitBreakerProperties.DEFAULT_CONFIG);
        if (defaults != null) {
            layers.add(new Layer(prefix + ".configs." + FluxgateCircuitBreakerProperties.DEFAULT_CONFIG, defaults));
        }
        BreakerProperties instance = name == null ? null : properties.instances().get(name);
        if (instance == null) {
            return layers;
        }
        String instancePrefix = prefix + ".instances." + name;
        String base = instance.baseConfig();
        if (base != null && !base.equals(FluxgateCircuitBreakerProperties.DEFAULT_CONFIG)) {
            BreakerProperties baseProps = properties.configs().get(base);
            if (baseProps == null) {
                throw new InvalidPropertyException(instancePrefix + ".base-config", "no config named '" + base
                        + "' under " + prefix + ".configs; known: " + properties.configs().keySet());
            }
            layers.add(new Layer(prefix + ".configs." + base, baseProps));
        }
        layers.add(new Layer(instancePrefix, instance));
        return layers;
    }

    /** The layers of config {@code name} alone (for checking it at startup), least specific first. */
    static List<Layer> layersOfConfig(FluxgateCircuitBreakerProperties properties, String name) {
        String prefix = FluxgateCircuitBreakerProperties.PREFIX + ".configs.";
        BreakerProperties config = Objects.requireNonNull(properties.configs().get(name), name);
        if (config.baseConfig() != null) {
            throw new InvalidPropertyException(prefix + name + ".base-config",
                    "only instances have a base config; configs all stand on configs.default");
        }
        List<Layer> layers = new ArrayList<>(2);
        BreakerProperties defaults = properties.configs().get(FluxgateCircuitBreakerProperties.DEFAULT_CONFIG);
        if (defaults != null && !name.equals(FluxgateCircuitBreakerProperties.DEFAULT_CONFIG)) {
            layers.add(new Layer(prefix + FluxgateCircuitBreakerProperties.DEFAULT_CONFIG, defaults));
        }
        layers.add(new Layer(prefix + name, config));
        return layers;
    }

    /**
     * Sets every option some layer sets.
     *
     * @throws InvalidPropertyException naming the property whose value the core rejected
     */
    void applyTo(CircuitBreaker.Builder b) {
        Window window = window();
        if (window != null) {
            b.window(window);
        }
        Tracker tracker = tracker();
        if (tracker != null) {
            b.tracker(tracker);
        }
        Tripper tripper = tripper(window);
        if (tripper == null && window != null && window.isCount() && window.size() < 100) {
            // The built-in tripper needs 100 calls; a smaller count window could never trip it, so the
            // default follows the window instead of failing the build.
            tripper = Tripper.minRequests(window.size()).and(Tripper.failureRate(0.5));
        }
        if (tripper != null) {
            b.tripper(tripper);
        }
        Cooldown cooldown = cooldown();
        if (cooldown != null) {
            b.cooldown(cooldown);
        }
        Permit permit = permit();
        if (permit != null) {
            b.permit(permit);
        }
        Sourced<Integer> maxHalfOpen = pick("max-half-open-calls", BreakerProperties::maxHalfOpenCalls);
        if (maxHalfOpen != null) {
            check(maxHalfOpen, () -> b.maxHalfOpenCalls(maxHalfOpen.value()));
        }
        Sourced<Integer> close = pick("close-after-successes", BreakerProperties::closeAfterSuccesses);
        if (close != null) {
            check(close, () -> b.closeAfterSuccesses(close.value()));
        }
        Sourced<Duration> halfOpenTimeout = pick("half-open-timeout", BreakerProperties::halfOpenTimeout);
        if (halfOpenTimeout != null) {
            check(halfOpenTimeout, () -> b.halfOpenTimeout(halfOpenTimeout.value()));
        }
        Sourced<Duration> slow = pick("slow-call-threshold", BreakerProperties::slowCallThreshold);
        if (slow != null) {
            check(slow, () -> b.slowCallThreshold(slow.value()));
        }
        Sourced<Boolean> trackLocalRejections = pick("track-local-rejections", BreakerProperties::trackLocalRejections);
        if (trackLocalRejections != null) {
            b.trackLocalRejections(trackLocalRejections.value());
        }
    }

    // ---- window ----

    private @Nullable Window window() {
        Sourced<WindowType> type = pickType("window", p -> p.window() == null ? null
                : p.window().type() != null ? p.window().type()
                : p.window().size() != null ? WindowType.COUNT
                : p.window().span() != null ? WindowType.TIME
                : p.window().halfLife() != null ? WindowType.DECAYING : null);
        if (type == null) {
            Sourced<Duration> bucket = pick("window.bucket", p -> p.window() == null ? null : p.window().bucket());
            if (bucket != null) {
                throw new InvalidPropertyException(bucket.property(), "a bucket needs a time window: set window.span");
            }
            return null;
        }
        if (type.value() == WindowType.DECAYING) {
            Sourced<Duration> halfLife = pick("window.half-life", p -> p.window() == null ? null : p.window().halfLife());
            if (halfLife == null) {
                throw new InvalidPropertyException(type.property() + ".half-life",
                        "a decaying window needs a half-life, e.g. 10s");
            }
            return check(halfLife, () -> Window.decaying(halfLife.value()));
        }
        if (type.value() == WindowType.COUNT) {
            Sourced<Integer> size = pick("window.size", p -> p.window() == null ? null : p.window().size());
            return size == null ? Window.count(100) : check(size, () -> Window.count(size.value()));
        }
        Sourced<Duration> span = pick("window.span", p -> p.window() == null ? null : p.window().span());
        if (span == null) {
            throw new InvalidPropertyException(type.property() + ".span", "a time window needs a span, e.g. 60s");
        }
        Sourced<Duration> bucket = pick("window.bucket", p -> p.window() == null ? null : p.window().bucket());
        if (bucket == null) {
            return check(span, () -> Window.time(span.value()));
        }
        try {
            return Window.time(span.value(), bucket.value());
        } catch (IllegalArgumentException e) {
            throw new InvalidPropertyException(bucket.property(), e.getMessage() + " (with " + span.property() + ")", e);
        }
    }

    // ---- tracker ----

    private @Nullable Tracker tracker() {
        Sourced<List<String>> record = pick("record-exceptions", BreakerProperties::recordExceptions);
        Sourced<List<String>> ignore = pick("ignore-exceptions", BreakerProperties::ignoreExceptions);
        if (record == null && ignore == null) {
            return null;
        }
        Tracker tracker = record == null || record.value().isEmpty() ? Tracker.all() : Tracker.typeOf(classes(record));
        if (ignore != null && !ignore.value().isEmpty()) {
            tracker = tracker.and(Tracker.not(Tracker.typeOf(classes(ignore))));
        }
        return tracker;
    }

    private Class<? extends Throwable>[] classes(Sourced<List<String>> names) {
        return throwables(names.property(), names.value(), classLoader);
    }

    /** Loads exception classes by name; a problem names {@code property[i]}. */
    @SuppressWarnings("unchecked")
    static Class<? extends Throwable>[] throwables(String property, List<String> list, ClassLoader classLoader) {
        Class<? extends Throwable>[] types = (Class<? extends Throwable>[]) new Class<?>[list.size()];
        for (int i = 0; i < types.length; i++) {
            String element = property + "[" + i + "]";
            String name = list.get(i) == null ? "" : list.get(i).trim();
            Class<?> type;
            try {
                type = ClassUtils.forName(name, classLoader);
            } catch (ClassNotFoundException | LinkageError | IllegalArgumentException e) {
                throw new InvalidPropertyException(element, "no class named '" + name + "' on the class path", e);
            }
            if (!Throwable.class.isAssignableFrom(type)) {
                throw new InvalidPropertyException(element, name + " is not an exception (a Throwable)");
            }
            types[i] = (Class<? extends Throwable>) type;
        }
        return types;
    }

    // ---- tripper ----

    /** The rule fields of one state, each with its source. */
    private record Rules(@Nullable Sourced<Integer> minRequests, @Nullable Sourced<Double> failureRate,
            @Nullable Sourced<Double> slowRate, @Nullable Sourced<Integer> failureStreak,
            @Nullable Sourced<Duration> avgLatency) {
        boolean any() {
            return minRequests != null || failureRate != null || slowRate != null || failureStreak != null
                    || avgLatency != null;
        }
    }

    private @Nullable Tripper tripper(@Nullable Window window) {
        int expressionLayer = topLayer(p -> p.tripper() == null ? null : p.tripper().expression());
        int structuredLayer = topLayer(p -> p.tripper() == null ? null : structured(p.tripper()));
        if (expressionLayer < 0 && structuredLayer < 0) {
            return null;
        }
        if (expressionLayer == structuredLayer) {
            throw new InvalidPropertyException(layers.get(expressionLayer).prefix() + ".tripper.expression",
                    "set either tripper.expression or the structured tripper rules (min-requests, failure-rate, ...),"
                            + " not both");
        }
        if (expressionLayer > structuredLayer) {
            // expressionLayer >= 0 here: some layer sets the expression.
            Sourced<String> expression = Objects.requireNonNull(pick("tripper.expression",
                    p -> p.tripper() == null ? null : p.tripper().expression()));
            return check(expression, () -> Tripper.parse(expression.value()));
        }
        // Structured rules above any expression: an expression in a lower layer is replaced whole.
        int from = expressionLayer + 1;
        Rules closed = new Rules(
                pick(from, "tripper.min-requests", p -> p.tripper() == null ? null : p.tripper().minRequests()),
                pick(from, "tripper.failure-rate", p -> p.tripper() == null ? null : p.tripper().failureRate()),
                pick(from, "tripper.slow-rate", p -> p.tripper() == null ? null : p.tripper().slowRate()),
                pick(from, "tripper.failure-streak", p -> p.tripper() == null ? null : p.tripper().failureStreak()),
                pick(from, "tripper.avg-latency", p -> p.tripper() == null ? null : p.tripper().avgLatency()));
        Rules halfOpen = new Rules(
                pick(from, "tripper.half-open.min-requests", p -> halfOpen(p, TripperRules::minRequests)),
                pick(from, "tripper.half-open.failure-rate", p -> halfOpen(p, TripperRules::failureRate)),
                pick(from, "tripper.half-open.slow-rate", p -> halfOpen(p, TripperRules::slowRate)),
                pick(from, "tripper.half-open.failure-streak", p -> halfOpen(p, TripperRules::failureStreak)),
                pick(from, "tripper.half-open.avg-latency", p -> halfOpen(p, TripperRules::avgLatency)));
        int defaultMin = window == null || !window.isCount() ? 100 : Math.min(100, window.size());
        Tripper closedRule = rule(closed, defaultMin);
        if (!halfOpen.any()) {
            return closedRule;
        }
        Rules merged = new Rules(or(halfOpen.minRequests(), closed.minRequests()),
                or(halfOpen.failureRate(), closed.failureRate()), or(halfOpen.slowRate(), closed.slowRate()),
                or(halfOpen.failureStreak(), closed.failureStreak()), or(halfOpen.avgLatency(), closed.avgLatency()));
        return Tripper.closed().and(closedRule).or(Tripper.halfOpened().and(rule(merged, defaultMin)));
    }

    private static @Nullable TripperRules halfOpen(BreakerProperties p) {
        return p.tripper() == null ? null : p.tripper().halfOpen();
    }

    private static <T> @Nullable T halfOpen(BreakerProperties p, Function<TripperRules, T> getter) {
        TripperRules h = halfOpen(p);
        return h == null ? null : getter.apply(h);
    }

    /** A non-null marker when the tripper sets any structured rule. */
    private static @Nullable Object structured(FluxgateCircuitBreakerProperties.TripperProperties t) {
        TripperRules h = t.halfOpen();
        boolean any = t.minRequests() != null || t.failureRate() != null || t.slowRate() != null
                || t.failureStreak() != null || t.avgLatency() != null
                || (h != null && (h.minRequests() != null || h.failureRate() != null || h.slowRate() != null
                        || h.failureStreak() != null || h.avgLatency() != null));
        return any ? Boolean.TRUE : null;
    }

    private static <T> @Nullable Sourced<T> or(@Nullable Sourced<T> preferred, @Nullable Sourced<T> fallback) {
        return preferred != null ? preferred : fallback;
    }

    /** {@code minRequests(n) and (rates...) or failureStreak(k)}, each part naming its property on error. */
    private Tripper rule(Rules r, int defaultMin) {
        List<Tripper> rates = new ArrayList<>(3);
        Sourced<Double> failureRate = r.failureRate();
        if (failureRate != null) {
            rates.add(check(failureRate, () -> Tripper.failureRate(failureRate.value())));
        }
        Sourced<Double> slowRate = r.slowRate();
        if (slowRate != null) {
            Sourced<Duration> threshold = pick("slow-call-threshold", BreakerProperties::slowCallThreshold);
            if (threshold == null) {
                throw new InvalidPropertyException(slowRate.property(),
                        "slow-rate needs slow-call-threshold (the duration from which a call is slow)");
            }
            rates.add(check(slowRate, () -> Tripper.slowRate(slowRate.value(), threshold.value())));
        }
        Sourced<Duration> avgLatency = r.avgLatency();
        if (avgLatency != null) {
            rates.add(check(avgLatency, () -> Tripper.avgLatency(avgLatency.value())));
        }
        Sourced<Integer> failureStreak = r.failureStreak();
        Tripper streak = failureStreak == null ? null
                : check(failureStreak, () -> Tripper.failureStreak(failureStreak.value()));
        if (rates.isEmpty() && streak == null) {
            rates.add(Tripper.failureRate(0.5));
        }
        if (rates.isEmpty() && streak != null) { // rates is empty only when a streak is set
            return streak;
        }
        Tripper anyRate = rates.get(0);
        for (int i = 1; i < rates.size(); i++) {
            anyRate = anyRate.or(rates.get(i));
        }
        Sourced<Integer> minRequests = r.minRequests();
        Tripper gate = minRequests == null ? Tripper.minRequests(defaultMin)
                : check(minRequests, () -> Tripper.minRequests(minRequests.value()));
        Tripper gated = gate.and(anyRate);
        return streak == null ? gated : gated.or(streak);
    }

    // ---- cooldown ----

    private @Nullable Cooldown cooldown() {
        Sourced<CooldownType> type = pickType("cooldown", p -> {
            var c = p.cooldown();
            return c == null ? null : c.type() != null ? c.type() : c.duration() != null ? CooldownType.FIXED
                    : c.initial() != null || c.multiplier() != null || c.max() != null ? CooldownType.EXPONENTIAL
                    : null;
        });
        Sourced<Double> jitter = pick("cooldown.jitter", p -> p.cooldown() == null ? null : p.cooldown().jitter());
        if (type == null) {
            if (jitter != null) {
                throw new InvalidPropertyException(jitter.property(),
                        "jitter needs a cooldown: set cooldown.type (fixed or exponential) and its duration");
            }
            return null;
        }
        Cooldown cooldown = switch (type.value()) {
            case NONE -> Cooldown.none();
            case MANUAL -> Cooldown.manual();
            case FIXED -> {
                Sourced<Duration> wait = pick("cooldown.duration", p -> p.cooldown() == null ? null : p.cooldown().duration());
                yield wait == null ? Cooldown.fixed(Duration.ofSeconds(60)) : check(wait, () -> Cooldown.fixed(wait.value()));
            }
            case EXPONENTIAL -> exponential(type);
        };
        return jitter == null ? cooldown : check(jitter, () -> cooldown.withJitter(jitter.value()));
    }

    private Cooldown exponential(Sourced<CooldownType> type) {
        Sourced<Duration> initial = pick("cooldown.initial", p -> p.cooldown() == null ? null : p.cooldown().initial());
        Sourced<Double> multiplier = pick("cooldown.multiplier",
                p -> p.cooldown() == null ? null : p.cooldown().multiplier());
        Sourced<Duration> max = pick("cooldown.max", p -> p.cooldown() == null ? null : p.cooldown().max());
        String prefix = type.property();
        if (initial == null) {
            throw new InvalidPropertyException(prefix + ".initial", "an exponential cooldown needs its first wait");
        }
        if (max == null) {
            throw new InvalidPropertyException(prefix + ".max", "an exponential cooldown needs its longest wait");
        }
        double m = multiplier == null ? 2.0 : multiplier.value();
        try {
            return Cooldown.exponential(initial.value(), m, max.value());
        } catch (IllegalArgumentException e) {
            String message = Objects.requireNonNullElse(e.getMessage(), "");
            String property = message.contains("multiplier") && multiplier != null ? multiplier.property()
                    : message.contains("initial") && !message.contains("max") ? initial.property() : max.property();
            throw new InvalidPropertyException(property, message, e);
        }
    }

    // ---- permit ----

    private @Nullable Permit permit() {
        Sourced<PermitType> type = pickType("permit", p -> {
            var pp = p.permit();
            return pp == null ? null : pp.type() != null ? pp.type() : pp.ratio() != null ? PermitType.RANDOM
                    : pp.initial() != null || pp.target() != null || pp.over() != null ? PermitType.RAMP_UP : null;
        });
        if (type == null) {
            return null;
        }
        return switch (type.value()) {
            case ALL -> Permit.all();
            case RANDOM -> {
                Sourced<Double> ratio = pick("permit.ratio", p -> p.permit() == null ? null : p.permit().ratio());
                if (ratio == null) {
                    throw new InvalidPropertyException(type.property() + ".ratio", "a random permit needs its ratio");
                }
                yield check(ratio, () -> Permit.random(ratio.value()));
            }
            case RAMP_UP -> {
                Sourced<Double> initial = pick("permit.initial", p -> p.permit() == null ? null : p.permit().initial());
                Sourced<Double> target = pick("permit.target", p -> p.permit() == null ? null : p.permit().target());
                Sourced<Duration> over = pick("permit.over", p -> p.permit() == null ? null : p.permit().over());
                double i = initial == null ? 0.1 : initial.value();
                double t = target == null ? 1.0 : target.value();
                Duration o = over == null ? Duration.ofSeconds(60) : over.value();
                try {
                    yield Permit.rampUp(i, t, o);
                } catch (IllegalArgumentException e) {
                    String m = Objects.requireNonNullElse(e.getMessage(), "").toLowerCase(Locale.ROOT);
                    Sourced<?> culprit = m.startsWith("rampup target") ? target
                            : m.startsWith("rampup initial") ? initial : over;
                    String property = culprit != null ? culprit.property() : type.property();
                    throw new InvalidPropertyException(property, e.getMessage(), e);
                }
            }
        };
    }

    // ---- picking values ----

    private <T> @Nullable Sourced<T> pick(String relative, Function<BreakerProperties, T> getter) {
        return pick(0, relative, getter);
    }

    /** The value of the most specific layer at or above {@code from} that sets it, or null. */
    private <T> @Nullable Sourced<T> pick(int from, String relative, Function<BreakerProperties, T> getter) {
        for (int i = layers.size() - 1; i >= from; i--) {
            T value = getter.apply(layers.get(i).properties());
            if (value != null) {
                return new Sourced<>(value, layers.get(i).prefix() + "." + relative);
            }
        }
        return null;
    }

    /** Like {@link #pick}, but the property named is the group (e.g. {@code ...cooldown}). */
    private <T> @Nullable Sourced<T> pickType(String group, Function<BreakerProperties, T> getter) {
        return pick(group, getter);
    }

    /** The index of the most specific layer that sets the value, or -1. */
    private int topLayer(Function<BreakerProperties, Object> getter) {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (getter.apply(layers.get(i).properties()) != null) {
                return i;
            }
        }
        return -1;
    }

    private static <R> R check(Sourced<?> source, Supplier<R> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidPropertyException(source.property(), String.valueOf(e.getMessage()), e);
        }
    }
}
