package dev.forge3d.api.web;

import java.io.IOException;
import java.net.URI;
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
        if (instance != null) pd.setInstance(URI.create(instance));
        return pd;
    }

    public static ResponseEntity<ProblemDetail> response(ProblemType type, String detail, String instance) {
        return ResponseEntity.status(type.status())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(detail(type, detail, instance));
    }

    public static void write(HttpServletResponse response, ObjectMapper mapper, ProblemType type, String detail,
            String instance) throws IOException {
        response.setStatus(type.status().value());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (type == ProblemType.UNAUTHORIZED) response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        mapper.writeValue(response.getOutputStream(), detail(type, detail, instance));
    }
}
