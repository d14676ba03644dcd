package dev.forge3d.api.web;

import java.io.IOException;
import java.net.URI;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.ObjectMapper;

/** Builds RFC 9457 problem documents; also writes them from servlet filters, which run outside Spring MVC. */
public final class Problems {
    private Problems() {}

    public static ProblemDetail detail(ProblemType type, String detail, String instance) {
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(type.status(), detail);
        pd.setType(type.uri());
        pd.setTitle(type.title());
        if (instance != null) {
            try {
                pd.setInstance(URI.create(instance));
            } catch (IllegalArgumentException notAUri) {
                // A request path that is not a valid URI reference is left out rather than echoed.
            }
        }
        return pd;
    }

    public static ResponseEntity<ProblemDetail> response(ProblemType type, String detail, String instance) {
        var b = ResponseEntity.status(type.status()).contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (type == ProblemType.UNAUTHORIZED) b.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        return b.body(detail(type, detail, instance));
    }

    /**
     * Refuses a request from a filter, before its body is read, and closes the connection afterwards: the body is
     * never read, so the connection cannot carry another request, and the server does not read (swallow) an
     * unbounded body it has already refused.
     */
    public static void refuse(HttpServletRequest request, HttpServletResponse response, ObjectMapper mapper,
            ProblemType type, String detail) throws IOException {
        request.setAttribute(RefusedBodyValve.REFUSED, Boolean.TRUE);
        response.setHeader(HttpHeaders.CONNECTION, "close");
        write(response, mapper, type, detail, null);
    }

    public static void write(HttpServletResponse response, ObjectMapper mapper, ProblemType type, String detail,
            String instance) throws IOException {
        response.setStatus(type.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (type == ProblemType.UNAUTHORIZED) response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        mapper.writeValue(response.getOutputStream(), detail(type, detail, instance));
    }
}
