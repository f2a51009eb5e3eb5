package dev.fluxgate.spring;

import dev.fluxgate.Chaos;
import dev.fluxgate.ChaosException;
import dev.fluxgate.Registry;
import java.lang.reflect.Constructor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.util.ClassUtils;

/**
 * Gets fault injectors from their registry with {@code fluxgate.chaos.instances.<name>} applied, builds
 * the configured ones at startup (a bad value stops the application, naming the property) and logs a
 * warning naming every enabled one. A name the properties do not list injects nothing. Exists only while
 * {@code fluxgate.chaos.enabled=true}. Safe for concurrent use.
 */
final class ConfiguredChaos {

    static final String PREFIX = "fluxgate.chaos.instances.";
    static final Duration DEFAULT_LATENCY = Duration.ofSeconds(1);
    private static final Log LOG = LogFactory.getLog(ConfiguredChaos.class);

    private final Registry<Chaos, Chaos.Builder> registry;
    private final FluxgateChaosProperties properties;
    private final ClassLoader classLoader;

    ConfiguredChaos(Registry<Chaos, Chaos.Builder> registry, FluxgateChaosProperties properties,
            ClassLoader classLoader) {
        this.registry = registry;
        this.properties = properties;
        this.classLoader = classLoader;
    }

    /** The registry's defaults: a fault that hits no call, so an unconfigured name injects nothing. */
    static Chaos.Builder defaults() {
        return Chaos.builder("defaults").exception(0).enabled(true);
    }

    /** Builds every configured injector and warns about the enabled ones; throws on the first bad value. */
    void initialize() {
        List<String> enabled = new ArrayList<>();
        for (Map.Entry<String, FluxgateChaosProperties.ChaosProperties> e : new TreeMap<>(properties.instances()).entrySet()) {
            if (chaos(e.getKey()).isEnabled()) {
                enabled.add(describe(e.getKey(), e.getValue()));
            }
        }
        LOG.warn("Fault injection is ON (fluxgate.chaos.enabled=true): calls through @Chaos methods fail, slow"
                + " down or return substitutes on purpose. Enabled: " + (enabled.isEmpty() ? "none" : String.join("; ", enabled))
                + ". Never leave this on in production by accident.");
    }

    /** {@code payments (exception 0.2, latency 0.1 of PT2S)}: what the warning names. */
    private static String describe(String name, FluxgateChaosProperties.ChaosProperties p) {
        List<String> faults = new ArrayList<>();
        if (p.exceptionRate() != null) {
            faults.add("exception " + p.exceptionRate() + (p.exception() != null ? " " + p.exception() : ""));
        }
        if (p.latencyRate() != null) {
            faults.add("latency " + p.latencyRate() + " of " + (p.latency() != null ? p.latency() : DEFAULT_LATENCY));
        }
        if (p.resultRate() != null) {
            faults.add("result " + p.resultRate());
        }
        return name + " (" + (faults.isEmpty() ? "no faults" : String.join(", ", faults)) + ")";
    }

    /** The fault injector called {@code name}, created with its properties if absent. */
    Chaos chaos(String name) {
        Chaos existing = registry.find(name).orElse(null);
        if (existing != null) {
            return existing;
        }
        try {
            return registry.get(name, b -> configure(name, b));
        } catch (InvalidPropertyException e) {
            throw e;
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException e) {
            throw new InvalidPropertyException(PREFIX + name, String.valueOf(e.getMessage()), e);
        }
    }

    /** Everything the starter has built. */
    Map<String, Chaos> all() {
        Map<String, Chaos> all = new TreeMap<>();
        registry.all().forEach(c -> all.put(c.name(), c));
        return all;
    }

    private void configure(String name, Chaos.Builder b) {
        FluxgateChaosProperties.ChaosProperties p = properties.instances().get(name);
        if (p == null) {
            return; // the defaults: a fault at rate 0
        }
        // The defaults' fault at rate 0 stays first: it owns an empty share of [0, 1), so it never hits.
        if (p.exceptionRate() != null) {
            String type = p.exception();
            b.exception(p.exceptionRate(), type == null ? () -> new ChaosException("injected by Chaos '" + name + "'")
                    : exceptions(name, type));
        }
        if (p.latencyRate() != null) {
            b.latency(p.latencyRate(), p.latency() != null ? p.latency() : DEFAULT_LATENCY);
        }
        if (p.resultRate() != null) {
            if (p.result() == null) {
                throw new InvalidPropertyException(PREFIX + name + ".result", "result-rate needs a result", null);
            }
            b.result(p.resultRate(), p.result());
        }
        if (p.seed() != null) {
            b.seed(p.seed());
        }
        b.enabled(p.enabled() == null || p.enabled());
    }

    private Supplier<Exception> exceptions(String name, String type) {
        String property = PREFIX + name + ".exception";
        Class<?> c;
        try {
            c = ClassUtils.forName(type, classLoader);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new InvalidPropertyException(property, "no class " + type + " on the class path", e);
        }
        if (!Exception.class.isAssignableFrom(c)) {
            throw new InvalidPropertyException(property, type + " is not an Exception", null);
        }
        Constructor<?> withMessage = constructor(c, String.class);
        Constructor<?> plain = constructor(c);
        if (withMessage == null && plain == null) {
            throw new InvalidPropertyException(property, type + " has no public (String) or no-argument constructor", null);
        }
        String message = "injected by Chaos '" + name + "'";
        Constructor<?> chosen = java.util.Objects.requireNonNull(withMessage != null ? withMessage : plain);
        Object[] arguments = withMessage != null ? new Object[] {message} : new Object[0];
        return () -> {
            try {
                return (Exception) chosen.newInstance(arguments);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("could not make a " + type, e); // Chaos injects a plain ChaosException
            }
        };
    }

    private static @Nullable Constructor<?> constructor(Class<?> c, Class<?>... parameters) {
        try {
            return c.getConstructor(parameters);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
