package dev.forge3d.api.auth;

import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import java.util.UUID;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Establishes who is calling, before a request's body is read: the bearer credential must be the worker token or
 * a tenant's API key, else 401. Which of the two a call takes is decided later, on the route the router matched
 * ({@link CredentialCheck}); this filter never decides anything from the path, except two operator surfaces that
 * are not controllers: health probes are open, the other actuator endpoints (metrics) take the worker token. The
 * path is canonical here ({@link CanonicalPathFilter} runs first), so that prefix test cannot be fooled.
 * Requests without an Authorization header go on as {@link Caller#ANONYMOUS} outside {@code /v1} and
 * {@code /actuator} (the viewer's pages and share links), and as {@link Caller#STREAM} with a {@code streamToken}
 * query parameter on a GET; in both cases the route the router matched decides ({@link CredentialCheck}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthFilter extends OncePerRequestFilter {
    private static final String ACTUATOR = "/actuator";
    private static final String HEALTH = "/actuator/health";

    private final ApiKeyAuthenticator keys;
    private final WorkerTokenVerifier workerTokens;
    private final ObjectMapper mapper;

    public AuthFilter(ApiKeyAuthenticator keys, WorkerTokenVerifier workerTokens, ObjectMapper mapper) {
        this.keys = keys;
        this.workerTokens = workerTokens;
        this.mapper = mapper;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = path(request);
        return path.equals(HEALTH) || path.startsWith(HEALTH + "/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getHeader(HttpHeaders.AUTHORIZATION) == null && !underApi(path(request))) {
            // Browser pages (the viewer, share links): the matched route decides (CredentialCheck); a route that
            // takes a key or token refuses an anonymous caller there.
            request.setAttribute(Caller.REQUEST_ATTRIBUTE, Caller.ANONYMOUS);
            chain.doFilter(request, response);
            return;
        }
        Optional<String> streamToken = streamToken(request);
        if (request.getHeader(HttpHeaders.AUTHORIZATION) == null && streamToken.isPresent()) {
            // EventSource cannot send headers; the token is checked against the matched route's job (CredentialCheck).
            request.setAttribute(Caller.REQUEST_ATTRIBUTE, Caller.STREAM);
            request.setAttribute(StreamTokens.PRESENTED_ATTRIBUTE, streamToken.get());
            chain.doFilter(request, response);
            return;
        }
        Optional<String> bearer = bearer(request);
        if (bearer.isEmpty()) {
            Problems.refuse(request, response, mapper, ProblemType.UNAUTHORIZED, "send 'Authorization: Bearer <key>'");
            return;
        }
        Caller caller;
        if (workerTokens.matches(bearer.get())) {
            caller = Caller.WORKER;
        } else {
            Optional<UUID> tenant = keys.tenantFor(bearer.get());
            if (tenant.isEmpty()) {
                Problems.refuse(request, response, mapper, ProblemType.UNAUTHORIZED, "the API key is not valid");
                return;
            }
            caller = Caller.tenant(tenant.get());
            request.setAttribute(TenantId.REQUEST_ATTRIBUTE, new TenantId(tenant.get()));
        }
        String path = path(request);
        if ((path.equals(ACTUATOR) || path.startsWith(ACTUATOR + "/")) && caller.kind() != CredentialKind.WORKER_TOKEN) {
            Problems.refuse(request, response, mapper, ProblemType.UNAUTHORIZED, "operator endpoints take the worker token");
            return;
        }
        request.setAttribute(Caller.REQUEST_ATTRIBUTE, caller);
        chain.doFilter(request, response);
    }

    /** The API and operator surfaces, where every call carries a credential in its headers (or a stream token). */
    private static boolean underApi(String path) {
        return path.equals("/v1") || path.startsWith("/v1/") || path.equals(ACTUATOR) || path.startsWith(ACTUATOR + "/");
    }

    /** A stream token in the query string of a GET (read from the query only, never from a form body). */
    private static Optional<String> streamToken(HttpServletRequest request) {
        String query = request.getQueryString();
        if (query == null || !"GET".equals(request.getMethod())) return Optional.empty();
        String found = null;
        for (String pair : query.split("&")) {
            if (pair.startsWith(StreamTokens.QUERY_PARAMETER + "=")) {
                if (found != null) return Optional.empty();
                found = pair.substring(StreamTokens.QUERY_PARAMETER.length() + 1);
            }
        }
        return found == null || found.isEmpty() ? Optional.empty() : Optional.of(found);
    }

    private static String path(HttpServletRequest request) {
        return request.getRequestURI().substring(request.getContextPath().length());
    }

    private static Optional<String> bearer(HttpServletRequest request) {
        var headers = request.getHeaders(HttpHeaders.AUTHORIZATION);
        if (headers == null || !headers.hasMoreElements()) return Optional.empty();
        String h = headers.nextElement();
        // Two Authorization headers are ambiguous (a proxy may read the other one): refused.
        if (headers.hasMoreElements()) return Optional.empty();
        if (h == null || h.length() < 8 || h.length() > 1024 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = h.substring(7).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
