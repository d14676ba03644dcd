package dev.forge3d.api.limits;

import dev.forge3d.api.web.Problems;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Answers {@link QuotaExceededException} as the usual problem+json plus Retry-After (before the generic handler). */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class QuotaExceededHandler {
    @ExceptionHandler(QuotaExceededException.class)
    ResponseEntity<ProblemDetail> quotaExceeded(QuotaExceededException e, HttpServletRequest request) {
        ResponseEntity<ProblemDetail> problem = Problems.response(e.type(), e.detail(), request.getRequestURI());
        return ResponseEntity.status(problem.getStatusCode()).headers(problem.getHeaders())
                .header(HttpHeaders.RETRY_AFTER, Long.toString(e.retryAfterSeconds()))
                .body(problem.getBody());
    }
}
