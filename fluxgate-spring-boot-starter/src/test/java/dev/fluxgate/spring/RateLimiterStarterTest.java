package dev.fluxgate.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.RateLimitedException;
import dev.fluxgate.RateLimiter;
import dev.fluxgate.Registry;
import dev.fluxgate.State;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.core.ResolvableType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Rate limiters in a real application context: {@code fluxgate.ratelimiter.instances.<name>.*} configure
 * the limiters of a registry bean, {@code @RateLimiter} runs calls through them (sync, async, Mono,
 * Flux), a breaker outside does not count their refusals, and they have meters.
 */
class RateLimiterStarterTest {

    /** An annotated service. */
    static class Quotes {
        final AtomicInteger runs = new AtomicInteger();

        /** Through the proxy: its own fields are not the target's. */
        public int runs() {
            return runs.get();
        }

        @dev.fluxgate.spring.annotation.RateLimiter(name = "quotes")
        public String quote() {
            runs.incrementAndGet();
            return "quote";
        }

        @dev.fluxgate.spring.annotation.RateLimiter(name = "async")
        public CompletionStage<String> quoteAsync() {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("async quote");
        }

        @dev.fluxgate.spring.annotation.RateLimiter(name = "reactive")
        public Mono<String> quoteMono() {
            return Mono.fromCallable(() -> {
                runs.incrementAndGet();
                return "mono quote";
            });
        }

        @dev.fluxgate.spring.annotation.RateLimiter(name = "reactive")
        public Flux<String> quoteFlux() {
            return Flux.just("a", "b").doOnSubscribe(s -> runs.incrementAndGet());
        }

        @dev.fluxgate.spring.annotation.CircuitBreaker(name = "upstream")
        @dev.fluxgate.spring.annotation.RateLimiter(name = "strict")
        public String guarded() {
            return "guarded";
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class, FluxgateAutoConfiguration.class,
                    FluxgateMetricsAutoConfiguration.class))
            .withPropertyValues(
                    "fluxgate.ratelimiter.instances.quotes.permits=2",
                    "fluxgate.ratelimiter.instances.quotes.period=1h",
                    "fluxgate.ratelimiter.instances.async.permits=1",
                    "fluxgate.ratelimiter.instances.async.period=1h",
                    "fluxgate.ratelimiter.instances.reactive.permits=2",
                    "fluxgate.ratelimiter.instances.reactive.period=1h",
                    "fluxgate.ratelimiter.instances.strict.permits=1",
                    "fluxgate.ratelimiter.instances.strict.period=1h",
                    "fluxgate.circuitbreaker.instances.upstream.tripper.failure-streak=1")
            .withBean("quotes", Quotes.class, Quotes::new);

    @SuppressWarnings("unchecked")
    private static Registry<RateLimiter, RateLimiter.Builder> limiters(ApplicationContext context) {
        return (Registry<RateLimiter, RateLimiter.Builder>) context.getBeanProvider(ResolvableType.forClassWithGenerics(
                Registry.class, RateLimiter.class, RateLimiter.Builder.class)).getObject();
    }

    @Test
    void thePropertiesConfigureTheLimitersOfTheRegistryBeanAtStartup() {
        runner.withPropertyValues("fluxgate.ratelimiter.instances.api.permits=50",
                "fluxgate.ratelimiter.instances.api.period=500ms", "fluxgate.ratelimiter.instances.api.burst=5",
                "fluxgate.ratelimiter.instances.api.shape=bursty", "fluxgate.ratelimiter.instances.api.max-wait=20ms",
                "fluxgate.ratelimiter.instances.tenth.permits=10")
                .run(context -> {
                    Registry<RateLimiter, RateLimiter.Builder> limiters = limiters(context);
                    assertThat(context.getBean("fluxgateRateLimiterRegistry")).isSameAs(limiters);
                    RateLimiter api = limiters.find("api").orElseThrow();
                    assertThat(api.limit()).extracting(RateLimiter.Limit::permits, RateLimiter.Limit::period,
                            RateLimiter.Limit::burst, RateLimiter.Limit::shape)
                            .containsExactly(50, Duration.ofMillis(500), 5, RateLimiter.Shape.BURSTY);
                    assertThat(api.maxWait()).isEqualTo(Duration.ofMillis(20));
                    assertThat(limiters.find("tenth").orElseThrow().limit().period())
                            .as("a rate given by its permits alone is per second").isEqualTo(Duration.ofSeconds(1));
                    assertThat(limiters.get("unlisted").limit().permits()).as("core defaults").isEqualTo(100);
                });
    }

