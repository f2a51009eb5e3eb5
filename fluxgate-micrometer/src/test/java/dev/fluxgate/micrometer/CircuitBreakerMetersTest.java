package dev.fluxgate.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.CircuitBreakerRegistry;
import dev.fluxgate.Cooldown;
import dev.fluxgate.Tracker;
import dev.fluxgate.Tripper;
import dev.fluxgate.Window;
import dev.fluxgate.test.ManualTicker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CircuitBreakerMetersTest {

    private final ManualTicker ticker = new ManualTicker();
    private final PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private CircuitBreaker.Builder breaker(String name) {
        return CircuitBreaker.builder(name)
                .window(Window.count(10))
                .tracker(Tracker.typeOf(IOException.class))
                .tripper(Tripper.minRequests(4).and(Tripper.failureRate(0.5)))
                .cooldown(Cooldown.fixed(Duration.ofSeconds(10)))
                .ticker(ticker);
    }

    /** The scrape's sample lines (no comments) that start with {@code prefix}. */
    private List<String> samples(String prefix) {
        return Arrays.stream(prometheus.scrape().split("\n"))
                .filter(l -> l.startsWith(prefix))
                .collect(Collectors.toList());
    }

    private String sample(String nameAndLabels) {
        return samples(nameAndLabels + " ").stream().findFirst()
                .map(l -> l.substring(nameAndLabels.length() + 1))
                .orElseThrow(() -> new AssertionError("no sample " + nameAndLabels + " in\n" + prometheus.scrape()));
    }

    private static void fail(CircuitBreaker cb) {
        assertThatThrownBy(() -> cb.call(() -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
    }

    @Test
    void everyMeterIsScrapedFromTheMomentOfBinding() {
        CircuitBreaker cb = breaker("payments").build();
        CircuitBreakerMeters.create().withTags("app", "shop").bind(cb, prometheus);

        assertThat(sample("fluxgate_circuitbreaker_state{app=\"shop\",name=\"payments\",state=\"closed\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_circuitbreaker_state{app=\"shop\",name=\"payments\",state=\"open\"}")).isEqualTo("0.0");
        assertThat(samples("fluxgate_circuitbreaker_state{")).hasSize(6);
        assertThat(sample("fluxgate_circuitbreaker_failure_rate{app=\"shop\",name=\"payments\"}")).isEqualTo("NaN");
        assertThat(sample("fluxgate_circuitbreaker_buffered_calls{app=\"shop\",kind=\"failed\",name=\"payments\"}"))
                .isEqualTo("0.0");
        assertThat(sample("fluxgate_circuitbreaker_calls_seconds_count{app=\"shop\",kind=\"successful\",name=\"payments\"}"))
                .isEqualTo("0");
        assertThat(sample("fluxgate_circuitbreaker_not_permitted_calls_total{app=\"shop\",name=\"payments\",state=\"open\"}"))
                .isEqualTo("0.0");
        assertThat(sample("fluxgate_circuitbreaker_transitions_total{app=\"shop\",from=\"closed\",name=\"payments\",to=\"open\"}"))
                .isEqualTo("0.0");
        assertThat(sample("fluxgate_circuitbreaker_half_open_probes{app=\"shop\",name=\"payments\"}")).isEqualTo("0.0");
        assertThat(samples("fluxgate_circuitbreaker_state_time_seconds{")).hasSize(1);
        assertThat(samples("fluxgate_circuitbreaker_slow_call_rate")).isEmpty();
    }

    @Test
    void callsRejectionsAndTransitionsAreCounted() throws Exception {
        CircuitBreaker cb = breaker("payments").build();
        CircuitBreakerMeters.create().bind(cb, prometheus);

        cb.call(() -> "ok");
        cb.call(() -> "ok");
        assertThatThrownBy(() -> cb.run(() -> {
            throw new IllegalStateException("not tracked");
        })).isInstanceOf(IllegalStateException.class);
        fail(cb);
        assertThat(sample("fluxgate_circuitbreaker_failure_rate{name=\"payments\"}")).isEqualTo("0.3333333333333333");
        assertThat(sample("fluxgate_circuitbreaker_buffered_calls{kind=\"successful\",name=\"payments\"}")).isEqualTo("2.0");
        fail(cb); // 2 of 4 failed: trips

        assertThatThrownBy(() -> cb.call(() -> "rejected")).isInstanceOf(CallNotPermittedException.class);
        ticker.advance(Duration.ofSeconds(3));

        assertThat(sample("fluxgate_circuitbreaker_calls_seconds_count{kind=\"successful\",name=\"payments\"}")).isEqualTo("2");
        assertThat(sample("fluxgate_circuitbreaker_calls_seconds_count{kind=\"failed\",name=\"payments\"}")).isEqualTo("2");
        assertThat(sample("fluxgate_circuitbreaker_calls_seconds_count{kind=\"ignored\",name=\"payments\"}")).isEqualTo("1");
        assertThat(sample("fluxgate_circuitbreaker_not_permitted_calls_total{name=\"payments\",state=\"open\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_circuitbreaker_state{name=\"payments\",state=\"open\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_circuitbreaker_state{name=\"payments\",state=\"closed\"}")).isEqualTo("0.0");
        assertThat(sample("fluxgate_circuitbreaker_transitions_total{from=\"closed\",name=\"payments\",to=\"open\"}"))
                .isEqualTo("1.0");
        assertThat(sample("fluxgate_circuitbreaker_failure_rate{name=\"payments\"}")).isEqualTo("NaN"); // the trip cleared it
        assertThat(sample("fluxgate_circuitbreaker_state_time_seconds{name=\"payments\"}")).isEqualTo("3.0");

        cb.forceOpen(); // a manual move gets its counter when it happens
        assertThat(sample("fluxgate_circuitbreaker_transitions_total{from=\"open\",name=\"payments\",to=\"forced_open\"}"))
                .isEqualTo("1.0");
    }

    @Test
    void halfOpenProbesInUseAreAGauge() {
        CircuitBreaker cb = breaker("probes").permit(dev.fluxgate.Permit.all()).build();
        CircuitBreakerMeters.create().bind(cb, prometheus);
        for (int i = 0; i < 4; i++) {
            fail(cb);
        }
        ticker.advance(Duration.ofSeconds(10));
        long permit = cb.tryAcquirePermission();
        assertThat(sample("fluxgate_circuitbreaker_half_open_probes{name=\"probes\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_circuitbreaker_transitions_total{from=\"open\",name=\"probes\",to=\"half_open\"}"))
                .isEqualTo("1.0");
        cb.releasePermission(permit);
        assertThat(sample("fluxgate_circuitbreaker_half_open_probes{name=\"probes\"}")).isEqualTo("0.0");
    }

    @Test
    void slowCallRateIsScrapedOnlyForABreakerThatTracksASlowCallThreshold() throws Exception {
        CircuitBreaker slow = breaker("slow").slowCallThreshold(Duration.ofSeconds(1)).build();
        CircuitBreakerMeters.create().bind(slow, prometheus);
        CircuitBreakerMeters.create().bind(breaker("plain").build(), prometheus);

        assertThat(sample("fluxgate_circuitbreaker_slow_call_rate{name=\"slow\"}")).isEqualTo("NaN");
        slow.call(() -> ticker.advance(Duration.ofSeconds(2)));
        slow.call(() -> "fast");
        assertThat(sample("fluxgate_circuitbreaker_slow_call_rate{name=\"slow\"}")).isEqualTo("0.5");
        assertThat(samples("fluxgate_circuitbreaker_slow_call_rate{name=\"plain\"}")).isEmpty();
        assertThat(sample("fluxgate_circuitbreaker_calls_seconds_sum{kind=\"successful\",name=\"slow\"}")).isEqualTo("2.0");
    }

    @Test
    void resilience4jPresetKeepsItsNamesTagsAndPercentages() throws Exception {
        CircuitBreaker cb = breaker("inventory").slowCallThreshold(Duration.ofSeconds(1)).build();
        CircuitBreakerMeters.create().withNaming(MeterNaming.RESILIENCE4J).bind(cb, prometheus);
        cb.call(() -> "ok");
        fail(cb);

        assertThat(sample("resilience4j_circuitbreaker_state{name=\"inventory\",state=\"closed\"}")).isEqualTo("1.0");
        assertThat(sample("resilience4j_circuitbreaker_state{name=\"inventory\",state=\"half_open\"}")).isEqualTo("0.0");
        assertThat(sample("resilience4j_circuitbreaker_calls_seconds_count{kind=\"failed\",name=\"inventory\"}")).isEqualTo("1");
        assertThat(sample("resilience4j_circuitbreaker_not_permitted_calls_total{kind=\"not_permitted\",name=\"inventory\"}"))
                .isEqualTo("0.0");
        assertThat(sample("resilience4j_circuitbreaker_failure_rate{name=\"inventory\"}")).isEqualTo("50.0");
        assertThat(sample("resilience4j_circuitbreaker_slow_call_rate{name=\"inventory\"}")).isEqualTo("0.0");
        assertThat(sample("resilience4j_circuitbreaker_buffered_calls{kind=\"successful\",name=\"inventory\"}")).isEqualTo("1.0");
        assertThat(samples("fluxgate_circuitbreaker_state{")).isEmpty();
        assertThat(samples("fluxgate_circuitbreaker_transitions_total{")).isNotEmpty(); // no Resilience4j equivalent
    }

    @Test
    void aRegistryBindingFollowsAddsAndRemoves() {
        CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(breaker("defaults"));
        registry.get("before");
        MeterBinding binding = CircuitBreakerMeters.create().bind(registry, prometheus);
        registry.get("after");

        assertThat(samples("fluxgate_circuitbreaker_state{name=\"before\"")).hasSize(6);
        assertThat(samples("fluxgate_circuitbreaker_state{name=\"after\"")).hasSize(6);

        registry.remove("before");
        assertThat(prometheus.scrape()).doesNotContain("name=\"before\"").contains("name=\"after\"");

        registry.get("before"); // a new breaker under the old name is bound afresh
        assertThat(sample("fluxgate_circuitbreaker_state{name=\"before\",state=\"closed\"}")).isEqualTo("1.0");

        binding.close();
        assertThat(prometheus.getMeters()).isEmpty();
        registry.get("later");
        assertThat(prometheus.getMeters()).isEmpty();
    }

    @Test
    void closingABindingRemovesItsMetersAndStopsCounting() throws Exception {
        SimpleMeterRegistry simple = new SimpleMeterRegistry();
        CircuitBreaker cb = breaker("gone").build();
        MeterBinding binding = CircuitBreakerMeters.create().bind(cb, simple);
        assertThat(simple.getMeters()).isNotEmpty();
        binding.close();
        binding.close();
        cb.call(() -> "after close");
        cb.forceOpen();
        assertThat(simple.getMeters()).isEmpty();
    }

    @Test
    void rebindingANameReplacesTheOldBreakersMetersAndClosingTheOldBindingLeavesTheNewOnes() {
        CircuitBreaker first = breaker("same").build();
        MeterBinding old = CircuitBreakerMeters.create().bind(first, prometheus);
        CircuitBreaker second = breaker("same").build();
        CircuitBreakerMeters.create().bind(second, prometheus);
        first.forceOpen(); // the superseded binding neither counts into nor registers the new meters
        assertThat(sample("fluxgate_circuitbreaker_state{name=\"same\",state=\"closed\"}")).isEqualTo("1.0");
        assertThat(samples("fluxgate_circuitbreaker_transitions_total{from=\"closed\",name=\"same\",to=\"forced_open\"}"))
                .isEmpty();

        old.close();
        assertThat(sample("fluxgate_circuitbreaker_state{name=\"same\",state=\"closed\"}")).isEqualTo("1.0");
        second.forceOpen();
        assertThat(sample("fluxgate_circuitbreaker_state{name=\"same\",state=\"forced_open\"}")).isEqualTo("1.0");
        assertThat(sample("fluxgate_circuitbreaker_transitions_total{from=\"closed\",name=\"same\",to=\"forced_open\"}"))
                .isEqualTo("1.0");
    }

    @Test
    void meterGaugesDoNotKeepABreakerAlive() throws InterruptedException {
        WeakReference<CircuitBreaker> ref = bindAndForget();
        for (int i = 0; i < 50 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10); // waiting for the collector, not for breaker time
        }
        assertThat(ref.get()).isNull();
        assertThat(sample("fluxgate_circuitbreaker_failure_rate{name=\"dropped\"}")).isEqualTo("NaN");
    }

    private WeakReference<CircuitBreaker> bindAndForget() {
        CircuitBreaker cb = breaker("dropped").build();
        CircuitBreakerMeters.create().bind(cb, prometheus);
        return new WeakReference<>(cb);
    }

    @Test
    void userTagsMayNotOverrideTheBreakerName() {
        assertThatThrownBy(() -> CircuitBreakerMeters.create().withTags("name", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    }
}
