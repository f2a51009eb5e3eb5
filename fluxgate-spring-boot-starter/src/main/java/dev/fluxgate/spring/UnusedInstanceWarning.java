package dev.fluxgate.spring;

import dev.fluxgate.Bulkhead;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Hedge;
import dev.fluxgate.Retry;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Warns, once the singletons exist, about each configured instance that no annotation and no bean
 * uses: {@code instances.paymnets} next to {@code @CircuitBreaker(name = "payments")} means the
 * annotated calls run through a second breaker with the defaults while the configured one idles.
 * Likewise for retries, bulkheads, timeouts and rate limiters, and for a config no instance names as its base.
 *
 * <p>Only a warning: code may get a breaker from the {@code CircuitBreakerRegistry} by name, which
 * nothing can see at startup.
 */
final class UnusedInstanceWarning implements SmartInitializingSingleton {

    private static final Log LOG = LogFactory.getLog(UnusedInstanceWarning.class);

    private static final List<Class<? extends Annotation>> ANNOTATIONS = List.of(
            dev.fluxgate.spring.annotation.CircuitBreaker.class, dev.fluxgate.spring.annotation.Retry.class,
            dev.fluxgate.spring.annotation.Bulkhead.class, dev.fluxgate.spring.annotation.Timeout.class,
            dev.fluxgate.spring.annotation.Hedge.class,
            dev.fluxgate.spring.annotation.RateLimiter.class);

    private final ConfigurableListableBeanFactory beanFactory;
    private final FluxgateCircuitBreakerProperties breakers;
    private final FluxgatePatternProperties.Retries retries;
    private final FluxgatePatternProperties.Bulkheads bulkheads;
    private final FluxgatePatternProperties.Timeouts timeouts;
    private final FluxgatePatternProperties.Hedges hedges;

    UnusedInstanceWarning(ConfigurableListableBeanFactory beanFactory, FluxgateCircuitBreakerProperties breakers,
            FluxgatePatternProperties.Retries retries, FluxgatePatternProperties.Bulkheads bulkheads,
            FluxgatePatternProperties.Timeouts timeouts, FluxgatePatternProperties.Hedges hedges) {
        this.hedges = hedges;
        this.beanFactory = beanFactory;
        this.breakers = breakers;
        this.retries = retries;
        this.bulkheads = bulkheads;
        this.timeouts = timeouts;
    }

    @Override
    public void afterSingletonsInstantiated() {
        try {
            warnings().forEach(LOG::warn);
        } catch (RuntimeException | LinkageError e) {
            // A diagnostic must never stop the application.
            LOG.debug("Could not check for unused Fluxgate instances", e);
        }
    }

    /** One line per unused instance or config. */
    List<String> warnings() {
        Map<Class<? extends Annotation>, Set<String>> annotated = annotatedNames();
        List<String> warnings = new ArrayList<>();
        Set<String> breakerBeans = beanNames(CircuitBreaker.class, CircuitBreaker::name);
        unused(warnings, "fluxgate.circuitbreaker.instances", breakers.instances().keySet(),
                annotated.getOrDefault(dev.fluxgate.spring.annotation.CircuitBreaker.class, Set.of()), breakerBeans,
                "@CircuitBreaker", "CircuitBreaker");
        unused(warnings, "fluxgate.retry.instances", retries.instances().keySet(),
                annotated.getOrDefault(dev.fluxgate.spring.annotation.Retry.class, Set.of()),
                beanNames(Retry.class, Retry::name),
                "@Retry", "Retry");
        unused(warnings, "fluxgate.bulkhead.instances", bulkheads.instances().keySet(),
                annotated.getOrDefault(dev.fluxgate.spring.annotation.Bulkhead.class, Set.of()),
                beanNames(Bulkhead.class, Bulkhead::name),
                "@Bulkhead", "Bulkhead");
        unused(warnings, "fluxgate.timeout.instances", timeouts.instances().keySet(),
                annotated.getOrDefault(dev.fluxgate.spring.annotation.Timeout.class, Set.of()), Set.of(), "@Timeout",
                null);
        unused(warnings, "fluxgate.hedge.instances", hedges.instances().keySet(),
                annotated.getOrDefault(dev.fluxgate.spring.annotation.Hedge.class, Set.of()),
                beanNames(Hedge.class, Hedge::name), "@Hedge", "Hedge");
        Set<String> budgetsNamed = new TreeSet<>();
        retries.instances().values().forEach(r -> {
            if (r.budget() != null) {
                budgetsNamed.add(r.budget());
            }
        });
        for (String budget : new TreeSet<>(retries.budgets().keySet())) {
            if (!budgetsNamed.contains(budget)) {
                warnings.add("Fluxgate: fluxgate.retry.budgets." + budget + " is configured, but no retry under"
                        + " fluxgate.retry.instances names it as its budget, so it limits nothing.");
            }
        }
        FluxgatePatternProperties.RateLimiters rateLimiters =
                beanFactory.getBeanProvider(FluxgatePatternProperties.RateLimiters.class).getIfAvailable();
        if (rateLimiters != null) {
            unused(warnings, "fluxgate.ratelimiter.instances", rateLimiters.instances().keySet(),
                    annotated.getOrDefault(dev.fluxgate.spring.annotation.RateLimiter.class, Set.of()),
                    beanNames(dev.fluxgate.RateLimiter.class, dev.fluxgate.RateLimiter::name), "@RateLimiter",
                    "RateLimiter");
        }
        Set<String> bases = new TreeSet<>();
        breakers.instances().values().forEach(i -> {
            if (i.baseConfig() != null) {
                bases.add(i.baseConfig());
            }
        });
        for (String config : new TreeSet<>(breakers.configs().keySet())) {
            if (!config.equals(FluxgateCircuitBreakerProperties.DEFAULT_CONFIG) && !bases.contains(config)) {
                String closest = closest(config, bases);
                warnings.add("Fluxgate: fluxgate.circuitbreaker.configs." + config + " is configured, but no instance"
                        + " names it as its base-config, so it configures nothing"
                        + (closest == null ? "." : "; did you mean '" + closest + "' (named by a base-config)?"));
            }
        }
        return warnings;
    }

