package dev.fluxgate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Durations as people write them: the one parser and the one formatter that Fluxgate uses wherever
 * a duration is read from text or shown as text (rule descriptions such as {@code fixed(10s)},
 * exception messages, the demo's command line and its report).
 *
 * <p>{@link #format(Duration)} writes the compact form: {@code 10s}, {@code 1m30s}, {@code 0.25s},
 * {@code 2h}, {@code 500ns}. {@link #parse(String)} reads that form back, and also what people
 * type: {@code 300ms}, {@code 1.5s}, {@code 5m}, {@code 1h}, {@code 2d}, {@code 1m 30s}, and
 * ISO-8601 ({@code PT1S}, {@code PT0.25S}). For every duration {@code d} of whole milliseconds (or
 * under one millisecond), {@code parse(format(d)).equals(d)}.
 *
 * <p>Stateless; every method is safe to call from any thread.
 */
public final class Durations {

    /** The forms {@link #parse} accepts, for messages. */
    private static final String FORMS = "a duration such as 300ms, 1.5s, 5m, 1h, 1m30s or ISO-8601 PT1S";

    /** One amount and its unit; units are tried longest first, so {@code ms} is not read as {@code m}. */
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)\\s*(ns|us|µs|ms|s|m|h|d)\\s*");

    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private Durations() {
    }

    /**
     * Reads a duration: one or more amounts with a unit, largest unit first ({@code 1m30s},
     * {@code 1.5s}, {@code 250ms}, {@code 2h}), optionally preceded by {@code -} or {@code +}; units are
     * {@code d}, {@code h}, {@code m}, {@code s}, {@code ms}, {@code us} (or {@code µs}) and
     * {@code ns}, in either case. Text starting with {@code P} (or {@code -P}) is read as ISO-8601
     * by {@link Duration#parse}. Surrounding whitespace is ignored. A bare number is rejected: its
     * unit would be a guess, so callers with a default unit append it themselves.
     *
     * @param text the text to read
     * @return the duration
     * @throws NullPointerException if {@code text} is null
     * @throws IllegalArgumentException naming {@code text} and the accepted forms, when it is not a
     *     duration, is finer than a nanosecond, or is too long for a {@link Duration}
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.strip();
        boolean negative = s.startsWith("-");
        String body = negative || s.startsWith("+") ? s.substring(1) : s;
        if (body.startsWith("P") || body.startsWith("p")) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw bad(text, e);
            }
        }
        String lower = body.toLowerCase(Locale.ROOT);
        Matcher m = PART.matcher(lower);
        BigInteger nanos = BigInteger.ZERO;
        int position = 0;
        int previousRank = -1;
        while (position < lower.length()) {
            m.region(position, lower.length());
            if (!m.lookingAt()) {
                throw bad(text, null);
            }
            Unit unit = Unit.of(m.group(2));
            if (unit.ordinal() <= previousRank) { // 30s1m, 1s1s: not a duration anyone means
                throw bad(text, null);
            }
            previousRank = unit.ordinal();
            BigDecimal amount = new BigDecimal(m.group(1)).multiply(unit.nanos);
            try {
                nanos = nanos.add(amount.toBigIntegerExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("duration must be a whole number of nanoseconds, was '" + text
                        + "'", e);
            }
            position = m.end();
        }
        if (position == 0) {
            throw bad(text, null);
        }
        if (negative) {
            nanos = nanos.negate();
        }
        BigInteger[] parts = nanos.divideAndRemainder(NANOS_PER_SECOND);
        try {
            return Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValue());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("duration is too long for java.time.Duration, was '" + text + "'", e);
        }
    }

    /**
     * Writes {@code duration} compactly and exactly: {@code 10s}, {@code 1m30s}, {@code 0.25s},
     * {@code 2.182050944s}, {@code 2h}, {@code 0s}; in nanoseconds below a millisecond ({@code 500ns});
     * a negative duration with a leading {@code -}. {@link #parse} reads it back to an equal duration.
     * To show a measured duration to a person, round it first ({@code d.truncatedTo(ChronoUnit.MILLIS)}).
     *
     * @param duration the duration to write
     * @return the text
     * @throws NullPointerException if {@code duration} is null
     */
    public static String format(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            Duration magnitude;
            try {
                magnitude = duration.negated();
            } catch (ArithmeticException e) {
                return duration.toString(); // the one duration with no positive twin: ISO, which parse() reads
            }
            return "-" + format(magnitude);
        }
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.compareTo(Duration.ofMillis(1)) < 0) {
            return duration.toNanos() + "ns";
        }
        // Duration's ISO form, PT1M30.25S, is already largest unit first with a decimal second, and exact.
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    private static IllegalArgumentException bad(String text, @Nullable Exception cause) {
        return new IllegalArgumentException("expected " + FORMS + ", was '" + text + "'", cause);
    }

    /** The units, largest first: a later part of the text must use a later unit. */
    private enum Unit {
        DAYS("d", 86_400_000_000_000L),
        HOURS("h", 3_600_000_000_000L),
        MINUTES("m", 60_000_000_000L),
        SECONDS("s", 1_000_000_000L),
        MILLIS("ms", 1_000_000L),
        MICROS("us", 1_000L),
        NANOS("ns", 1L);

        private final String symbol;
        private final BigDecimal nanos;

        Unit(String symbol, long nanos) {
            this.symbol = symbol;
            this.nanos = BigDecimal.valueOf(nanos);
        }

        static Unit of(String symbol) {
            String s = "µs".equals(symbol) ? "us" : symbol;
            for (Unit unit : values()) {
                if (unit.symbol.equals(s)) {
                    return unit;
                }
            }
            throw new AssertionError(symbol); // PART admits only the symbols above
        }
    }
}
