package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.AdaptiveBulkhead;
import dev.fluxgate.BulkheadFullException;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Registry;
import dev.fluxgate.State;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Adaptive bulkheads in a real application context: {@code fluxgate.adaptive-bulkhead.instances.<name>.*}
 * configure the bulkheads of a registry bean, {@code @AdaptiveBulkhead} runs calls through them (sync, async,
 * Mono, Flux), a breaker outside does not count their rejections, a timeout inside is a drop, and they have
 * meters.
 */
class AdaptiveBulkheadStarterTest {

    /** An annotated service; "one" is an adaptive bulkhead whose limit is fixed at 1. */
    static class Search {
        final AtomicInteger runs = new AtomicInteger();
        final CompletableFuture<String> pending = new CompletableFuture<>();

        /** Through the proxy: its own fields are not the target's. */
        public int runs() {
            return runs.get();
        }

        /** Through the proxy. */
        public CompletableFuture<String> pending() {
            return pending;
        }

        @dev.fluxgate.spring.annotation.AdaptiveBulkhead(name = "one")
        public String find() {
            runs.incrementAndGet();
            return "found";
        }

        @dev.fluxgate.spring.annotation.AdaptiveBulkhead(name = "one")
        public CompletionStage<String> findLater() {
            runs.incrementAndGet();
            return pending;
        }

        @dev.fluxgate.spring.annotation.AdaptiveBulkhead(name = "one")
        public Mono<String> findMono() {
            return Mono.<String>never().doOnSubscribe(s -> runs.incrementAndGet());
        }

        @dev.fluxgate.spring.annotation.AdaptiveBulkhead(name = "one")
        public Flux<String> findFlux() {
            return Flux.just("a", "b").doOnSubscribe(s -> runs.incrementAndGet());
        }

        @dev.fluxgate.spring.annotation.CircuitBreaker(name = "upstream")
        @dev.fluxgate.spring.annotation.AdaptiveBulkhead(name = "one")
        public String guarded() {
            return "guarded";
        }

        @dev.fluxgate.spring.annotation.AdaptiveBulkhead(name = "slow")
        @dev.fluxgate.spring.annotation.Timeout(name = "short")
        public CompletionStage<String> neverAnswers() {
            return new CompletableFuture<>();
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class,
                    FluxgateMetricsAutoConfiguration.class))
            .withPropertyValues(
                    "fluxgate.adaptive-bulkhead.instances.one.min-limit=1",
                    "fluxgate.adaptive-bulkhead.instances.one.max-limit=1",
                    "fluxgate.adaptive-bulkhead.instances.slow.algorithm=aimd",
                    "fluxgate.adaptive-bulkhead.instances.slow.initial-limit=10",
                    "fluxgate.timeout.instances.short.duration=50ms",
                    "fluxgate.circuitbreaker.instances.upstream.tripper.failure-streak=1")
            .withBean("search", Search.class, Search::new);

    @SuppressWarnings("unchecked")
    private static Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> bulkheads(ApplicationContext context) {
        return (Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder>) context.getBeanProvider(
                ResolvableType.forClassWithGenerics(Registry.class, AdaptiveBulkhead.class, AdaptiveBulkhead.Builder.class))
                .getObject();
    }

    @Test
    void thePropertiesConfigureTheBulkheadsOfTheRegistryBeanAtStartup() {
        runner.withPropertyValues("fluxgate.adaptive-bulkhead.instances.api.algorithm=aimd",
                "fluxgate.adaptive-bulkhead.instances.api.min-limit=2",
                "fluxgate.adaptive-bulkhead.instances.api.initial-limit=8",
                "fluxgate.adaptive-bulkhead.instances.api.max-limit=40",
                "fluxgate.adaptive-bulkhead.instances.api.backoff-ratio=0.5",
                "fluxgate.adaptive-bulkhead.instances.api.latency-threshold=200ms",
                "fluxgate.adaptive-bulkhead.instances.grad.smoothing=0.5",
                "fluxgate.adaptive-bulkhead.instances.grad.rtt-tolerance=1.1",
                "fluxgate.adaptive-bulkhead.instances.grad.queue-size=2",
                "fluxgate.adaptive-bulkhead.instances.grad.long-window=100",
                "fluxgate.adaptive-bulkhead.instances.capped.max-limit=10")
                .run(context -> {
                    Registry<AdaptiveBulkhead, AdaptiveBulkhead.Builder> bulkheads = bulkheads(context);
                    assertThat(context.getBean("fluxgateAdaptiveBulkheadRegistry")).isSameAs(bulkheads);
                    AdaptiveBulkhead api = bulkheads.find("api").orElseThrow();
                    assertThat(api.algorithm()).isEqualTo(AdaptiveBulkhead.Algorithm.AIMD);
                    assertThat(api.minLimit()).isEqualTo(2);
                    assertThat(api.limit()).isEqualTo(8);
                    assertThat(api.maxLimit()).isEqualTo(40);
                    AdaptiveBulkhead grad = bulkheads.find("grad").orElseThrow();
                    assertThat(grad.algorithm()).isEqualTo(AdaptiveBulkhead.Algorithm.GRADIENT);
                    assertThat(bulkheads.find("capped").orElseThrow().limit())
                            .as("a max-limit alone caps the initial limit too").isEqualTo(10);
                    AdaptiveBulkhead unlisted = bulkheads.get("unlisted");
                    assertThat(unlisted.limit()).as("core defaults").isEqualTo(20);
                    assertThat(unlisted.maxLimit()).isEqualTo(200);
                });
    }