    private static void unused(List<String> warnings, String prefix, Collection<String> configured, Set<String> annotated,
            Set<String> beans, String annotation, @Nullable String beanType) {
        Set<String> used = new TreeSet<>(annotated);
        used.addAll(beans);
        for (String name : new TreeSet<>(configured)) {
            if (used.contains(name)) {
                continue;
            }
            String users = annotation + (beanType == null ? "" : " and no " + beanType + " bean");
            String closest = closest(name, used);
            String hint = closest == null ? "." : "; did you mean '" + closest + "' (named by "
                    + (annotated.contains(closest) ? annotation : "a " + beanType + " bean") + ")?";
            warnings.add("Fluxgate: " + prefix + "." + name + " is configured, but no " + users + " uses the name '"
                    + name + "'" + hint + " A misspelt name makes a second instance with the defaults. (If code gets"
                    + " it by name from a registry, ignore this.)");
        }
    }

    /** The name among {@code candidates} that reads as a typo of {@code name}, or null. */
    private static @Nullable String closest(String name, Set<String> candidates) {
        String lower = name.toLowerCase(Locale.ROOT);
        return candidates.stream()
                .filter(c -> KnownProperties.distance(c.toLowerCase(Locale.ROOT), lower) <= Math.max(2, name.length() / 3))
                .min(Comparator.comparingInt(c -> KnownProperties.distance(c.toLowerCase(Locale.ROOT), lower)))
                .orElse(null);
    }

    private <T> Set<String> beanNames(Class<T> type, Function<T, String> name) {
        Set<String> names = new TreeSet<>();
        beanFactory.getBeansOfType(type, false, false).values().forEach(b -> names.add(name.apply(b)));
        return names;
    }

    /** The names the annotations on the application's beans use, per annotation. */
    private Map<Class<? extends Annotation>, Set<String>> annotatedNames() {
        Map<Class<? extends Annotation>, Set<String>> names = new LinkedHashMap<>();
        ANNOTATIONS.forEach(a -> names.put(a, new TreeSet<>()));
        for (String bean : beanFactory.getBeanDefinitionNames()) {
            Class<?> type = beanFactory.getType(bean, false);
            if (type == null) {
                continue;
            }
            Class<?> user = ClassUtils.getUserClass(type);
            if (!AnnotationUtils.isCandidateClass(user, ANNOTATIONS)) {
                continue;
            }
            collect(user, names);
            ReflectionUtils.doWithMethods(user, m -> collect(m, names), ReflectionUtils.USER_DECLARED_METHODS);
        }
        return names;
    }

    private static void collect(AnnotatedElement element, Map<Class<? extends Annotation>, Set<String>> names) {
        add(names, dev.fluxgate.spring.annotation.CircuitBreaker.class, element,
                dev.fluxgate.spring.annotation.CircuitBreaker::name);
        add(names, dev.fluxgate.spring.annotation.Retry.class, element, dev.fluxgate.spring.annotation.Retry::name);
        add(names, dev.fluxgate.spring.annotation.Bulkhead.class, element, dev.fluxgate.spring.annotation.Bulkhead::name);
        add(names, dev.fluxgate.spring.annotation.Timeout.class, element, dev.fluxgate.spring.annotation.Timeout::name);
        add(names, dev.fluxgate.spring.annotation.Hedge.class, element, dev.fluxgate.spring.annotation.Hedge::name);
        add(names, dev.fluxgate.spring.annotation.RateLimiter.class, element,
                dev.fluxgate.spring.annotation.RateLimiter::name);
    }

    private static <A extends Annotation> void add(Map<Class<? extends Annotation>, Set<String>> names, Class<A> type,
            AnnotatedElement element, Function<A, String> name) {
        A a = AnnotatedElementUtils.findMergedAnnotation(element, type);
        if (a != null) {
            Objects.requireNonNull(names.get(type), "annotatedNames() has an entry for every annotation").add(name.apply(a));
        }
    }
}
