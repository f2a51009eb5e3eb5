package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.JsonPath;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.util.ClassUtils;

/**
 * The {@code META-INF/spring-configuration-metadata.json} that the build writes (the configuration
 * processor's output merged with the hand-written additional metadata) documents every key the binder
 * accepts: each with a type and a description, enum-like keys with their allowed values.
 */
class ConfigurationMetadataTest {

    /** The classes bound under {@code fluxgate.*}. */
    private static final List<Class<?>> PROPERTIES_CLASSES = List.of(FluxgateCircuitBreakerProperties.class,
            FluxgatePatternProperties.Retries.class, FluxgatePatternProperties.Bulkheads.class,
            FluxgatePatternProperties.Timeouts.class, FluxgatePatternProperties.RateLimiters.class,
            FluxgatePatternProperties.Hedges.class, FluxgateChaosProperties.class,
            FluxgatePatternProperties.AdaptiveBulkheads.class);

    private static Map<String, Map<String, Object>> properties;
    private static Map<String, Map<String, Object>> hints;

    @BeforeAll
    static void readTheBuiltMetadata() throws Exception {
        // The file next to the compiled classes (target/classes or the jar), not any other jar's.
        URL location = FluxgateAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation();
        String base = location.toString();
        URL metadata = base.endsWith(".jar")
                ? URI.create("jar:" + base + "!/META-INF/spring-configuration-metadata.json").toURL()
                : URI.create(base + "META-INF/spring-configuration-metadata.json").toURL();
        String json;
        try (InputStream in = metadata.openStream()) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        properties = byName(JsonPath.read(json, "$.properties"));
        hints = byName(JsonPath.read(json, "$.hints"));
    }

    private static Map<String, Map<String, Object>> byName(List<Map<String, Object>> items) {
        Map<String, Map<String, Object>> map = new LinkedHashMap<>();
        for (Map<String, Object> item : items) {
            assertThat(map.put((String) item.get("name"), item)).as("duplicate entry %s", item.get("name")).isNull();
        }
        return map;
    }

    /** Every key the binder accepts, with its Java type; a map's keys are written {@code *}. */
    private static Map<String, Type> boundKeys() {
        Map<String, Type> keys = new LinkedHashMap<>();
        for (Class<?> type : PROPERTIES_CLASSES) {
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            walk(annotation.prefix(), type, keys);
        }
        return keys;
    }

    private static void walk(String prefix, Class<?> record, Map<String, Type> keys) {
        assertThat(record.isRecord()).as("%s is bound by constructor: a record", record).isTrue();
        for (RecordComponent c : record.getRecordComponents()) {
            String name = prefix + "." + kebab(c.getName());
            Type type = c.getGenericType();
            Class<?> raw = raw(type);
            if (Map.class.isAssignableFrom(raw)) {
                keys.put(name, type);
                Class<?> value = raw(((ParameterizedType) type).getActualTypeArguments()[1]);
                walk(name + ".*", value, keys);
            } else if (raw.isRecord()) {
                walk(name, raw, keys);
            } else {
                keys.put(name, type);
            }
        }
    }

