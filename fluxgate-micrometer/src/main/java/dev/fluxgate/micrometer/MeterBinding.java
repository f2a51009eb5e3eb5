package dev.fluxgate.micrometer;

/**
 * What {@link CircuitBreakerMeters#bind} returns: closing it removes the meters it registered and
 * stops listening to the breaker (or registry). Closing twice does nothing.
 */
public interface MeterBinding extends AutoCloseable {

    /** Removes the meters and the listeners this binding registered. Never throws. */
    @Override
    void close();
}
