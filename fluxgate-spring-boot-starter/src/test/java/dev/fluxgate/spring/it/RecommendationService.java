package dev.fluxgate.spring.it;

import dev.fluxgate.spring.annotation.CircuitBreaker;
import java.util.List;

/** An optional dependency, annotated on the class: every public method goes through "recommendations". */
@CircuitBreaker(name = "recommendations", fallbackMethod = "none")
public class RecommendationService {

    private final Faults faults;

    public RecommendationService(Faults faults) {
        this.faults = faults;
    }

    public List<String> forUser(String user) {
        if (faults.recommendationsDown) {
            throw new IllegalStateException("recommendations down");
        }
        return List.of("book-for-" + user);
    }

    List<String> none(String user, Exception failure) {
        return List.of();
    }
}
