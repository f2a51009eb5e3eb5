package dev.fluxgate.test;

import dev.fluxgate.Chaos;
import java.util.Objects;

/**
 * Plain assertions on a {@link Chaos} policy's switch and counters, usable from any test framework:
 * each failure throws an {@link AssertionError} whose message shows all the counters.
 *
 * <pre>{@code
 * ChaosAssert.assertThat(chaos).isEnabled().hasInjected(Chaos.Kind.EXCEPTION, 3).hasPassedThrough(97);
 * ChaosAssert.assertInjected(thrown);   // the failure a test saw was injected, not real
 * }</pre>
 *
 * <p>A {@code ChaosAssert} reads the counters at each assertion; it belongs to one test thread.
 */
public final class ChaosAssert {

    private final Chaos chaos;

    private ChaosAssert(Chaos chaos) {
        this.chaos = Objects.requireNonNull(chaos, "chaos");
    }

    /**
     * Starts assertions on {@code chaos}.
     *
     * @param chaos the policy to check
     * @return assertions on {@code chaos}
     */
    public static ChaosAssert assertThat(Chaos chaos) {
        return new ChaosAssert(chaos);
    }

    /**
     * Asserts that {@code thrown} is a fault a {@link Chaos} injected ({@link Chaos#isInjected(Throwable)}).
     *
     * @param thrown what a call threw
     * @throws AssertionError if it was not injected
     */
    public static void assertInjected(Throwable thrown) {
        if (!Chaos.isInjected(thrown)) {
            throw new AssertionError("expected an injected fault but got a real one: " + thrown, thrown);
        }
    }

    /**
     * Asserts that {@code thrown} is a real failure, not one a {@link Chaos} injected.
     *
     * @param thrown what a call threw
     * @throws AssertionError if it was injected
     */
    public static void assertNotInjected(Throwable thrown) {
        if (Chaos.isInjected(thrown)) {
            throw new AssertionError("expected a real failure but got an injected one: " + thrown, thrown);
        }
    }

    /**
     * Asserts the policy is injecting now.
     *
     * @return this, for more assertions
     */
    public ChaosAssert isEnabled() {
        if (!chaos.isEnabled()) {
            throw fail("enabled", "disabled");
        }
        return this;
    }

    /**
     * Asserts the policy is not injecting now.
     *
     * @return this, for more assertions
     */
    public ChaosAssert isDisabled() {
        if (chaos.isEnabled()) {
            throw fail("disabled", "enabled");
        }
        return this;
    }

    /**
     * Asserts the policy has injected exactly {@code expected} faults of {@code kind}.
     *
     * @param kind the kind of fault
     * @param expected how many it should have injected
     * @return this, for more assertions
     */
    public ChaosAssert hasInjected(Chaos.Kind kind, long expected) {
        long actual = chaos.injected(kind);
        if (actual != expected) {
            throw fail(expected + " injected " + kind, actual);
        }
        return this;
    }

    /**
     * Asserts exactly {@code expected} calls made while enabled passed through untouched.
     *
     * @param expected how many should have passed through
     * @return this, for more assertions
     */
    public ChaosAssert hasPassedThrough(long expected) {
        long actual = chaos.passedThrough();
        if (actual != expected) {
            throw fail(expected + " passed through", actual);
        }
        return this;
    }

    private AssertionError fail(String expected, Object actual) {
        StringBuilder counters = new StringBuilder();
        for (Chaos.Kind kind : Chaos.Kind.values()) {
            counters.append(kind).append('=').append(chaos.injected(kind)).append(", ");
        }
        counters.append("passedThrough=").append(chaos.passedThrough());
        return new AssertionError(chaos + ": expected " + expected + " but was " + actual + " [" + counters + "]");
    }
}
