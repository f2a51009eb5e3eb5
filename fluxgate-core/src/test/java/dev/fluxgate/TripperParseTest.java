package dev.fluxgate;

import static dev.fluxgate.Tripper.avgLatency;
import static dev.fluxgate.Tripper.closed;
import static dev.fluxgate.Tripper.failureRate;
import static dev.fluxgate.Tripper.failureStreak;
import static dev.fluxgate.Tripper.halfOpened;
import static dev.fluxgate.Tripper.minRequests;
import static dev.fluxgate.Tripper.not;
import static dev.fluxgate.Tripper.slowRate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link Tripper#parse}: the grammar, the round trip with {@code toString()}, and the errors. */
class TripperParseTest {

    private static final String RULES = "closed(), halfOpened(), minRequests(n), failureRate(r), "
            + "slowRate(r, duration), failureStreak(n), avgLatency(duration)";

    private static final Tripper A = failureStreak(3);
    private static final Tripper B = minRequests(10);
    private static final Tripper C = failureRate(0.5);

    // ---- grammar ----

    @Test
    void notBindsTighterThanAndWhichBindsTighterThanOr() {
        assertThat(Tripper.parse("failureStreak(3) or minRequests(10) and failureRate(0.5)")).isEqualTo(A.or(B.and(C)));
        assertThat(Tripper.parse("failureStreak(3) and minRequests(10) or failureRate(0.5)")).isEqualTo(A.and(B).or(C));
        assertThat(Tripper.parse("not closed() and failureRate(0.5)")).isEqualTo(not(closed()).and(C));
        assertThat(Tripper.parse("not (closed() and failureRate(0.5))")).isEqualTo(not(closed().and(C)));
        assertThat(Tripper.parse("(failureStreak(3) or minRequests(10)) and failureRate(0.5)")).isEqualTo(A.or(B).and(C));
    }

    @Test
    void binaryOperatorsGroupFromTheLeft() {
        assertThat(Tripper.parse("failureStreak(3) or minRequests(10) or failureRate(0.5)")).isEqualTo(A.or(B).or(C))
                .isNotEqualTo(A.or(B.or(C)));
        assertThat(Tripper.parse("failureStreak(3) and minRequests(10) and failureRate(0.5)")).isEqualTo(A.and(B).and(C));
    }

    @Test
    void symbolsAreSynonymsOfTheWords() {
        Tripper expected = B.and(C.or(slowRate(0.8, Duration.ofSeconds(2))).or(avgLatency(Duration.ofMillis(500))));
        assertThat(Tripper.parse("minRequests(10) & (failureRate(0.5) | slowRate(0.8, 2s) || avgLatency(PT0.5S))"))
                .isEqualTo(expected);
        assertThat(Tripper.parse("~halfOpened() && failureStreak(2)")).isEqualTo(halfOpened().negate().and(failureStreak(2)));
        assertThat(Tripper.parse("!closed()")).isEqualTo(not(closed()));
        assertThat(Tripper.parse("not not closed()")).as("not twice is the rule itself").isEqualTo(closed());
    }

    @Test
    void namesAndWordsIgnoreCaseAndHalfOpenIsAnAlias() {
        assertThat(Tripper.parse("MINREQUESTS(5) AND Not HalfOpen() Or FAILURERATE(1)"))
                .isEqualTo(minRequests(5).and(not(halfOpened())).or(failureRate(1.0)));
    }

    @Test
    void whitespaceGoesAnywhereBetweenTokensAndIsNeededOnlyBetweenWords() {
        Tripper expected = minRequests(5).and(failureRate(0.5));
        assertThat(Tripper.parse("  minRequests ( 5 )\tand\n( failureRate( 0.5 ) )  ")).isEqualTo(expected);
        assertThat(Tripper.parse("minRequests(5)and(failureRate(0.5))")).isEqualTo(expected);
        assertThat(Tripper.parse("~closed()&failureStreak(3)|avgLatency(1s)"))
                .isEqualTo(not(closed()).and(failureStreak(3)).or(avgLatency(Duration.ofSeconds(1))));
    }

