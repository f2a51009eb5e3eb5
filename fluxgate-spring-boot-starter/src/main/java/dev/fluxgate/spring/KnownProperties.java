package dev.fluxgate.spring;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The tree of keys Fluxgate accepts under {@code fluxgate.*}, read from the properties records (so a
 * new record component is known at once) plus the switches read outside them, and the closest valid
 * key for one that is not known.
 *
 * <p>Names are compared in Boot's uniform form (lower case, no dashes), as the binder compares them:
 * {@code max-half-open-calls}, {@code maxHalfOpenCalls} and {@code MAXHALFOPENCALLS} are one key.
 */
final class KnownProperties {

    /** A key of the tree. */
    sealed interface Node permits Group, MapOf, Leaf {
    }

    /** Named children, by uniform name. */
    record Group(Map<String, Child> children) implements Node {
    }

    /** A child with its name as written in the documentation (kebab case). */
    record Child(String name, Node node) {
    }

    /** A map: any key, then the value's keys. */
    record MapOf(Node value) implements Node {
    }

    /** A value; a list may be followed by an index ({@code record-exceptions[0]}). */
    record Leaf(boolean list) implements Node {
    }

    /** The classes bound under {@code fluxgate.*}. */
    static final List<Class<? extends Record>> PROPERTIES_CLASSES = List.of(FluxgateCircuitBreakerProperties.class,
            FluxgatePatternProperties.Retries.class, FluxgatePatternProperties.Bulkheads.class,
            FluxgatePatternProperties.Timeouts.class, FluxgatePatternProperties.RateLimiters.class,
            FluxgatePatternProperties.Hedges.class, FluxgateChaosProperties.class,
            FluxgatePatternProperties.AdaptiveBulkheads.class);

    /** Keys read outside the properties classes: conditions and the meter naming. */
    static final List<String> SWITCHES = List.of("fluxgate.annotations.enabled", "fluxgate.metrics.enabled",
            "fluxgate.metrics.naming");

    private static final Group ROOT = build();

    private KnownProperties() {
    }

    /** The tree under {@code fluxgate} (its children are {@code circuitbreaker}, {@code retry}, ...). */
    static Group root() {
        return ROOT;
    }

    private static Group build() {
        Group root = new Group(new LinkedHashMap<>());
        for (Class<? extends Record> type : PROPERTIES_CLASSES) {
            String prefix = type.getAnnotation(ConfigurationProperties.class).prefix();
            Group group = groupAt(root, prefix.substring(prefix.indexOf('.') + 1));
            group.children().putAll(recordGroup(type).children());
        }
        for (String key : SWITCHES) {
            String path = key.substring(key.indexOf('.') + 1);
            int dot = path.lastIndexOf('.');
            Group group = dot < 0 ? root : groupAt(root, path.substring(0, dot));
            String name = path.substring(dot + 1);
            group.children().put(uniform(name), new Child(name, new Leaf(false)));
        }
        return root;
    }

    private static Group groupAt(Group root, String dottedPath) {
        Group group = root;
        for (String name : dottedPath.split("\\.", -1)) {
            Child child = group.children().computeIfAbsent(uniform(name),
                    k -> new Child(name, new Group(new LinkedHashMap<>())));
            group = (Group) child.node();
        }
        return group;
    }

    private static Group recordGroup(Class<?> record) {
        Map<String, Child> children = new LinkedHashMap<>();
        for (RecordComponent c : record.getRecordComponents()) {
            String name = kebab(c.getName());
            children.put(uniform(name), new Child(name, node(c.getGenericType())));
        }
        return new Group(children);
    }

    private static Node node(Type type) {
        Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
        if (Map.class.isAssignableFrom(raw)) {
            return new MapOf(node(((ParameterizedType) type).getActualTypeArguments()[1]));
        }
        if (raw.isRecord()) {
            return recordGroup(raw);
        }
        return new Leaf(Collection.class.isAssignableFrom(raw));
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Boot's uniform form of one element: lower case, letters and digits only. */
    static String uniform(String element) {
        StringBuilder sb = new StringBuilder(element.length());
        for (int i = 0; i < element.length(); i++) {
            char c = element.charAt(i);
            if (Character.isLetterOrDigit(c)) {
                sb.append(Character.toLowerCase(c));
            }
        }
        return sb.toString();
    }

    /**
     * The key closest to {@code wrong} (a path relative to {@code group}, dashed elements) that is
     * valid under {@code group}, or null when nothing is close. Tries, in order: a typo in the first
     * element ({@code max-half-open-call}), a key placed at the wrong depth ({@code failure-rate} for
     * {@code tripper.failure-rate}), a typo in the last element of a deeper key.
     */
    static @Nullable String closest(Group group, List<String> wrong) {
        String first = uniform(wrong.get(0));
        Child typo = nearest(group.children().values(), c -> uniform(c.name()), first);
        if (typo != null) {
            List<String> corrected = new ArrayList<>(wrong);
            corrected.set(0, typo.name());
            return String.join(".", corrected);
        }
        List<List<String>> paths = new ArrayList<>();
        paths(group, new ArrayList<>(), paths);
        String last = uniform(wrong.get(wrong.size() - 1));
        List<String> wrongUniform = wrong.stream().map(KnownProperties::uniform).toList();
        List<String> best = null;
        for (List<String> path : paths) {
            List<String> pathUniform = path.stream().map(KnownProperties::uniform).toList();
            if (pathUniform.size() > wrongUniform.size()
                    && pathUniform.subList(pathUniform.size() - wrongUniform.size(), pathUniform.size()).equals(wrongUniform)
                    && (best == null || path.size() < best.size())) {
                best = path;
            }
        }
        if (best != null) {
            return String.join(".", best);
        }
        int bestDistance = Integer.MAX_VALUE;
        for (List<String> path : paths) {
            String end = uniform(path.get(path.size() - 1));
            int d = distance(last, end);
            if (d <= threshold(last) && (d < bestDistance || (d == bestDistance && best != null && path.size() < best.size()))) {
                best = path;
                bestDistance = d;
            }
        }
        return best == null ? null : String.join(".", best);
    }

    /** The valid keys directly under {@code group}, for a message. */
    static List<String> names(Group group) {
        return group.children().values().stream().map(Child::name).sorted().toList();
    }

    /** Every leaf path under {@code group}, not descending into maps (their keys are the user's). */
    private static void paths(Group group, List<String> prefix, List<List<String>> out) {
        for (Child c : group.children().values()) {
            List<String> path = new ArrayList<>(prefix);
            path.add(c.name());
            if (c.node() instanceof Group g) {
                paths(g, path, out);
            } else {
                out.add(path);
            }
        }
    }

    private static <T> @Nullable T nearest(Collection<T> candidates, java.util.function.Function<T, String> key,
            String target) {
        return candidates.stream().filter(c -> distance(key.apply(c), target) <= threshold(target))
                .min(Comparator.comparingInt(c -> distance(key.apply(c), target))).orElse(null);
    }

    /** How many edits still read as a typo: 1 for short words, up to 3 for long ones. */
    private static int threshold(String word) {
        return Math.max(1, Math.min(3, word.length() / 4));
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
