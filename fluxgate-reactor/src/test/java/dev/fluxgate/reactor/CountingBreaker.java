package dev.fluxgate.reactor;

import dev.fluxgate.CircuitBreaker;
import dev.fluxgate.Listener;
import dev.fluxgate.Metrics;
import dev.fluxgate.State;
import dev.fluxgate.Ticker;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/** A real breaker that counts permits granted and settled, to prove each is settled exactly once. */
final class CountingBreaker implements CircuitBreaker {
    final CircuitBreaker delegate;
    final AtomicLong granted = new AtomicLong();
    final AtomicLong settled = new AtomicLong();
    final AtomicLong released = new AtomicLong();

    CountingBreaker(CircuitBreaker delegate) {
        this.delegate = delegate;
    }

    @Override public String name() { return delegate.name(); }
    @Override public State state() { return delegate.state(); }
    @Override public Metrics metrics() { return delegate.metrics(); }
    @Override public Map<String, String> configuration() { return delegate.configuration(); }
    @Override public <T> T call(Callable<T> task) throws Exception { return delegate.call(task); }
    @Override public <T> T get(Supplier<T> task) { return delegate.get(task); }
    @Override public <T> T get(Supplier<T> task, Function<? super Exception, ? extends T> fallback) {
        return delegate.get(task, fallback);
    }
    @Override public void run(Runnable task) { delegate.run(task); }
    @Override public <T> CompletableFuture<T> callAsync(Supplier<? extends CompletionStage<T>> task) {
        return delegate.callAsync(task);
    }
    @Override public void reset() { delegate.reset(); }
    @Override public void disable() { delegate.disable(); }
    @Override public void metricsOnly() { delegate.metricsOnly(); }
    @Override public void forceOpen() { delegate.forceOpen(); }
    @Override public void addListener(Listener listener) { delegate.addListener(listener); }
    @Override public boolean removeListener(Listener listener) { return delegate.removeListener(listener); }
    @Override public boolean isTimed() { return delegate.isTimed(); }
    @Override public java.util.List<java.time.Duration> slowCallThresholds() { return delegate.slowCallThresholds(); }
    @Override public Ticker ticker() { return delegate.ticker(); }

    @Override
    public long tryAcquirePermission() {
        long p = delegate.tryAcquirePermission();
        if (p != NO_PERMISSION) {
            granted.incrementAndGet();
        }
        return p;
    }

    @Override
    public long acquirePermission() {
        long p = delegate.acquirePermission();
        granted.incrementAndGet();
        return p;
    }

    @Override
    public void recordSuccess(long permit, long durationNanos) {
        settled.incrementAndGet();
        delegate.recordSuccess(permit, durationNanos);
    }

    @Override
    public void recordError(long permit, long durationNanos, Throwable error) {
        settled.incrementAndGet();
        delegate.recordError(permit, durationNanos, error);
    }

    @Override
    public void recordResult(long permit, long durationNanos, Object result) {
        settled.incrementAndGet();
        delegate.recordResult(permit, durationNanos, result);
    }

    @Override
    public void releasePermission(long permit) {
        settled.incrementAndGet();
        released.incrementAndGet();
        delegate.releasePermission(permit);
    }
}
