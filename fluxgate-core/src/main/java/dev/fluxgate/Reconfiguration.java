package dev.fluxgate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a live reconfiguration changed, and what it kept: the event a pattern publishes when its
 * configuration is replaced at run time ({@link CircuitBreaker#reconfigure}, {@link Listener#onReconfigured}).
 *
 * @param kind the pattern, e.g. {@code "CircuitBreaker"}
 * @param name the instance's name
 * @param at when the new configuration took effect, on the instance's clock
 * @param before the configuration before, option by option, as {@code configuration()} showed it
 * @param after the configuration now, option by option
 * @param carriedOver what the instance kept across the change (e.g. {@code "state"}, {@code "window"})
 * @param reset what started afresh (e.g. {@code "window"} when the new window does not fit the old one)
 */
public record Reconfiguration(String kind, String name, Instant at, Map<String, String> before,
        Map<String, String> after, List<String> carriedOver, List<String> reset) {

    /**
     * Checks and copies the parts.
     *
     * @param kind the pattern
     * @param name the instance's name
     * @param at when the change took effect
     * @param before the configuration before
     * @param after the configuration now
     * @param carriedOver what was kept
     * @param reset what started afresh
     * @throws NullPointerException if any part is null
     */
    public Reconfiguration {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(at, "at");
        before = Map.copyOf(before);
        after = Map.copyOf(after);
        carriedOver = List.copyOf(carriedOver);
        reset = List.copyOf(reset);
    }

    /**
     * The options whose value changed, sorted by name (options dropped last).
     *
     * @return the names of the changed options (empty when the same configuration was applied again)
     */
    public List<String> changed() {
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(after).entrySet()) {
            if (!e.getValue().equals(before.get(e.getKey()))) {
                changed.add(e.getKey());
            }
        }
        for (String key : new java.util.TreeSet<>(before.keySet())) {
            if (!after.containsKey(key)) {
                changed.add(key);
            }
        }
        return List.copyOf(changed);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind).append(" '").append(name).append("' reconfigured:");
        List<String> changed = changed();
        if (changed.isEmpty()) {
            sb.append(" nothing changed");
        }
        for (String key : changed) {
            sb.append(' ').append(key).append(' ').append(before.getOrDefault(key, "-")).append(" -> ")
                    .append(after.getOrDefault(key, "-")).append(';');
        }
        sb.append(" kept ").append(carriedOver);
        if (!reset.isEmpty()) {
            sb.append(", reset ").append(reset);
        }
        return sb.toString();
    }
}
