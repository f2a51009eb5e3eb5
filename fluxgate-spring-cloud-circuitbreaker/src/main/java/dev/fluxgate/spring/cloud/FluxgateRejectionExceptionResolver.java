package dev.fluxgate.spring.cloud;

import dev.fluxgate.CallNotPermittedException;
import dev.fluxgate.RejectedException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Answers 503 Service Unavailable for a Fluxgate {@link RejectedException} (an open breaker, a full
 * bulkhead, a rate limit) that reaches Spring MVC, with {@code Retry-After} in whole seconds when the
 * breaker knows when it will admit calls again. Auto-configured for Gateway Server MVC, whose
 * {@code CircuitBreakerFilterFunctions} maps only Resilience4j's rejection to 503. Stateless; safe for
 * concurrent use.
 */
public class FluxgateRejectionExceptionResolver implements HandlerExceptionResolver, Ordered {

    /** Creates the resolver. */
    public FluxgateRejectionExceptionResolver() {
    }

    @Override
    public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
            @Nullable Object handler, Exception ex) {
        if (!(ex instanceof RejectedException) || response.isCommitted()) {
            return null;
        }
        if (ex instanceof CallNotPermittedException rejected) {
            rejected.retryAfter().ifPresent(wait -> response.setHeader(HttpHeaders.RETRY_AFTER,
                    Long.toString(seconds(wait))));
        }
        try {
            response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, ex.getMessage());
        } catch (IOException e) {
            return null; // the client is gone; let the other resolvers try
        }
        return new ModelAndView();
    }

    private static long seconds(Duration wait) {
        long s = wait.getSeconds();
        return wait.getNano() > 0 ? s + 1 : s; // round up: never invite a retry before the breaker admits it
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