    @Test
    void anAnnotatedMethodRunsWhileThereArePermitsThenIsRefusedWithoutRunning() {
        runner.run(context -> {
            Quotes quotes = context.getBean(Quotes.class);
            assertThat(quotes.quote()).isEqualTo("quote");
            assertThat(quotes.quote()).isEqualTo("quote");
            assertThatThrownBy(quotes::quote).isInstanceOf(RateLimitedException.class)
                    .hasMessageContaining("RateLimiter 'quotes'");
            assertThat(quotes.runs()).isEqualTo(2);
            assertThat(limiters(context).find("quotes").orElseThrow().rejectedCalls()).isEqualTo(1);
        });
    }

    @Test
    void anAsyncMethodIsLimitedAndARefusalFailsItsFuture() {
        runner.run(context -> {
            Quotes quotes = context.getBean(Quotes.class);
            assertThat(quotes.quoteAsync().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo("async quote");
            CompletableFuture<String> refused = quotes.quoteAsync().toCompletableFuture();
            assertThat(refused).isCompletedExceptionally();
            assertThatThrownBy(refused::join).hasCauseInstanceOf(RateLimitedException.class);
            assertThat(quotes.runs()).isEqualTo(1);
        });
    }

    @Test
    void monoAndFluxMethodsTakeAPermitPerSubscription() {
        runner.run(context -> {
            Quotes quotes = context.getBean(Quotes.class);
            assertThat(quotes.quoteMono().block(Duration.ofSeconds(10))).isEqualTo("mono quote");
            assertThat(quotes.quoteFlux().collectList().block(Duration.ofSeconds(10))).containsExactly("a", "b");
            assertThatThrownBy(() -> quotes.quoteMono().block(Duration.ofSeconds(10)))
                    .isInstanceOf(RateLimitedException.class);
            assertThat(quotes.runs()).isEqualTo(2);
        });
    }

    @Test
    void aBreakerOutsideTheLimiterDoesNotCountItsRefusals() {
        runner.run(context -> {
            Quotes quotes = context.getBean(Quotes.class);
            assertThat(quotes.guarded()).isEqualTo("guarded");
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(quotes::guarded).isInstanceOf(RateLimitedException.class);
            }
            dev.fluxgate.CircuitBreaker upstream = context.getBean(CircuitBreakerRegistry.class).find("upstream")
                    .orElseThrow();
            assertThat(upstream.state()).as("failure-streak 1 would have opened it").isEqualTo(State.CLOSED);
        });
    }

    @Test
    void limitersHaveMetersIncludingOnesCreatedLater() {
        runner.run(context -> {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(meters));
            context.getBean(Quotes.class).quote();
            assertThat(meters.get("fluxgate.ratelimiter.calls").tag("name", "quotes").tag("kind", "permitted")
                    .functionCounter().count()).isEqualTo(1.0);
            assertThat(meters.get("fluxgate.ratelimiter.available.permissions").tag("name", "quotes").gauge().value())
                    .isEqualTo(1.0);
            limiters(context).get("later");
            assertThat(meters.find("fluxgate.ratelimiter.calls").tag("name", "later").meters()).isNotEmpty();
            limiters(context).remove("later");
            assertThat(meters.find("fluxgate.ratelimiter.calls").tag("name", "later").meters()).isEmpty();
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            fluxgate.ratelimiter.instances.r.permits=0                  | fluxgate.ratelimiter.instances.r.permits | permits must be >= 1
            fluxgate.ratelimiter.instances.r.period=0s                  | fluxgate.ratelimiter.instances.r.period | period must be positive
            fluxgate.ratelimiter.instances.r.burst=0                    | fluxgate.ratelimiter.instances.r.burst | burst must be >= 1
            fluxgate.ratelimiter.instances.r.max-wait=-1s               | fluxgate.ratelimiter.instances.r.max-wait | maxWait must be zero or positive
            fluxgate.ratelimiter.instances.r.permits=2;fluxgate.ratelimiter.instances.r.period=1ns | fluxgate.ratelimiter.instances.r.permits | at most one permit per nanosecond
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

    @Test
    void aTypoInARateLimiterKeyStopsStartupNamingTheClosestKey() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(FluxgateAutoConfiguration.class))
                .withPropertyValues("fluxgate.ratelimiter.instances.r.permit=5").run(context -> {
                    assertThat(context).hasFailed();
                    StringBuilder messages = new StringBuilder();
                    for (Throwable c = context.getStartupFailure(); c != null; c = c.getCause()) {
                        messages.append(c.getMessage()).append('\n');
                    }
                    assertThat(messages).contains("fluxgate.ratelimiter.instances.r.permit").contains("permits");
                });
    }

    @Test
    void aConfiguredLimiterThatNothingUsesIsWarnedAbout() {
        runner.withPropertyValues("fluxgate.ratelimiter.instances.quotse.permits=5").run(context -> {
            assertThat(context.getBean(UnusedInstanceWarning.class).warnings())
                    .anySatisfy(w -> assertThat(w).contains("fluxgate.ratelimiter.instances.quotse")
                            .contains("did you mean 'quotes'"));
        });
    }
}
