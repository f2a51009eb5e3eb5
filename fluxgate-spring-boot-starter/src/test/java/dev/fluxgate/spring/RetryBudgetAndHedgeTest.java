package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.Hedge;
import dev.fluxgate.Registry;
import dev.fluxgate.Retry;
import dev.fluxgate.RetryBudget;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.ResolvableType;

/**
 * Retry budgets by name ({@code fluxgate.retry.budgets}) that retries reference, and hedges
 * ({@code fluxgate.hedge.instances}) behind {@code @Hedge}.
 */
class RetryBudgetAndHedgeTest {

    /** Annotated calls: two retries that share one budget, and hedged methods. */
    static class Service {
        final Counts counts;

        Service(Counts counts) {
            this.counts = counts;
        }

        @dev.fluxgate.spring.annotation.Retry(name = "reads")
        public String read() {
            counts.reads.incrementAndGet();
            throw new IllegalStateException("down");
        }

        @dev.fluxgate.spring.annotation.Retry(name = "writes")
        public String write() {
            counts.writes.incrementAndGet();
            throw new IllegalStateException("down");
        }

        @dev.fluxgate.spring.annotation.Hedge(name = "search")
        public String search() throws InterruptedException {
            if (counts.searches.incrementAndGet() == 1) {
                try {
                    new CountDownLatch(1).await(); // the slow first attempt, until the hedge wins
                } catch (InterruptedException e) {
                    counts.firstSearchInterrupted.countDown();
                    throw e;
                }
            }
            return "hedged";
        }

        @dev.fluxgate.spring.annotation.Hedge(name = "search")
        @dev.fluxgate.spring.annotation.CircuitBreaker(name = "search", fallbackMethod = "fallback")
        public CompletionStage<String> searchAsync(boolean fail) {
            return fail ? CompletableFuture.failedFuture(new IllegalStateException("down"))
                    : CompletableFuture.completedFuture("async");
        }

        CompletionStage<String> fallback(boolean fail, Throwable error) {
            return CompletableFuture.completedFuture("fallback after " + error.getMessage());
        }
    }

    /** What the service saw, a bean of its own (fields read through the service's proxy are unset). */
    static class Counts {
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger writes = new AtomicInteger();
        final AtomicInteger searches = new AtomicInteger();
        final CountDownLatch firstSearchInterrupted = new CountDownLatch(1);
    }

    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        Counts counts() {
            return new Counts();
        }

