package dev.fluxgate;

import java.net.http.HttpResponse;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the {@code Retry-After} header (RFC 9110, section 10.2.3) of a response that asks the client to
 * come back later: {@code 429 Too Many Requests} and {@code 503 Service Unavailable}.
 *
 * <pre>{@code
 * Retry retry = Retry.builder("catalog")
 *     .maxAttempts(4)
 *     .retryOnResult(r -> r instanceof HttpResponse<?> h && RetryAfter.asksToWait(h.statusCode()))
 *     .delayFrom(RetryAfter.httpResponse())      // waits as long as the server asks...
 *     .maxDelay(Duration.ofSeconds(30))          // ...up to 30 s; a longer wait gives up
 *     .build();
 * HttpResponse<String> response = retry.call(() -> client.send(request, BodyHandlers.ofString()));
 * }</pre>
 *
 * <p>The value is either {@code delta-seconds} (a non-negative decimal integer: {@code 120}) or an
 * {@code HTTP-date}: the preferred IMF-fixdate ({@code Sun, 06 Nov 1994 08:49:37 GMT}) and, as RFC 9110
 * section 5.6.7 asks of recipients, the obsolete RFC 850 ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and
 * asctime ({@code Sun Nov  6 08:49:37 1994}) forms. A date is turned into a delay against a wall clock
 * (an {@link InstantSource}, injectable for tests); a date in the past is a delay of zero. Anything
 * else is ignored (empty, so the retry falls back to its backoff): a negative or fractional number,
 * a date with a wrong weekday or a zone other than GMT, an empty value. Seconds beyond what a
 * {@link Duration} holds saturate to a delay longer than any cap, so the retry gives up.
 *
 * <p>The class uses the {@code java.net.http} module only in the methods that take an
 * {@link HttpResponse}; {@link #parse} and {@link #of(int, String, InstantSource)} (for other clients,
 * like the Spring helpers) work without it. Stateless and safe for concurrent use.
 */
public final class RetryAfter {

    /** The header's name. */
    public static final String HEADER = "Retry-After";

