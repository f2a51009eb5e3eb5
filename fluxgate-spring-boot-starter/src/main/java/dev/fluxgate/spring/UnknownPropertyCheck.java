package dev.fluxgate.spring;

import dev.fluxgate.spring.KnownProperties.Child;
import dev.fluxgate.spring.KnownProperties.Group;
import dev.fluxgate.spring.KnownProperties.Leaf;
import dev.fluxgate.spring.KnownProperties.MapOf;
import dev.fluxgate.spring.KnownProperties.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Stops startup when a key under {@code fluxgate.*} is not one Fluxgate knows, naming the closest
 * valid key: {@code fluxgate.circuitbreaker.instances.payments.max-half-open-call} fails with "did you
 * mean max-half-open-calls?". A typo must not silently leave a breaker on its defaults.
 *
 * <p>It runs as a bean factory post-processor, before any bean (and so before the properties are
 * bound), and reports through {@link InvalidPropertyException} and its failure analyzer. Environment
 * variables are checked only under the bound prefixes ({@code fluxgate.circuitbreaker}, ...), where
 * Boot's binder would reject them too: an unrelated {@code FLUXGATE_*} variable of a deployment is not
 * ours.
 */
final class UnknownPropertyCheck implements BeanFactoryPostProcessor {

    private static final ConfigurationPropertyName FLUXGATE = ConfigurationPropertyName.of("fluxgate");

    /** One unknown key and what to say about it. */
    record Unknown(String property, String problem) {
    }

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        check(beanFactory.getBean(Environment.class));
    }

    /** @throws InvalidPropertyException naming the first unknown key (and how many others there are) */
    static void check(Environment environment) {
        Map<String, Unknown> unknown = new TreeMap<>();
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            boolean fromEnvironmentVariables = source.getUnderlyingSource() instanceof SystemEnvironmentPropertySource;
            iterable.filter(FLUXGATE::isAncestorOf).stream().forEach(name -> {
                Unknown u = check(name, fromEnvironmentVariables);
                if (u != null) {
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    String origin = property == null || property.getOrigin() == null ? ""
                            : ". Set in " + property.getOrigin();
                    unknown.putIfAbsent(u.property(), new Unknown(u.property(), u.problem() + origin));
                }
            });
        }
        if (unknown.isEmpty()) {
            return;
        }
        Unknown first = unknown.values().iterator().next();
        String more = unknown.size() == 1 ? "" : ". " + (unknown.size() - 1) + " more unknown: "
                + String.join(", ", new ArrayList<>(unknown.keySet()).subList(1, unknown.size()));
        throw new InvalidPropertyException(first.property(), first.problem() + more);
    }

    /** What is wrong with {@code name} (a key under {@code fluxgate}), or null when it is known. */
    static @Nullable Unknown check(ConfigurationPropertyName name, boolean fromEnvironmentVariables) {
        Node node = KnownProperties.root();
        int n = name.getNumberOfElements();
        int i = 1;
        while (i < n) {
            if (node instanceof MapOf map) {
                node = map.value(); // the element is the user's own key (an instance name)
                i++;
            } else if (node instanceof Leaf leaf) {
                if (leaf.list() && i == n - 1 && name.isNumericIndex(i)) {
                    return null;
                }
                return new Unknown(name.toString(), "'" + name.getElement(i - 1, Form.DASHED)
                        + "' takes a value; there are no keys below it");
            } else {
                Group group = (Group) node;
                Child child = group.children().get(name.getElement(i, Form.UNIFORM));
                if (child == null) {
                    if (fromEnvironmentVariables && i == 1) {
                        return null; // an unrelated FLUXGATE_* variable, not under a bound prefix
                    }
                    Unknown u = unknown(name, i, group);
                    return !fromEnvironmentVariables ? u : new Unknown(u.property(), u.problem()
                            + ". An environment variable leaves a key's dashes out, as Boot binds it:"
                            + " FLUXGATE_CIRCUITBREAKER_INSTANCES_<NAME>_MAXHALFOPENCALLS");
                }
                node = child.node();
                i++;
            }
        }
        return null;
    }

    private static Unknown unknown(ConfigurationPropertyName name, int at, Group group) {
        List<String> prefix = new ArrayList<>();
        for (int j = 0; j < at; j++) {
            prefix.add(name.getElement(j, Form.ORIGINAL));
        }
        List<String> wrong = new ArrayList<>();
        for (int j = at; j < name.getNumberOfElements(); j++) {
            if (!name.isNumericIndex(j)) {
                wrong.add(name.getElement(j, Form.DASHED));
            }
        }
        String under = String.join(".", prefix);
        String problem = "unknown key '" + wrong.get(0) + "' under " + under;
        String closest = KnownProperties.closest(group, wrong);
        if (closest != null) {
            problem += "; did you mean " + closest + "? Full key: " + under + "." + closest;
        } else {
            problem += "; the keys there are " + String.join(", ", KnownProperties.names(group));
        }
        return new Unknown(name.toString(), problem);
    }
}
