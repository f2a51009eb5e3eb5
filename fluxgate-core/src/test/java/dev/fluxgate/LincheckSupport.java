package dev.fluxgate;

import org.junit.jupiter.api.Assumptions;

/** Where Lincheck runs. */
final class LincheckSupport {

    private LincheckSupport() {
    }

    /**
     * Lincheck 2.39 instruments classes with ASM 9.6 and Byte Buddy 1.14, which read class files up to
     * Java 22/23; on newer JDKs it is skipped (the same checks run on JDK 17 in CI). Set
     * {@code -Dfluxgate.lincheck=true} to force it.
     */
    static void assumeRuns() {
        boolean forced = Boolean.getBoolean("fluxgate.lincheck");
        Assumptions.assumeTrue(forced || Runtime.version().feature() <= 21,
                "Lincheck 2.39 supports class files up to JDK 21-22; skipped on JDK " + Runtime.version().feature());
    }
}
