package dev.fluxgate;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** A {@link RetryDelay} with a readable {@code toString()}: it shows in configuration dumps and warnings. */
final class NamedDelay implements RetryDelay {

    // Both rejections say "empty" for "no wait brings a call in": a manual-only breaker, permits the
    // limiter cannot hold or a full key table. FOREVER makes the retry give up instead of waiting.
    static final RetryDelay REJECTION_RETRY_AFTER = new NamedDelay("rejectionRetryAfter()", (result, failure) -> {
        if (failure instanceof CallNotPermittedException rejected) {
            return Optional.of(rejected.retryAfter().orElse(FOREVER));
        }
        if (failure instanceof RateLimitedException limited) {
            return Optional.of(limited.retryAfter().orElse(FOREVER));
        }
        return Optional.empty();
    });

    private final String description;
    private final RetryDelay delay;

    NamedDelay(String description, RetryDelay delay) {
        this.description = description;
        this.delay = delay;
    }

    /**
     * What {@code delay} asks for, under the one rule for plugged-in code: null when it asks for
     * nothing, returns null, or throws (then it is logged); a negative delay is zero.
     */
    static @Nullable Duration asked(RetryDelay delay, @Nullable Object result, @Nullable Throwable failure, System.Logger log, String owner) {
        Optional<Duration> asked;
        try {
            asked = delay.delayFor(result, failure);
        } catch (Throwable e) {
            Plugged.failed(log, owner, "delay function", delay, "no delay asked", e);
            return null;
        }
        if (asked == null || asked.isEmpty()) {
            return null;
        }
        Duration d = asked.get();
        return d.isNegative() ? Duration.ZERO : d;
    }

    @Override
    public Optional<Duration> delayFor(@Nullable Object result, @Nullable Throwable failure) {
        return delay.delayFor(result, failure);
    }

    @Override
    public String toString() {
        return description;
    }
}
