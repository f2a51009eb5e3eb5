package dev.fluxgate;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the text form of a {@link Tripper} (the grammar is documented on {@link Tripper#parse}) and
 * writes the durations and numbers of {@link Tripper#toString()} so that they read back exactly.
 *
 * <p>A recursive-descent parser over a token list. Characters that start no token become an
 * {@code INVALID} token that no rule accepts, so every error, lexical or not, reads the same way:
 * the 1-based position, what was expected there and what was found.
 */
final class TripperParser {

    static final String RULES = "closed(), halfOpened(), minRequests(n), failureRate(r), slowRate(r, duration), "
            + "failureStreak(n), avgLatency(duration)";

    private static final String A_RULE = "a rule (" + RULES + ")";
    private static final String A_DURATION = "a duration (such as 250ms, 1.5s, 1m30s or PT2S)";
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private enum Kind { WORD, OPEN, CLOSE, COMMA, NOT, AND, OR, INVALID, END }

    private record Token(Kind kind, String text, int position) {
        /** How an error message names this token. */
        String found() {
            return kind == Kind.END ? "end of text" : "'" + text + "'";
        }
    }

    private final String text;
    private final List<Token> tokens = new ArrayList<>();
    private int next;

    private TripperParser(String text) {
        this.text = text;
    }

    static Tripper parse(String text) {
        TripperParser p = new TripperParser(text);
        p.tokenize();
        Tripper t = p.or();
        p.expectEnd();
        return t;
    }

    // ---- tokens ----

    private void tokenize() {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            if (c == '(') {
                add(Kind.OPEN, start, ++i);
            } else if (c == ')') {
                add(Kind.CLOSE, start, ++i);
            } else if (c == ',') {
                add(Kind.COMMA, start, ++i);
            } else if (c == '~' || c == '!') {
                add(Kind.NOT, start, ++i);
            } else if (c == '&' || c == '|') {
                // '&' and '&&' (likewise '|' and '||') are one operator; a third is a new token.
                i += i + 1 < n && text.charAt(i + 1) == c ? 2 : 1;
                add(c == '&' ? Kind.AND : Kind.OR, start, i);
            } else if (wordChar(c)) {
                while (i < n && wordChar(text.charAt(i))) {
                    i++;
                }
                String word = text.substring(start, i);
                Kind kind = word.equalsIgnoreCase("and") ? Kind.AND
                        : word.equalsIgnoreCase("or") ? Kind.OR
                        : word.equalsIgnoreCase("not") ? Kind.NOT : Kind.WORD;
                add(kind, start, i);
            } else {
                add(Kind.INVALID, start, i + Character.charCount(text.codePointAt(i)));
                i += Character.charCount(text.codePointAt(i));
            }
        }
        tokens.add(new Token(Kind.END, "", n));
    }

    /** Names, numbers and durations ({@code 1.5e-3}, {@code -2s}, {@code PT0.5S}) are one kind of token. */
    private static boolean wordChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '+' || c == '-');
    }

    private void add(Kind kind, int start, int end) {
        tokens.add(new Token(kind, text.substring(start, end), start));
    }

    private Token peek() {
        return tokens.get(next);
    }

    private boolean accept(Kind kind) {
        if (peek().kind() == kind) {
            next++;
            return true;
        }
        return false;
    }

    // ---- grammar ----

    private Tripper or() {
        Tripper left = and();
        while (accept(Kind.OR)) {
            left = left.or(and());
        }
        return left;
    }

    private Tripper and() {
        Tripper left = unary();
        while (accept(Kind.AND)) {
            left = left.and(unary());
        }
        return left;
    }

    private Tripper unary() {
        if (accept(Kind.NOT)) {
            return Tripper.not(unary());
        }
        if (accept(Kind.OPEN)) {
            Tripper inner = or();
            if (!accept(Kind.CLOSE)) {
                throw expected("'and', 'or' or ')'", peek());
            }
            return inner;
        }
        return rule();
    }

    private void expectEnd() {
        if (peek().kind() != Kind.END) {
            throw expected("'and', 'or' or end of text", peek());
        }
    }

    private Tripper rule() {
        Token name = peek();
        if (name.kind() != Kind.WORD || !NAME.matcher(name.text()).matches()) {
            throw expected(A_RULE, name);
        }
        next++;
        String key = name.text().toLowerCase(Locale.ROOT);
        return switch (key) {
            case "closed" -> {
                arguments(name, "closed()", 0);
                yield Tripper.closed();
            }
            case "halfopened", "halfopen" -> {
                arguments(name, "halfOpened()", 0);
                yield Tripper.halfOpened();
            }
            case "minrequests" -> {
                Token n = arguments(name, "minRequests(n)", 1).get(0);
                int value = whole(n);
                yield build(n, () -> Tripper.minRequests(value));
            }
            case "failurerate" -> {
                Token r = arguments(name, "failureRate(r)", 1).get(0);
                double value = decimal(r);
                yield build(r, () -> Tripper.failureRate(value));
            }
            case "slowrate" -> {
                List<Token> args = arguments(name, "slowRate(r, duration)", 2);
                double ratio = decimal(args.get(0));
                Duration threshold = duration(args.get(1));
                // Check the ratio alone first so that an error points at the argument that is wrong.
                build(args.get(0), () -> Tripper.ratio("slowRate ratio", ratio));
                yield build(args.get(1), () -> Tripper.slowRate(ratio, threshold));
            }
            case "failurestreak" -> {
                Token n = arguments(name, "failureStreak(n)", 1).get(0);
                int value = whole(n);
                yield build(n, () -> Tripper.failureStreak(value));
            }
            case "avglatency" -> {
                Token d = arguments(name, "avgLatency(duration)", 1).get(0);
                Duration value = duration(d);
                yield build(d, () -> Tripper.avgLatency(value));
            }
            default -> throw error(name.position(), "unknown rule '" + name.text() + "'; expected one of " + RULES);
        };
    }

    /** Reads {@code ( arg, ... )} with exactly {@code arity} arguments, each one token. */
    private List<Token> arguments(Token name, String signature, int arity) {
        if (!accept(Kind.OPEN)) {
            throw expected("'(' after " + name.text() + " (" + signature + ")", peek());
        }
        List<Token> args = new ArrayList<>(arity);
        for (int i = 0; i < arity; i++) {
            if (i > 0 && !accept(Kind.COMMA)) {
                throw expected("',' and " + (arity - i == 1 ? "another argument" : "more arguments") + " ("
                        + signature + ")", peek());
            }
            Token arg = peek();
            if (arg.kind() != Kind.WORD) {
                throw expected("an argument (" + signature + ")", arg);
            }
            next++;
            args.add(arg);
        }
        if (!accept(Kind.CLOSE)) {
            throw expected("')'" + (arity == 0 ? " (" + signature + " takes no argument)"
                    : " (" + signature + " takes " + arity + (arity == 1 ? " argument)" : " arguments)")), peek());
        }
        return args;
    }

    /** Runs a factory; its own message about a bad argument gets the argument's position. */
    private <T> T build(Token at, Supplier<T> factory) {
        try {
            return factory.get();
        } catch (IllegalArgumentException e) {
            IllegalArgumentException positioned = error(at.position(), e.getMessage());
            positioned.initCause(e);
            throw positioned;
        }
    }

    // ---- arguments ----

    private int whole(Token t) {
        if (!WHOLE.matcher(t.text()).matches()) {
            throw expected("a whole number", t);
        }
        try {
            return Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
            throw expected("a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE, t);
        }
    }

    private double decimal(Token t) {
        if (!DECIMAL.matcher(t.text()).matches()) {
            throw expected("a number such as 0.5", t);
        }
        return Double.parseDouble(t.text());
    }

    /** Reads a duration with the one parser of the library, {@link Durations#parse}; errors get the position. */
    private Duration duration(Token t) {
        Duration d;
        try {
            d = Durations.parse(t.text());
        } catch (IllegalArgumentException e) {
            throw expected(A_DURATION + ", with a unit of ns, us, ms, s, m, h or d, largest first,", t);
        }
        return d; // its range is the factory's to check, with the factory's message
    }

    // ---- errors ----

    private IllegalArgumentException expected(String what, Token found) {
        return error(found.position(), "expected " + what + " but found " + found.found());
    }

    private IllegalArgumentException error(int position, @Nullable String message) {
        return new IllegalArgumentException("at position " + (position + 1) + ": " + message + " (in \"" + text + "\")");
    }

    // ---- writing ----

    /** A ratio as {@link Double#toString} writes it ({@code 0.5}, {@code 1.0}), without an exponent. */
    static String number(double value) {
        String s = Double.toString(value);
        return s.indexOf('E') < 0 ? s : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
