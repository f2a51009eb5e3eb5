package dev.fluxgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNestedValuesAndTurnsNaNAndInfinityIntoNull() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("n", 3);
        m.put("x", 0.25);
        m.put("nan", Double.NaN);
        m.put("inf", Double.NEGATIVE_INFINITY);
        m.put("list", List.of(true, "a"));
        m.put("pairs", List.of(new double[] {1.5, Double.NaN}, new double[] {2, Double.POSITIVE_INFINITY}));
        m.put("none", null);
        assertThat(Json.write(m)).isEqualTo("{\"n\":3,\"x\":0.25,\"nan\":null,\"inf\":null,\"list\":[true,\"a\"],"
                + "\"pairs\":[[1.5,null],[2.0,null]],\"none\":null}");
    }

    @Test
    void escapesWhatCouldEndAScriptElementOrAJavaScriptString() throws Exception {
        String text = "</script><!-- & \"\\\n\u2028\u2029";
        String json = Json.write(text);
        assertThat(json).doesNotContain("<", ">", "&", "\u2028", "\u2029", "\n")
                .isEqualToIgnoringCase("\"\\u003c/script\\u003e\\u003c!-- \\u0026 \\\"\\\\\\n\\u2028\\u2029\"");
        assertThat(new ObjectMapper().readValue(json, String.class)).isEqualTo(text); // still the same string
    }

    @Test
    void theReportDataRoundTripsThroughAStandardParser() throws Exception {
        RunRecorder run = new RunRecorder("with Fluxgate", 1_000_000_000L, true);
        run.started(0);
        run.completed(0, 5_000_000, RunRecorder.Outcome.SUCCESS);
        run.sample(100_000_000, Double.NaN);
        Map<String, Object> data = Report.data("t <b>", "s", List.of(), 10, 0.5, List.of(run), null,
                Map.of("window", "w"), List.of("n"));
        JsonNode tree = new ObjectMapper().readTree(Json.write(data));
        assertThat(tree.get("title").asText()).isEqualTo("t <b>");
        assertThat(tree.at("/runs/0/buckets/0/ok").asInt()).isEqualTo(1);
        assertThat(tree.at("/runs/0/buckets/0/failureRate").asDouble()).isZero();
        assertThat(tree.at("/runs/0/buckets/0/p50").asDouble()).isEqualTo(5.0);
        assertThat(tree.at("/runs/0/samples/0/1").isNull()).isTrue();
    }
}