    private static Class<?> raw(Type type) {
        return type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** The switches read outside the properties classes ({@code @ConditionalOnProperty}, the health indicator). */
    private static Set<String> switches() {
        Set<String> keys = new TreeSet<>();
        for (Class<?> type : List.of(FluxgateAutoConfiguration.class, FluxgateAutoConfiguration.AspectConfiguration.class,
                FluxgateMetricsAutoConfiguration.class)) {
            ConditionalOnProperty c = type.getAnnotation(ConditionalOnProperty.class);
            if (c != null) {
                Arrays.stream(c.name()).forEach(n -> keys.add(c.prefix() + "." + n));
            }
        }
        keys.add("fluxgate.metrics.naming"); // bound by FluxgateMetricsAutoConfiguration#fluxgateMeters
        keys.add("management.health.fluxgate.enabled"); // @ConditionalOnEnabledHealthIndicator("fluxgate")
        return keys;
    }

    @Test
    void everyBoundKeyHasAnEntryWithItsTypeAndADescription() {
        Map<String, Type> keys = boundKeys();
        assertThat(keys).containsKeys("fluxgate.circuitbreaker.instances.*.max-half-open-calls",
                "fluxgate.circuitbreaker.configs.*.tripper.half-open.failure-rate",
                "fluxgate.circuitbreaker.instances.*.allow-health-indicator-to-fail",
                "fluxgate.circuitbreaker.log-transitions", "fluxgate.retry.instances.*.backoff.jitter");
        keys.forEach((key, type) -> {
            assertThat(properties).as("metadata for %s", key).containsKey(key);
            Map<String, Object> entry = properties.get(key);
            assertThat((String) entry.get("description")).as("description of %s", key).isNotBlank()
                    .doesNotContain("{@");
            Class<?> raw = ClassUtils.resolvePrimitiveIfNecessary(raw(type));
            String expected = type instanceof ParameterizedType ? type.getTypeName() : raw.getName();
            assertThat(((String) entry.get("type")).replace(" ", "")).as("type of %s", key)
                    .isEqualTo(expected.replace(" ", ""));
        });
        for (String key : switches()) {
            assertThat(properties).as("metadata for %s", key).containsKey(key);
            assertThat((String) properties.get(key).get("description")).isNotBlank();
            assertThat(properties.get(key).get("defaultValue")).as("default of %s", key).isNotNull();
        }
    }

    @Test
    void enumKeysListTheirAllowedValuesAsHints() {
        Map<String, Class<?>> enumKeys = new LinkedHashMap<>();
        boundKeys().forEach((key, type) -> {
            if (type instanceof Class<?> c && c.isEnum()) {
                enumKeys.put(key, c);
            }
        });
        enumKeys.put("fluxgate.metrics.naming", dev.fluxgate.micrometer.MeterNaming.class);
        assertThat(enumKeys).containsKeys("fluxgate.circuitbreaker.instances.*.window.type",
                "fluxgate.circuitbreaker.configs.*.cooldown.type", "fluxgate.circuitbreaker.instances.*.permit.type",
                "fluxgate.retry.instances.*.backoff.type", "fluxgate.retry.instances.*.backoff.jitter");
        enumKeys.forEach((key, type) -> {
            assertThat(hints).as("hint for %s", key).containsKey(key);
            List<Map<String, Object>> values = JsonPath.read(hints.get(key), "$.values");
            Set<String> allowed = Arrays.stream(type.getEnumConstants())
                    .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT).replace('_', '-'))
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(values).as("values of %s", key).extracting(v -> (String) v.get("value"))
                    .containsExactlyInAnyOrderElementsOf(allowed);
            assertThat(values).allSatisfy(v -> assertThat((String) v.get("description")).isNotBlank());
        });
    }

    @Test
    void exceptionListsHintAtThrowableClasses() {
        boundKeys().keySet().stream().filter(k -> k.endsWith("-exceptions")).forEach(key -> {
            assertThat(hints).as("hint for %s", key).containsKey(key);
            List<String> targets = JsonPath.read(hints.get(key), "$.providers[?(@.name == 'class-reference')].parameters.target");
            assertThat(targets).as("class-reference of %s", key).containsExactly("java.lang.Throwable");
        });
    }

    @Test
    void everyDocumentedKeyPassesTheUnknownKeyCheck() {
        properties.keySet().stream().filter(k -> k.startsWith("fluxgate.")).forEach(key -> {
            ConfigurationPropertyName name = ConfigurationPropertyName.of(key.replace("*", "some-name"));
            assertThat(UnknownPropertyCheck.check(name, false)).as(key).isNull();
        });
    }

    @Test
    void theMetadataDocumentsNoKeyThatDoesNotExist() {
        Set<String> known = new TreeSet<>(boundKeys().keySet());
        known.addAll(switches());
        Set<String> documented = properties.keySet().stream().filter(k -> k.startsWith("fluxgate."))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).isSubsetOf(known);
        for (String hint : hints.keySet()) {
            String property = hint.endsWith(".keys") || hint.endsWith(".values")
                    ? hint.substring(0, hint.lastIndexOf('.')) : hint;
            assertThat(properties).as("hint %s refers to a documented key", hint).containsKey(property);
        }
    }
}
