package dev.fluxgate;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A manual ticker for the core's own tests (fluxgate-test's ManualTicker depends on the core). */
final class TestTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long read() {
        return nanos.get();
    }

    TestTicker advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        return this;
    }

    TestTicker advanceMillis(long ms) {
        return advance(Duration.ofMillis(ms));
    }
}
