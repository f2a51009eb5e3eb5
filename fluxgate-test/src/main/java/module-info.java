/** Test support for Fluxgate users: a manual ticker and breaker assertions. */
module dev.fluxgate.test {
    requires transitive dev.fluxgate;
    exports dev.fluxgate.test;
}
