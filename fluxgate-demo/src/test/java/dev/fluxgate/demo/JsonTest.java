package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesAndTurnsNaNIntoNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", 3);
        m.put("x", 0.25);
        m.put("whole", 2.0);
        m.put("nan", Double.NaN);
        m.put("list", List.of(true, "a"));
        m.put("pairs", List.of(new double[] {1.5, Double.NaN}));
        m.put("none", null);
        assertThat(Json.write(m)).isEqualTo(
                "{\"n\":3,\"x\":0.2500,\"whole\":2,\"nan\":null,\"list\":[true,\"a\"],\"pairs\":[[1.500,null]],\"none\":null}");
    }

    @Test
    void escapesWhatCouldEndAScriptElementOrAString() {
        assertThat(Json.write("</script>\"\\\n")).isEqualTo("\"\\u003c/script\\u003e\\\"\\\\\\n\"");
    }
}
