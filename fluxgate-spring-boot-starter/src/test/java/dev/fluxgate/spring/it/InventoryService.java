package dev.fluxgate.spring.it;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.spring.annotation.CircuitBreaker;
import java.io.FileNotFoundException;
import java.io.IOException;

/** A synchronous dependency with fallbacks chosen by exception type. */
public class InventoryService {

    private final Faults faults;

    public InventoryService(Faults faults) {
        this.faults = faults;
    }

    @CircuitBreaker(name = "inventory", fallbackMethod = "fallback")
    public String stock(String item) throws IOException {
        faults.inventoryCalls.incrementAndGet();
        if (faults.inventoryDown) {
            throw new IOException("inventory down");
        }
        return "stock:" + item;
    }

    /** No fallback: the caller sees the exception, and IllegalStateException is not a recorded failure. */
    @CircuitBreaker(name = "inventory")
    public String reserve(String item) {
        throw new IllegalStateException("not recorded: " + item);
    }

    String fallback(String item, CallNotPermittedException rejected) {
        return "cached:" + item;
    }

    String fallback(String item, IOException failure) {
        return "failed:" + item + ":" + failure.getMessage();
    }

    String fallback(String item, FileNotFoundException failure) {
        return "never chosen for a plain IOException";
    }
}
