package dev.forge3d.api.web;

import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Turns every exception into RFC 9457 problem+json with a stable {@code type}. Spring MVC's own exceptions
 * (unreadable body, wrong media type, upload too large, unknown path, ...) keep their status and get our type;
 * anything unexpected is logged and answered 500 without internals.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ApiException.class)
    ResponseEntity<ProblemDetail> api(ApiException e, HttpServletRequest request) {
        return Problems.response(e.type(), e.detail(), request.getRequestURI());
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<ProblemDetail> multipart(MultipartException e, HttpServletRequest request) {
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("FileCountLimitExceededException")) {
                return Problems.response(ProblemType.PAYLOAD_TOO_LARGE, "the request has more multipart parts than "
                        + "the limit (server.tomcat.max-part-count)", request.getRequestURI());
            }
        }
        return Problems.response(ProblemType.MALFORMED_REQUEST,
                "the multipart body could not be read: " + rootMessage(e), request.getRequestURI());
    }

    @ExceptionHandler({DataAccessResourceFailureException.class, TransientDataAccessException.class})
    ResponseEntity<ProblemDetail> database(Exception e, HttpServletRequest request) {
        log.warn("database unavailable for {}: {}", request.getRequestURI(), e.toString());
        return Problems.response(ProblemType.SERVICE_UNAVAILABLE, "the database is not reachable; retry later",
                request.getRequestURI());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        log.error("unexpected error on {} {}", request.getMethod(), request.getRequestURI(), e);
        return Problems.response(ProblemType.INTERNAL, "an internal error occurred", request.getRequestURI());
    }

    @Override
    protected ResponseEntity<Object> handleExceptionInternal(Exception ex, Object body, HttpHeaders headers,
            HttpStatusCode statusCode, WebRequest request) {
        ProblemType type = typeFor(statusCode);
        ProblemDetail pd = body instanceof ProblemDetail given ? given
                : ProblemDetail.forStatusAndDetail(statusCode, type.title());
        pd.setType(type.uri());
        pd.setTitle(type.title());
        if (pd.getDetail() == null) pd.setDetail(type.title());
        HttpHeaders out = new HttpHeaders();
        if (headers != null) out.putAll(headers);
        out.setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        return new ResponseEntity<>(pd, out, statusCode);
    }

    static ProblemType typeFor(HttpStatusCode status) {
        return switch (HttpStatus.valueOf(status.value())) {
            case NOT_FOUND -> ProblemType.NOT_FOUND;
            case METHOD_NOT_ALLOWED -> ProblemType.METHOD_NOT_ALLOWED;
            case NOT_ACCEPTABLE -> ProblemType.NOT_ACCEPTABLE;
            case UNSUPPORTED_MEDIA_TYPE -> ProblemType.UNSUPPORTED_MEDIA_TYPE;
            case CONTENT_TOO_LARGE -> ProblemType.PAYLOAD_TOO_LARGE;
            case UNAUTHORIZED -> ProblemType.UNAUTHORIZED;
            case SERVICE_UNAVAILABLE -> ProblemType.SERVICE_UNAVAILABLE;
            case BAD_REQUEST -> ProblemType.MALFORMED_REQUEST;
            default -> status.is4xxClientError() ? ProblemType.INVALID_PARAMETER : ProblemType.INTERNAL;
        };
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage();
        // Container messages can name classes (a.b.C: ...): only the readable part after the last colon is kept.
        if (m == null || m.isBlank()) return "incomplete or malformed body";
        return m.matches("(?s).*\\b[a-z]+(\\.[a-z]+)+\\.[A-Z]\\w+.*") ? m.substring(m.lastIndexOf(':') + 1).strip() : m;
    }
}