    private static final String DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
    private static final String LONG_DAY = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
    private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
    private static final Pattern DELTA_SECONDS = Pattern.compile("\\d+");
    /** {@code Sun, 06 Nov 1994 08:49:37 GMT} (case-sensitive, as the grammar is). */
    private static final Pattern IMF_FIXDATE = Pattern.compile(DAY + ", (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT");
    /** {@code Sunday, 06-Nov-94 08:49:37 GMT}. */
    private static final Pattern RFC_850 = Pattern.compile(LONG_DAY + ", (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT");
    /** {@code Sun Nov  6 08:49:37 1994}. */
    private static final Pattern ASCTIME = Pattern.compile(DAY + " " + MONTH + " ([ \\d]\\d) " + TIME + " (\\d{4})");
    private static final List<String> MONTHS = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
            "Sep", "Oct", "Nov", "Dec");

    /**
     * Whether {@code java.net.http} is in this program at all: without it no result can be an
     * {@link HttpResponse}, and testing for one would throw {@link NoClassDefFoundError}.
     */
    private static final boolean HTTP_PRESENT = httpPresent();
    private static final RetryDelay HTTP_RESPONSE = httpResponse(InstantSource.system(), "httpResponse()");

    private RetryAfter() {
    }

    /**
     * Whether a status code is one whose {@code Retry-After} this class honours: 429 (Too Many
     * Requests) or 503 (Service Unavailable).
     *
     * @param statusCode an HTTP status code
     * @return true for 429 and 503
     */
    public static boolean asksToWait(int statusCode) {
        return statusCode == 429 || statusCode == 503;
    }

    /**
     * The delay of a {@link java.net.http.HttpClient} response: its {@code Retry-After} when the status
     * is 429 or 503 and the value is valid (dates against the system clock). Other results and every
     * exception ask for none.
     *
     * @return the delay function, for {@link Retry.Builder#delayFrom(RetryDelay)} or
     *     {@link Cooldown#withDelayFrom(RetryDelay, Duration)}
     */
    public static RetryDelay httpResponse() {
        return HTTP_RESPONSE;
    }

    /**
     * {@link #httpResponse()} with HTTP-dates measured against {@code clock}.
     *
     * @param clock the wall clock an HTTP-date is compared with
     * @return the delay function
     * @throws NullPointerException if {@code clock} is null
     */
    public static RetryDelay httpResponse(InstantSource clock) {
        return httpResponse(Objects.requireNonNull(clock, "clock"), "httpResponse(" + clock + ")");
    }

    private static RetryDelay httpResponse(InstantSource clock, String description) {
        // HttpResponse is touched only when the function runs: loading this class needs no java.net.http.
        return new NamedDelay("RetryAfter." + description, (result, failure) ->
                failure == null && HTTP_PRESENT && result instanceof HttpResponse<?> response
                        ? of(response, clock) : Optional.empty());
    }

    private static boolean httpPresent() {
        try {
            Class.forName("java.net.http.HttpResponse", false, RetryAfter.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false; // a runtime image or module graph without java.net.http (the core requires it static)
        }
    }

    /**
     * The delay a response asks for: its first {@code Retry-After} value when its status is 429 or 503.
     *
     * @param response the response
     * @param clock the wall clock an HTTP-date is compared with
     * @return the delay, or empty for another status, no header, or an invalid value
     * @throws NullPointerException if an argument is null
     */
    public static Optional<Duration> of(HttpResponse<?> response, InstantSource clock) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(clock, "clock");
        if (!asksToWait(response.statusCode())) {
            return Optional.empty();
        }
        return parse(response.headers().firstValue(HEADER).orElse(null), clock);
    }

    /**
     * The delay any client's response asks for, from its status and its {@code Retry-After} value: the
     * building block of {@link #httpResponse()} and of the helpers for other clients.
     *
     * @param statusCode the response's status
     * @param headerValue the {@code Retry-After} value, or null when there is none
     * @param clock the wall clock an HTTP-date is compared with
     * @return the delay, or empty for a status other than 429 and 503, no value, or an invalid one
     * @throws NullPointerException if {@code clock} is null
     */
    public static Optional<Duration> of(int statusCode, @Nullable String headerValue, InstantSource clock) {
        Objects.requireNonNull(clock, "clock");
        return asksToWait(statusCode) ? parse(headerValue, clock) : Optional.empty();
    }

    /**
     * Parses a {@code Retry-After} value, whatever the status: delta-seconds or an HTTP-date (see the
     * class comment for the forms accepted). Surrounding whitespace is ignored.
     *
     * @param value the header value, or null
     * @param clock the wall clock an HTTP-date is compared with
     * @return the delay (zero for a date in the past), or empty when {@code value} is null or invalid
     * @throws NullPointerException if {@code clock} is null
     */
    public static Optional<Duration> parse(@Nullable String value, InstantSource clock) {
        Objects.requireNonNull(clock, "clock");
        if (value == null) {
            return Optional.empty();
        }
        String v = value.strip();
        if (DELTA_SECONDS.matcher(v).matches()) {
            return Optional.of(seconds(v));
        }
        Instant now = clock.instant();
        Instant date = httpDate(v, now);
        if (date == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(now, date);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    /** Delta-seconds; more than a long holds saturates to {@link RetryDelay#FOREVER} (longer than any cap). */
    private static Duration seconds(String digits) {
        try {
            return Duration.ofSeconds(Long.parseLong(digits));
        } catch (NumberFormatException tooLong) {
            return RetryDelay.FOREVER;
        }
    }

    /** An HTTP-date in one of its three forms, or null; {@code now} places a two-digit year. */
    static @Nullable Instant httpDate(String v, Instant now) {
        Matcher m = IMF_FIXDATE.matcher(v);
        if (m.matches()) {
            return date(m.group(1), Integer.parseInt(m.group(4)), m.group(3), m.group(2), m, 5);
        }
        m = RFC_850.matcher(v);
        if (m.matches()) {
            // RFC 9110: a two-digit year more than 50 years in the future is the most recent past year with those digits.
            int thisYear = LocalDateTime.ofInstant(now, ZoneOffset.UTC).getYear();
            int year = thisYear - Math.floorMod(thisYear, 100) + Integer.parseInt(m.group(4));
            if (year > thisYear + 50) {
                year -= 100;
            }
            return date(m.group(1), year, m.group(3), m.group(2), m, 5);
        }
        m = ASCTIME.matcher(v);
        if (m.matches()) {
            return date(m.group(1), Integer.parseInt(m.group(7)), m.group(2), m.group(3).strip(), m, 4);
        }
        return null;
    }

    /** The instant of a matched date whose time starts at group {@code timeGroup}, or null if no such date or a wrong weekday. */
    private static @Nullable Instant date(String day, int year, String month, String dayOfMonth, Matcher m, int timeGroup) {
        int second = Integer.parseInt(m.group(timeGroup + 2));
        if (second > 60) {
            return null;
        }
        try {
            // The grammar allows second 60 (a leap second): read as 59 for the checks, then one second later.
            LocalDateTime t = LocalDateTime.of(year, MONTHS.indexOf(month) + 1, Integer.parseInt(dayOfMonth),
                    Integer.parseInt(m.group(timeGroup)), Integer.parseInt(m.group(timeGroup + 1)), Math.min(second, 59));
            if (t.getDayOfWeek() != weekday(day)) {
                return null;
            }
            return t.toInstant(ZoneOffset.UTC).plusSeconds(second == 60 ? 1 : 0);
        } catch (DateTimeException invalid) {
            return null; // 31 Feb, hour 25 and the like
        }
    }

    private static DayOfWeek weekday(String threeLetters) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().regionMatches(true, 0, threeLetters, 0, 3)) {
                return d;
            }
        }
        throw new IllegalStateException(threeLetters); // the patterns admit only day names
    }
}
