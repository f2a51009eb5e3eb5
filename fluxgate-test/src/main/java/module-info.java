/** Test support for Fluxgate users: a manual ticker and breaker assertions. */
module dev.fluxgate.test {
    requires transitive dev.fluxgate;
    requires static org.jspecify; // @NullMarked: needed to compile, not at run time
    exports dev.fluxgate.test;
}