        @Bean
        Service service(Counts counts) {
            return new Service(counts);
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class,
                    FluxgateMetricsAutoConfiguration.class))
            .withUserConfiguration(App.class)
            .withPropertyValues("fluxgate.retry.budgets.inventory.ratio=0.5",
                    "fluxgate.retry.budgets.inventory.min-retries-per-second=0.001",
                    "fluxgate.retry.budgets.inventory.max-tokens=2",
                    "fluxgate.retry.instances.reads.max-attempts=10",
                    "fluxgate.retry.instances.reads.backoff.type=none",
                    "fluxgate.retry.instances.reads.budget=inventory",
                    "fluxgate.retry.instances.writes.max-attempts=10",
                    "fluxgate.retry.instances.writes.backoff.type=none",
                    "fluxgate.retry.instances.writes.budget=inventory",
                    "fluxgate.hedge.instances.search.max-attempts=2",
                    "fluxgate.hedge.instances.search.delay=20ms");

    @SuppressWarnings("unchecked")
    private static <P extends dev.fluxgate.Policy, B> Registry<P, B> registry(ApplicationContext context,
            Class<P> pattern, Class<B> builder) {
        return (Registry<P, B>) context.getBeanProvider(ResolvableType.forClassWithGenerics(Registry.class, pattern,
                builder)).getObject();
    }

    /** The meter binders bound as Spring Boot's metrics auto-configuration would. */
    private static SimpleMeterRegistry meters(ApplicationContext context) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(meters));
        return meters;
    }

    @Test
    void retriesThatNameABudgetShareIt() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            Registry<Retry, Retry.Builder> retries = registry(context, Retry.class, Retry.Builder.class);
            RetryBudget budget = retries.get("reads").budget().orElseThrow();
            assertThat(retries.get("writes").budget()).containsSame(budget);
            assertThat(budget.ratio()).isEqualTo(0.5);
            assertThat(budget.maxTokens()).isEqualTo(2);
            assertThat(retries.get("unlisted").budget()).isEmpty();

            Service proxy = context.getBean(Service.class);
            Counts service = context.getBean(Counts.class);
            assertThatThrownBy(proxy::read).hasMessage("down");
            assertThatThrownBy(proxy::write).hasMessage("down");
            // 2 saved tokens go to reads; writes' own deposit (0.5) is not a whole token.
            assertThat(service.reads).hasValue(3);
            assertThat(service.writes).hasValue(1);
            assertThat(budget.admittedRetries()).isEqualTo(2);

            SimpleMeterRegistry meters = meters(context);
            assertThat(meters.get("fluxgate.retry.budget.retries").tag("name", "inventory").tag("kind", "admitted")
                    .functionCounter().count()).isEqualTo(2.0);
            assertThat(meters.get("fluxgate.retry.budget.exhausted.calls").tag("name", "writes").functionCounter()
                    .count()).isEqualTo(1.0);
        });
    }

    @Test
    void aHedgedMethodIsCalledAgainAfterTheDelayAndTheSlowCallIsInterrupted() {
        runner.run(context -> {
            Service proxy = context.getBean(Service.class);
            Counts service = context.getBean(Counts.class);
            Hedge hedge = registry(context, Hedge.class, Hedge.Builder.class).get("search");
            assertThat(hedge.currentDelay()).isEqualTo(Duration.ofMillis(20));

            assertThat(proxy.search()).isEqualTo("hedged");

            assertThat(service.firstSearchInterrupted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(service.searches).hasValue(2);
            // Which attempt reached the method first is up to the workers; one was hedged and one cancelled.
            assertThat(hedge.hedgedAttempts()).isEqualTo(1);
            assertThat(hedge.cancelledAttempts()).isEqualTo(1);
            SimpleMeterRegistry meters = meters(context);
            assertThat(meters.get("fluxgate.hedge.hedged.attempts").tag("name", "search").functionCounter().count())
                    .isEqualTo(1.0);
        });
    }

    @Test
    void aBreakerFallbackOnAHedgedMethodAnswersOnceEveryAttemptFailed() {
        runner.run(context -> {
            Service service = context.getBean(Service.class);
            assertThat(service.searchAsync(false).toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("async");
            assertThat(service.searchAsync(true).toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .isEqualTo("fallback after down");
            Hedge hedge = registry(context, Hedge.class, Hedge.Builder.class).get("search");
            assertThat(hedge.failedCalls()).as("the hedge saw the failure, not the fallback's answer").isEqualTo(1);
        });
    }

    @Test
    void anUnusedBudgetOrHedgeIsWarnedAbout() {
        runner.withPropertyValues("fluxgate.retry.budgets.spare.ratio=0.1", "fluxgate.hedge.instances.serch.delay=1s")
                .run(context -> {
                    UnusedInstanceWarning warning = context.getBean(UnusedInstanceWarning.class);
                    assertThat(warning.warnings()).anySatisfy(w -> assertThat(w).contains("fluxgate.retry.budgets.spare"))
                            .anySatisfy(w -> assertThat(w).contains("fluxgate.hedge.instances.serch")
                                    .contains("did you mean 'search'"));
                });
    }

    @Test
    void aPercentileHedgeIsConfigured() {
        runner.withPropertyValues("fluxgate.hedge.instances.p95.percentile=0.95",
                "fluxgate.hedge.instances.p95.delay=300ms", "fluxgate.hedge.instances.p95.min-samples=5",
                "fluxgate.hedge.instances.p95.latency-samples=50").run(context -> {
                    Hedge hedge = registry(context, Hedge.class, Hedge.Builder.class).get("p95");
                    assertThat(hedge.percentile()).hasValue(0.95);
                    assertThat(hedge.currentDelay()).isEqualTo(Duration.ofMillis(300));
                });
    }
}
