package dev.fluxgate.spring.it;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Switches the test services' dependencies on and off and counts what reached them. A plain bean,
 * so the tests reach its fields directly (the services themselves are proxies).
 */
public class Faults {
    volatile boolean inventoryDown;
    volatile boolean quotesDown;
    volatile boolean recommendationsDown;
    final AtomicInteger inventoryCalls = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();

    void clear() {
        inventoryDown = false;
        quotesDown = false;
        recommendationsDown = false;
    }
}