    @Test
    void anAnnotatedMethodIsRejectedWithoutRunningWhileTheLimitIsInFlight() throws Exception {
        runner.run(context -> {
            Search search = context.getBean(Search.class);
            assertThat(search.find()).isEqualTo("found");
            CompletionStage<String> held = search.findLater();
            assertThat(bulkheads(context).find("one").orElseThrow().inFlight()).isEqualTo(1);
            assertThatThrownBy(search::find).isInstanceOf(BulkheadFullException.class)
                    .hasMessageContaining("AdaptiveBulkhead 'one'");
            CompletableFuture<String> refused = search.findLater().toCompletableFuture();
            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).hasCauseInstanceOf(BulkheadFullException.class);
            assertThat(search.runs()).isEqualTo(2);
            search.pending().complete("later");
            assertThat(held.toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("later");
            assertThat(search.find()).isEqualTo("found");
        });
    }

    @Test
    void monoAndFluxMethodsHoldASlotPerSubscriptionAndCancellingFreesIt() {
        runner.run(context -> {
            Search search = context.getBean(Search.class);
            Disposable holding = search.findMono().subscribe();
            assertThatThrownBy(() -> search.findFlux().collectList().block(Duration.ofSeconds(10)))
                    .isInstanceOf(BulkheadFullException.class);
            holding.dispose();
            assertThat(search.findFlux().collectList().block(Duration.ofSeconds(10))).containsExactly("a", "b");
            assertThat(search.runs()).isEqualTo(2);
            assertThat(bulkheads(context).find("one").orElseThrow().inFlight()).isZero();
        });
    }

    @Test
    void aBreakerOutsideTheBulkheadDoesNotCountItsRejections() {
        runner.run(context -> {
            Search search = context.getBean(Search.class);
            search.findLater(); // holds the only slot
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(search::guarded).isInstanceOf(BulkheadFullException.class);
            }
            dev.fluxgate.CircuitBreaker upstream = context.getBean(CircuitBreakerRegistry.class).find("upstream")
                    .orElseThrow();
            assertThat(upstream.state()).as("failure-streak 1 would have opened it").isEqualTo(State.CLOSED);
        });
    }

    @Test
    void aTimeoutInsideTheBulkheadIsADropThatLowersTheLimit() {
        runner.run(context -> {
            Search search = context.getBean(Search.class);
            CompletableFuture<String> call = search.neverAnswers().toCompletableFuture();
            assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class); // the async timeout's failure: a drop by default
            AdaptiveBulkhead slow = bulkheads(context).find("slow").orElseThrow();
            assertThat(slow.droppedCalls()).isEqualTo(1);
            assertThat(slow.limit()).isEqualTo(9); // 10 * 0.9
            assertThat(slow.inFlight()).isZero();
        });
    }

    @Test
    void adaptiveBulkheadsHaveMetersIncludingOnesCreatedLater() {
        runner.run(context -> {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(meters));
            context.getBean(Search.class).find();
            assertThat(meters.get("fluxgate.adaptive.bulkhead.calls").tag("name", "one").tag("kind", "permitted")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(meters.get("fluxgate.adaptive.bulkhead.limit").tag("name", "one").gauge().value()).isEqualTo(1.0);
            bulkheads(context).get("later");
            assertThat(meters.find("fluxgate.adaptive.bulkhead.limit").tag("name", "later").meters()).isNotEmpty();
            bulkheads(context).remove("later");
            assertThat(meters.find("fluxgate.adaptive.bulkhead.limit").tag("name", "later").meters()).isEmpty();
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fluxgate.adaptive-bulkhead.instances.r.min-limit=0       | fluxgate.adaptive-bulkhead.instances.r.min-limit | minLimit must be >= 1
            fluxgate.adaptive-bulkhead.instances.r.initial-limit=500 | fluxgate.adaptive-bulkhead.instances.r.initial-limit | initialLimit must be in
            fluxgate.adaptive-bulkhead.instances.r.smoothing=0       | fluxgate.adaptive-bulkhead.instances.r.smoothing | smoothing must be in (0, 1]
            fluxgate.adaptive-bulkhead.instances.r.rtt-tolerance=0.5 | fluxgate.adaptive-bulkhead.instances.r.rtt-tolerance | rttTolerance must be in
            fluxgate.adaptive-bulkhead.instances.r.backoff-ratio=1   | fluxgate.adaptive-bulkhead.instances.r.backoff-ratio | backoffRatio must be in
            """)
    void aBadValueStopsStartupNamingItsProperty(String properties, String property, String problem) {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class))
                .withPropertyValues(properties.split(";")).run(context -> {
                    assertThat(context).hasFailed();
                    InvalidPropertyException e = null;
                    for (Throwable c = context.getStartupFailure(); c != null; c = c.getCause()) {
                        if (c instanceof InvalidPropertyException i) {
                            e = i;
                        }
                    }
                    assertThat(e).as("cause chain of %s", context.getStartupFailure()).isNotNull();
                    assertThat(e.property()).isEqualTo(property);
                    assertThat(e.getMessage()).contains(problem);
                });
    }
}
