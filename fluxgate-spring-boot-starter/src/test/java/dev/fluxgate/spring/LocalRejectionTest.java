package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import dev.fluxgate.spring.annotation.Bulkhead;
import dev.fluxgate.spring.annotation.CircuitBreaker;
import dev.fluxgate.spring.annotation.Retry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A full bulkhead is the library's own decision, not a failure of the dependency: a breaker outside
 * it must not count it (DESIGN.md, "local rejections"). Needs the core's breakers to leave
 * {@code BulkheadFullException} and {@code CallNotPermittedException} out of {@code recordError}.
 */
class LocalRejectionTest {

    /** What the test steers and observes; a plain object, since the service is reached through a proxy. */
    static final class Gate {
        final CountDownLatch entered = new CountDownLatch(10);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
    }

    /** Ten calls hold the bulkhead's ten slots until released. */
    static class Downstream {
        private final Gate gate;

        Downstream(Gate gate) {
            this.gate = gate;
        }

        @Retry(name = "local")
        @CircuitBreaker(name = "local", fallbackMethod = "fallback")
        @Bulkhead(name = "local")
        public String call() throws InterruptedException {
            gate.calls.incrementAndGet();
            gate.entered.countDown();
            if (!gate.release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
            return "ok";
        }

        String fallback(Exception e) {
            return "fallback:" + e.getClass().getSimpleName();
        }
    }

    private final Gate gate = new Gate();

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class))
            .withBean("downstream", Downstream.class, () -> new Downstream(gate))
            .withPropertyValues("fluxgate.bulkhead.instances.local.max-concurrent-calls=10",
                    "fluxgate.bulkhead.instances.local.max-wait=0s",
                    "fluxgate.retry.instances.local.max-attempts=3", "fluxgate.retry.instances.local.backoff.type=none",
                    // One counted failure would open it: any rejection counted as a failure shows.
                    "fluxgate.circuitbreaker.instances.local.window.size=20",
                    "fluxgate.circuitbreaker.instances.local.tripper.failure-streak=1");

    @Test
    void bulkheadRejectionsAreNotCountedAsFailuresByTheBreakerOutsideIt() throws Exception {
        runner.run(context -> {
            Downstream downstream = context.getBean(Downstream.class);
            ExecutorService pool = Executors.newFixedThreadPool(14);
            try {
                List<Future<String>> holders = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    holders.add(pool.submit(downstream::call));
                }
                assertThat(gate.entered.await(30, TimeUnit.SECONDS)).as("ten calls hold the ten slots").isTrue();

                List<Future<String>> rejected = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    rejected.add(pool.submit(downstream::call));
                }
                List<String> answers = new ArrayList<>();
                for (Future<String> f : rejected) {
                    answers.add(f.get(30, TimeUnit.SECONDS));
                }
                var breaker = context.getBean(CircuitBreakerRegistry.class).find("local").orElseThrow();
                Metrics m = breaker.metrics();
                assertThat(m.failedCalls()).as("12 bulkhead rejections (4 calls x 3 attempts) are not failures")
                        .isZero();
                assertThat(m.failures()).isZero();
                assertThat(breaker.state()).isEqualTo(State.CLOSED);
                assertThat(answers).as("each retried, then the breaker's fallback")
                        .containsOnly("fallback:BulkheadFullException").hasSize(4);

                gate.release.countDown();
                for (Future<String> f : holders) {
                    assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo("ok");
                }
                assertThat(gate.calls.get()).as("only the ten that held a slot ran").isEqualTo(10);
                assertThat(breaker.metrics().successfulCalls()).isEqualTo(10);
                assertThat(breaker.state()).isEqualTo(State.CLOSED);
            } finally {
                gate.release.countDown();
                pool.shutdownNow();
            }
        });
    }
}
