package dev.fluxgate.spring;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Listener;
import dev.fluxgate.Listeners;
import dev.fluxgate.Registry;
import org.springframework.beans.factory.DisposableBean;

/**
 * Adds {@link Listeners#logging()} to every breaker of the registry, those present now and those
 * created later (by the properties, an annotation or {@code registry.get(name)}), through the
 * registry's entry listener, so that it works on an application's own registry bean too. Lines go to
 * the {@code System.Logger} {@code dev.fluxgate.CircuitBreaker}; in a Boot application that reaches
 * the application's logging through {@code java.util.logging} and Boot's SLF4J bridge. Off with
 * {@code fluxgate.circuitbreaker.log-transitions=false}.
 */
final class TransitionLogging implements Registry.EntryListener<CircuitBreaker>, DisposableBean {

    private final CircuitBreakerRegistry registry;
    private final Listener logging = Listeners.logging();

    TransitionLogging(CircuitBreakerRegistry registry) {
        this.registry = registry;
        registry.addEntryListener(this); // also called back for every breaker already present
    }

    @Override
    public void onAdded(CircuitBreaker breaker) {
        breaker.addListener(logging);
    }

    /** An application's own registry may outlive the context: take the logging back out. */
    @Override
    public void destroy() {
        registry.removeEntryListener(this);
        registry.all().forEach(b -> b.removeListener(logging));
    }
}
