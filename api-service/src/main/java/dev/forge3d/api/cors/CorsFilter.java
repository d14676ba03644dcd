package dev.forge3d.api.cors;

import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Cross-origin access from browsers, for the origins in {@code forge3d.cors.allowed-origins}. Runs after the
 * canonical-path check and before authentication: a preflight ({@code OPTIONS} with {@code Origin} and
 * {@code Access-Control-Request-Method}) carries no credential by design, so it is answered here (204, or 403
 * {@code cors-refused} for an origin, method or header that is not allowed) and never reaches a route. Other
 * requests from an allowed origin get {@code Access-Control-Allow-Origin} and the exposed headers on whatever they
 * are answered, errors included, so that a page can read a 401 or 429. No cookies are used, so credentials mode is
 * never allowed: the API key travels in the Authorization header.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class CorsFilter extends OncePerRequestFilter {
    static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "DELETE");
    static final Set<String> REQUEST_HEADERS = Set.of("authorization", "content-type", "idempotency-key",
            "last-event-id", "range", "cache-control");
    static final String EXPOSED_HEADERS = String.join(", ", "Location", "Idempotency-Key", "Idempotent-Replayed",
            "RateLimit", "RateLimit-Policy", "Retry-After", "Content-Range", "Content-Disposition", "Accept-Ranges",
            "WWW-Authenticate");

    private final CorsProperties props;
    private final ObjectMapper mapper;

    public CorsFilter(CorsProperties props, ObjectMapper mapper) {
        this.props = props;
        this.mapper = mapper;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            chain.doFilter(request, response);
            return;
        }
        boolean allowed = props.allows(origin);
        String requestedMethod = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
        if ("OPTIONS".equals(request.getMethod()) && requestedMethod != null) {
            preflight(request, response, origin, allowed, requestedMethod);
            return;
        }
        if (allowed) {
            response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.setHeader(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
        response.addHeader(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        chain.doFilter(request, response);
    }

    private void preflight(HttpServletRequest request, HttpServletResponse response, String origin, boolean allowed,
            String method) throws IOException {
        response.addHeader(HttpHeaders.VARY, String.join(", ", HttpHeaders.ORIGIN,
                HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS));
        String refusal = !allowed ? "origin " + abbreviate(origin) + " may not call this API "
                + "(forge3d.cors.allowed-origins, env FORGE3D_CORS_ALLOWED_ORIGINS)"
                : !METHODS.contains(method) ? "method " + abbreviate(method) + " is not allowed cross-origin"
                : unknownHeader(request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS));
        if (refusal != null) {
            Problems.write(response, mapper, ProblemType.CORS_REFUSED, refusal, null);
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", METHODS.stream().sorted().toList()));
        String headers = request.getHeader(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
        if (headers != null && !headers.isBlank()) response.setHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, headers);
        response.setHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, Long.toString(props.maxAge().toSeconds()));
    }

    private static String unknownHeader(String requested) {
        if (requested == null || requested.isBlank()) return null;
        return Arrays.stream(requested.split(",")).map(h -> h.strip().toLowerCase(Locale.ROOT))
                .filter(h -> !h.isEmpty() && !REQUEST_HEADERS.contains(h)).findFirst()
                .map(h -> "request header " + abbreviate(h) + " is not allowed cross-origin").orElse(null);
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }
}
