package dev.fluxgate;

import java.util.Objects;

/**
 * The one rule for code that users plug into a pattern (listeners, entry listeners, predicates,
 * fallbacks, random sources, clocks) and the one rule for names.
 *
 * <p>Plugged-in code that throws anything, an {@link Error} included, never changes the outcome the
 * caller gets, never stops the other listeners, and never leaves a pattern in a half-updated state.
 * What it threw is logged once at {@code WARNING} on the pattern's {@link System.Logger} with the
 * pattern's kind and name and the role of the code, then:
 * <ul>
 *   <li>a listener's failure is ignored (the event still reached the listeners before and after it);</li>
 *   <li>a predicate's failure is replaced by the documented safe answer of that predicate (for example a
 *       tracker that throws counts the call as a failure);</li>
 *   <li>a fallback's failure is what the caller gets, with the original failure suppressed in it.</li>
 * </ul>
 *
 * <p>Names: every pattern and registry rejects a null name with {@link NullPointerException} and a
 * blank one with {@link IllegalArgumentException}, both naming the parameter.
 */
final class Plugged {

    private Plugged() {
    }

    /**
     * Logs that plugged-in code threw and was ignored or replaced.
     *
     * @param log the pattern's logger
     * @param owner the pattern, as {@code Kind 'name'} (for example {@code Retry 'payments'})
     * @param role what the code is (for example {@code "listener"}, {@code "tracker"})
     * @param code the code itself, printed with its {@code toString()}
     * @param consequence what happens instead (for example {@code "ignored"})
     * @param thrown what it threw
     */
    static void failed(System.Logger log, String owner, String role, Object code, String consequence,
            Throwable thrown) {
        try {
            log.log(System.Logger.Level.WARNING, owner + ": " + role + " " + code + " threw; " + consequence, thrown);
        } catch (Throwable loggingFailed) {
            // A broken logging backend (or a toString that throws) must not escape either.
        }
    }

    /**
     * Applies the rule to a fallback that threw {@code thrown} while answering {@code original}: logs it
     * and attaches {@code original} to it as suppressed, so that the caller, who gets {@code thrown},
     * still sees what failed first. A fallback that rethrows {@code original} itself has chosen to pass
     * it on: nothing is logged or attached.
     */
    static void fallbackFailed(System.Logger log, String owner, Object fallback, Throwable thrown, Throwable original) {
        if (thrown == original) {
            return;
        }
        failed(log, owner, "fallback", fallback, "the caller gets what it threw, the original failure suppressed", thrown);
        try {
            thrown.addSuppressed(original);
        } catch (RuntimeException notSuppressible) {
            // an exception that refuses suppression (or a broken override): the caller still gets it
        }
    }

    /** {@code Kind 'name'}, the owner text of {@link #failed}. */
    static String owner(String kind, String name) {
        return kind + " '" + name + "'";
    }

    /**
     * Checks a pattern's name: not null, not blank.
     *
     * @return {@code name}
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    static String requireName(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank (got \"" + name + "\")");
        }
        return name;
    }
}
