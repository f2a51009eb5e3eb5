package dev.fluxgate.demo;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Permit;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A first demo: a simulated flaky dependency (healthy, then an outage, then healthy again) called
 * through a breaker on a simulated clock, printing every transition with its explanation.
 */
public final class Demo {

    private Demo() {
    }

    /** Runs the demo. */
    public static void main(String[] args) {
        AtomicLong now = new AtomicLong();
        Random random = new Random(42);
        CircuitBreaker cb = CircuitBreaker.builder("inventory")
                .window(Window.count(20))
                .tripper(Tripper.minRequests(10).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(5)))
                .permit(Permit.all())
                .maxHalfOpenCalls(2)
                .closeAfterSuccesses(2)
                .ticker(now::get)
                .random(random)
                .listener(t -> System.out.printf("%6.1fs  %-9s -> %-9s  %s%n",
                        now.get() / 1e9, t.from(), t.to(), t.reason()))
                .build();

        int ok = 0;
        int failed = 0;
        int rejected = 0;
        for (int tick = 0; tick < 400; tick++) {
            now.set(tick * 100_000_000L); // one call every 100 ms of simulated time
            double failureChance = tick < 100 ? 0.02 : tick < 200 ? 0.9 : 0.05;
            try {
                cb.get(() -> {
                    if (random.nextDouble() < failureChance) {
                        throw new IllegalStateException("inventory service unavailable");
                    }
                    return "ok";
                });
                ok++;
            } catch (CallNotPermittedException e) {
                rejected++;
            } catch (IllegalStateException e) {
                failed++;
            }
        }
        System.out.printf("%nsucceeded %d, failed %d, rejected (spared the dead service) %d, final state %s%n",
                ok, failed, rejected, cb.state());
    }
}
