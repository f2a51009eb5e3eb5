package dev.fluxgate.spring;

import dev.fluxgate.Tripper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.convert.DurationStyle;

/**
 * Parses a tripper expression such as {@code minRequests(10) and (failureRate(0.5) or slowRate(0.8, 2s))}
 * into a {@link Tripper}, with the precedence {@code not} over {@code and} over {@code or}.
 *
 * <pre>
 * expr   := term (('or' | '|') term)*
 * term   := factor (('and' | '&amp;') factor)*
 * factor := ('not' | '~' | '!') factor | '(' expr ')' | name '(' [arg (',' arg)*] ')'
 * </pre>
 *
 * Durations are written as Boot writes them ({@code 500ms}, {@code 2s}, {@code 1m}) or in ISO-8601
 * ({@code PT2S}). Errors name the position and what was expected.
 */
final class TripperExpression {

    private final String text;
    private final List<String> tokens = new ArrayList<>();
    private final List<Integer> positions = new ArrayList<>();
    private int next;

    private TripperExpression(String text) {
        this.text = text;
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the position of the first problem
     */
    static Tripper parse(String text) {
        TripperExpression p = new TripperExpression(text);
        p.tokenize();
        if (p.tokens.isEmpty()) {
            throw new IllegalArgumentException("the expression is empty");
        }
        Tripper t = p.expr();
        if (p.next < p.tokens.size()) {
            throw p.error("expected 'and', 'or' or the end");
        }
        return t;
    }

    private void tokenize() {
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if ("()~!,".indexOf(c) >= 0) {
                add(String.valueOf(c), i++);
            } else if (c == '&' || c == '|') {
                int start = i;
                while (i < text.length() && text.charAt(i) == c) {
                    i++;
                }
                add(String.valueOf(c), start);
            } else if (Character.isLetterOrDigit(c) || c == '.' || c == '-') {
                int start = i;
                while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '.'
                        || text.charAt(i) == '-' || text.charAt(i) == '_')) {
                    i++;
                }
                add(text.substring(start, i), start);
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' at position " + (i + 1) + " of '" + text + "'");
            }
        }
    }

    private void add(String token, int position) {
        tokens.add(token);
        positions.add(position);
    }

    private Tripper expr() {
        Tripper left = term();
        while (accept("or") || accept("|")) {
            left = left.or(term());
        }
        return left;
    }

    private Tripper term() {
        Tripper left = factor();
        while (accept("and") || accept("&")) {
            left = left.and(factor());
        }
        return left;
    }

    private Tripper factor() {
        if (accept("not") || accept("~") || accept("!")) {
            return Tripper.not(factor());
        }
        if (accept("(")) {
            Tripper inner = expr();
            expect(")");
            return inner;
        }
        if (next >= tokens.size()) {
            throw error("expected a rule such as failureRate(0.5)");
        }
        int at = next;
        String name = tokens.get(next++);
        expect("(");
        List<String> args = new ArrayList<>();
        if (!accept(")")) {
            do {
                if (next >= tokens.size()) {
                    throw error("expected an argument");
                }
                args.add(tokens.get(next++));
            } while (accept(","));
            expect(")");
        }
        try {
            return call(name, args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage() + " (at position " + (positions.get(at) + 1) + " of '"
                    + text + "')", e);
        }
    }

    private static Tripper call(String name, List<String> args) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "closed":
                arity(name, args, 0);
                return Tripper.closed();
            case "halfopened", "halfopen":
                arity(name, args, 0);
                return Tripper.halfOpened();
            case "minrequests":
                arity(name, args, 1);
                return Tripper.minRequests(integer(name, args.get(0)));
            case "failurerate":
                arity(name, args, 1);
                return Tripper.failureRate(decimal(name, args.get(0)));
            case "slowrate":
                arity(name, args, 2);
                return Tripper.slowRate(decimal(name, args.get(0)), duration(name, args.get(1)));
            case "failurestreak":
                arity(name, args, 1);
                return Tripper.failureStreak(integer(name, args.get(0)));
            case "avglatency":
                arity(name, args, 1);
                return Tripper.avgLatency(duration(name, args.get(0)));
            default:
                throw new IllegalArgumentException("unknown rule '" + name + "'; known rules: closed(), halfOpened(), "
                        + "minRequests(n), failureRate(r), slowRate(r, duration), failureStreak(n), avgLatency(duration)");
        }
    }

    private static void arity(String name, List<String> args, int n) {
        if (args.size() != n) {
            throw new IllegalArgumentException(name + " takes " + n + " argument(s), was given " + args.size());
        }
    }

    private static int integer(String name, String arg) {
        try {
            return Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a whole number, was '" + arg + "'", e);
        }
    }

    private static double decimal(String name, String arg) {
        try {
            return Double.parseDouble(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number, was '" + arg + "'", e);
        }
    }

    private static Duration duration(String name, String arg) {
        try {
            return DurationStyle.detectAndParse(arg);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " needs a duration such as 500ms or 2s, was '" + arg + "'", e);
        }
    }

    private boolean accept(String token) {
        if (next < tokens.size() && tokens.get(next).equalsIgnoreCase(token)) {
            next++;
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw error("expected '" + token + "'");
        }
    }

    private IllegalArgumentException error(String expected) {
        String found = next < tokens.size() ? "'" + tokens.get(next) + "' at position " + (positions.get(next) + 1)
                : "the end";
        return new IllegalArgumentException(expected + ", found " + found + " in '" + text + "'");
    }
}