    @ParameterizedTest(name = "{0} = {1} ns")
    @CsvSource({
        "500ns, 500",
        "10us, 10000",
        "250ms, 250000000",
        "1.5s, 1500000000",
        ".5s, 500000000",
        "0.0015s, 1500000",
        "2m, 120000000000",
        "1m30s, 90000000000",
        "1.5h, 5400000000000",
        "1h0.5s, 3600500000000",
        "3d, 259200000000000",
        "2S, 2000000000",
        "+2s, 2000000000",
        "1d2h3m4s5ms6us7ns, 93784005006007",
        "PT2S, 2000000000",
        "pt0.5s, 500000000",
        "PT1M30.25S, 90250000000",
        "2.182050944s, 2182050944",
        "2562047h47m16.854775807s, 9223372036854775807"
    })
    void durationsReadWithAUnitCompoundOrIso(String text, long nanos) {
        assertThat(Tripper.parse("avgLatency(" + text + ")")).isEqualTo(avgLatency(Duration.ofNanos(nanos)));
        assertThat(Tripper.parse("slowRate(0.5, " + text + ")")).isEqualTo(slowRate(0.5, Duration.ofNanos(nanos)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1, 1.0", "0.25, 0.25", ".25, 0.25", "5e-3, 0.005", "2.5E-1, 0.25", "+0.5, 0.5", "1.0, 1.0"})
    void ratiosReadAsDecimalNumbers(String text, double ratio) {
        assertThat(Tripper.parse("failureRate(" + text + ")")).isEqualTo(failureRate(ratio));
    }

    // ---- toString reads back ----

    @Test
    void toStringPrintsTheFactoryCalls() {
        assertThat(closed()).hasToString("closed()");
        assertThat(halfOpened()).hasToString("halfOpened()");
        assertThat(minRequests(10)).hasToString("minRequests(10)");
        assertThat(failureRate(0.5)).hasToString("failureRate(0.5)");
        assertThat(failureRate(1e-4)).as("no exponent").hasToString("failureRate(0.0001)");
        assertThat(slowRate(0.8, Duration.ofMillis(250))).hasToString("slowRate(0.8, 0.25s)");
        assertThat(failureStreak(5)).hasToString("failureStreak(5)");
        assertThat(avgLatency(Duration.ofNanos(2_182_050_944L))).as("exact, not rounded to the millisecond")
                .hasToString("avgLatency(2.182050944s)");
        assertThat(avgLatency(Duration.ofNanos(500))).hasToString("avgLatency(500ns)");
        assertThat(avgLatency(Duration.ofNanos(1_500_000))).hasToString("avgLatency(0.0015s)");
        assertThat(avgLatency(Duration.ofSeconds(90))).hasToString("avgLatency(1m30s)");
        assertThat(avgLatency(Duration.ofDays(2))).hasToString("avgLatency(48h)");
    }

    @Test
    void toStringBracketsWhatPrecedenceAndLeftGroupingWouldOtherwiseChange() {
        assertThat(A.or(B).and(C)).hasToString("(failureStreak(3) or minRequests(10)) and failureRate(0.5)");
        assertThat(A.and(B.or(C))).hasToString("failureStreak(3) and (minRequests(10) or failureRate(0.5))");
        assertThat(A.or(B).or(C)).hasToString("failureStreak(3) or minRequests(10) or failureRate(0.5)");
        assertThat(A.or(B.or(C))).hasToString("failureStreak(3) or (minRequests(10) or failureRate(0.5))");
        assertThat(A.and(B.and(C))).hasToString("failureStreak(3) and (minRequests(10) and failureRate(0.5))");
        assertThat(not(A.or(B))).hasToString("not(failureStreak(3) or minRequests(10))");
        assertThat(not(A).or(B)).hasToString("not(failureStreak(3)) or minRequests(10)");
    }

    @Test
    void everyFactoryAndEveryCombinationReadsBackEqual() {
        List<Tripper> leaves = List.of(closed(), halfOpened(), minRequests(1), minRequests(Integer.MAX_VALUE),
                failureRate(1.0), failureRate(0.5), failureRate(Double.MIN_VALUE), failureRate(Math.nextDown(1.0)),
                slowRate(1.0, Duration.ofNanos(1)), slowRate(0.3, Tripper.MAX_DURATION),
                slowRate(1e-9, Duration.ofMillis(1)), failureStreak(1), failureStreak(Integer.MAX_VALUE),
                avgLatency(Duration.ofNanos(999_999)), avgLatency(Duration.ofMillis(1)),
                avgLatency(Duration.ofSeconds(86_400, 1)), avgLatency(Tripper.MAX_DURATION));
        List<Tripper> all = new ArrayList<>(leaves);
        for (Tripper x : leaves) {
            all.add(not(x));
        }
        Tripper[] parts = {A, B, C, not(A)};
        for (Tripper x : parts) {
            for (Tripper y : parts) {
                for (Tripper z : parts) {
                    // Every shape of two operators over three rules, each operator either kind.
                    all.add(x.and(y).and(z));
                    all.add(x.and(y).or(z));
                    all.add(x.or(y).and(z));
                    all.add(x.or(y).or(z));
                    all.add(x.and(y.and(z)));
                    all.add(x.and(y.or(z)));
                    all.add(x.or(y.and(z)));
                    all.add(x.or(y.or(z)));
                    all.add(not(x.and(y)).or(z));
                    all.add(x.and(not(y.or(z))));
                }
            }
        }
        for (Tripper t : all) {
            assertReadsBack(t);
        }
    }

    @Test
    void hundredsOfRandomTreesReadBackEqual() {
        for (long seed : new long[] {1, 2, 3, 42, 20_261_123}) {
            Random random = new Random(seed);
            Set<String> distinct = new HashSet<>();
            for (int i = 0; i < 300; i++) {
                Tripper t = randomTripper(random, 4);
                assertReadsBack(t);
                distinct.add(t.toString());
            }
            assertThat(distinct).as("the generator makes varied trees (seed %d)", seed).hasSizeGreaterThan(150);
        }
    }

    private static void assertReadsBack(Tripper t) {
        String text = t.toString();
        Tripper back = Tripper.parse(text);
        assertThat(back).as(text).isEqualTo(t).hasSameHashCodeAs(t).hasToString(text);
    }

    private static Tripper randomTripper(Random r, int depth) {
        return switch (r.nextInt(depth == 0 ? 7 : 11)) {
            case 0 -> closed();
            case 1 -> halfOpened();
            case 2 -> minRequests(count(r));
            case 3 -> failureRate(ratio(r));
            case 4 -> slowRate(ratio(r), duration(r));
            case 5 -> failureStreak(count(r));
            case 6 -> avgLatency(duration(r));
            case 7 -> randomTripper(r, depth - 1).and(randomTripper(r, depth - 1));
            case 8 -> randomTripper(r, depth - 1).or(randomTripper(r, depth - 1));
            case 9 -> not(randomTripper(r, depth - 1));
            default -> randomTripper(r, depth - 1);
        };
    }

    private static int count(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> 1;
            case 1 -> Integer.MAX_VALUE;
            case 2 -> 1 + r.nextInt(100);
            default -> 1 + r.nextInt(Integer.MAX_VALUE);
        };
    }

    private static double ratio(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> 1.0;
            case 1 -> (1 + r.nextInt(100)) / 100.0;
            case 2 -> Math.pow(10, -1 - r.nextInt(12)) * (1 + r.nextInt(9));
            case 3 -> Math.nextUp(0.0) * (1 + r.nextInt(1000));
            default -> 1.0 - r.nextDouble(); // in (0, 1]
        };
    }

    private static Duration duration(Random r) {
        return switch (r.nextInt(6)) {
            case 0 -> Duration.ofNanos(1 + r.nextInt(999_999));
            case 1 -> Duration.ofMillis(1 + r.nextInt(100_000));
            case 2 -> Duration.ofSeconds(r.nextInt(1_000_000), r.nextInt(1_000_000_000)).plusNanos(1);
            case 3 -> Duration.ofMinutes(1 + r.nextInt(10_000));
            case 4 -> Tripper.MAX_DURATION.minusNanos(r.nextInt(1000));
            default -> Duration.ofNanos(1 + (r.nextLong() >>> 1) % (Long.MAX_VALUE - 1));
        };
    }

    // ---- errors ----

    @Test
    void aMissingRuleNamesThePositionAndTheRules() {
        assertThatThrownBy(() -> Tripper.parse("failureRate(0.5) and")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("at position 21: expected a rule (" + RULES + ") but found end of text"
                        + " (in \"failureRate(0.5) and\")");
        assertThatThrownBy(() -> Tripper.parse("")).hasMessageStartingWith("at position 1: expected a rule (");
        assertThatThrownBy(() -> Tripper.parse("   ")).hasMessageStartingWith("at position 4: expected a rule (")
                .hasMessageContaining("but found end of text");
        assertThatThrownBy(() -> Tripper.parse("closed() and or halfOpened()"))
                .hasMessageStartingWith("at position 14: expected a rule (").hasMessageContaining("but found 'or'");
        assertThatThrownBy(() -> Tripper.parse("5 and closed()"))
                .hasMessageStartingWith("at position 1: expected a rule (").hasMessageContaining("but found '5'");
        assertThatThrownBy(() -> Tripper.parse("failureRate(0.5) &&& closed()"))
                .hasMessageStartingWith("at position 20: expected a rule (").hasMessageContaining("but found '&'");
        assertThatThrownBy(() -> Tripper.parse("not")).hasMessageStartingWith("at position 4: expected a rule (");
    }

    @Test
    void anUnknownNameListsTheValidNames() {
        assertThatThrownBy(() -> Tripper.parse("minRequests(5) and failureRates(0.5)"))
                .hasMessageStartingWith("at position 20: unknown rule 'failureRates'; expected one of " + RULES);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "failureRate(0.5) failureStreak(2) | at position 18: expected 'and', 'or' or end of text but found 'failureStreak'",
        "failureRate(0.5) ; x              | at position 18: expected 'and', 'or' or end of text but found ';'",
        "(failureRate(0.5)                 | at position 18: expected 'and', 'or' or ')' but found end of text",
        "(closed() halfOpened())           | at position 11: expected 'and', 'or' or ')' but found 'halfOpened'",
        "closed() )                        | at position 10: expected 'and', 'or' or end of text but found ')'",
        "closed                            | at position 7: expected '(' after closed (closed()) but found end of text",
        "failureRate 0.5                   | at position 13: expected '(' after failureRate (failureRate(r)) but found '0.5'",
        "closed(1)                         | at position 8: expected ')' (closed() takes no argument) but found '1'",
        "minRequests()                     | at position 13: expected an argument (minRequests(n)) but found ')'",
        "minRequests(1, 2)                 | at position 14: expected ')' (minRequests(n) takes 1 argument) but found ','",
        "slowRate(0.5)                     | at position 13: expected ',' and another argument (slowRate(r, duration)) but found ')'",
        "slowRate(0.5, 1s, 2s)             | at position 17: expected ')' (slowRate(r, duration) takes 2 arguments) but found ','",
        "slowRate(0.5 1s)                  | at position 14: expected ',' and another argument (slowRate(r, duration)) but found '1s'",
    })
    void aSyntaxErrorNamesThePositionWhatWasExpectedAndWhatWasFound(String text, String message) {
        assertThatThrownBy(() -> Tripper.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message + " (in \"" + text + "\")");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "minRequests(1.5)               | at position 13: expected a whole number but found '1.5'",
        "failureStreak(many)            | at position 15: expected a whole number but found 'many'",
        "minRequests(99999999999)       | at position 13: expected a whole number from -2147483648 to 2147483647 but found '99999999999'",
        "failureRate(half)              | at position 13: expected a number such as 0.5 but found 'half'",
        "failureRate(NaN)               | at position 13: expected a number such as 0.5 but found 'NaN'",
        "failureRate(1d)                | at position 13: expected a number such as 0.5 but found '1d'",
        "avgLatency(soon)               | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found 'soon'",
        "avgLatency(500)                | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '500'",
        "avgLatency(2y)                 | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '2y'",
        "avgLatency(1.5ns)              | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '1.5ns'",
        "avgLatency(30s1m)              | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '30s1m'",
        "avgLatency(1s1s)               | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '1s1s'",
        "avgLatency(PT2X)               | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found 'PT2X'",
        "avgLatency(-)                  | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '-'",
        "avgLatency(1e3s)               | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '1e3s'",
        "avgLatency(99999999999999999999d) | at position 12: expected a duration (such as 250ms, 1.5s, 1m30s or PT2S), with a unit of ns, us, ms, s, m, h or d, largest first, but found '99999999999999999999d'",
        "avgLatency(1s ms)              | at position 15: expected ')' (avgLatency(duration) takes 1 argument) but found 'ms'",
    })
    void anArgumentOfTheWrongShapeNamesItsPositionAndTheShapeExpected(String text, String message) {
        assertThatThrownBy(() -> Tripper.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message + " (in \"" + text + "\")");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "minRequests(0)             | at position 13: minRequests n must be >= 1, was 0",
        "failureStreak(-1)          | at position 15: failureStreak n must be >= 1, was -1",
        "failureRate(2)             | at position 13: failureRate ratio must be in (0, 1], was 2.0",
        "closed() or failureRate(0) | at position 25: failureRate ratio must be in (0, 1], was 0.0",
        "slowRate(1.5, 2s)          | at position 10: slowRate ratio must be in (0, 1], was 1.5",
        "slowRate(0.5, 0s)          | at position 15: slowRate threshold must be a positive duration",
        "avgLatency(-2s)            | at position 12: avgLatency threshold must be a positive duration",
        "avgLatency(106752d)        | at position 12: avgLatency threshold must be a positive duration of at most",
    })
    void anArgumentOutOfRangeGetsItsFactorysMessageAndPosition(String text, String message) {
        assertThatThrownBy(() -> Tripper.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message).hasMessageEndingWith(" (in \"" + text + "\")")
                .cause().isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("position");
    }

    @Test
    void nullIsRejectedByName() {
        assertThatThrownBy(() -> Tripper.parse(null)).isInstanceOf(NullPointerException.class).hasMessage("expression");
    }
}
