package dev.fluxgate.demo;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * The report's data as JSON, through Jackson, with two rules of the page's own: NaN and infinities
 * (an empty window's failure rate, a bucket without calls) become {@code null}, which Chart.js
 * draws as a gap; and {@code <}, {@code >}, {@code &}, U+2028 and U+2029 are escaped, so that the
 * text can sit inside an HTML {@code <script>} element.
 *
 * <p>Thread-safe: the mapper is configured once and then only used.
 */
final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder(
                    new JsonFactoryBuilder().characterEscapes(new ScriptSafeEscapes()).build())
            .addModule(new SimpleModule("fluxgate-demo")
                    .addSerializer(Double.class, new FiniteDouble())
                    .addSerializer(Double.TYPE, new FiniteDouble())
                    .addSerializer(double[].class, new FiniteDoubles()))
            .build();

    private Json() {
    }

    /** {@code value} (maps, lists, strings, numbers, booleans, {@code double[]}, null) as JSON text. */
    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // maps, lists and numbers always serialize
        }
    }

    private static final class FiniteDouble extends StdSerializer<Double> {

        private static final long serialVersionUID = 1L;

        FiniteDouble() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            number(gen, value);
        }
    }

    private static final class FiniteDoubles extends StdSerializer<double[]> {

        private static final long serialVersionUID = 1L;

        FiniteDoubles() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] values, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeStartArray(values, values.length);
            for (double d : values) {
                number(gen, d);
            }
            gen.writeEndArray();
        }
    }

    private static void number(JsonGenerator gen, double d) throws IOException {
        if (Double.isFinite(d)) {
            gen.writeNumber(d);
        } else {
            gen.writeNull();
        }
    }

    /** Jackson's standard escapes, plus what could end a script element or a JavaScript string. */
    private static final class ScriptSafeEscapes extends CharacterEscapes {

        private static final long serialVersionUID = 1L;

        private final int[] ascii;

        ScriptSafeEscapes() {
            ascii = standardAsciiEscapesForJSON();
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public @Nullable SerializableString getEscapeSequence(int ch) {
            return ch == 0x2028 || ch == 0x2029 ? new SerializedString(String.format("\\u%04x", ch)) : null;
        }
    }
}
