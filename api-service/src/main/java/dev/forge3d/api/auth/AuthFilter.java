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
 * Bearer authentication for everything under /v1: the worker protocol (/v1/worker/**) takes the worker token,
 * every other /v1 call a tenant API key. Health and metrics (/actuator) are open.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class AuthFilter extends OncePerRequestFilter {
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
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return !(path.equals("/v1") || path.startsWith("/v1/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Optional<String> bearer = bearer(request);
        if (bearer.isEmpty()) {
            Problems.write(response, mapper, ProblemType.UNAUTHORIZED,
                    "send 'Authorization: Bearer <key>'", request.getRequestURI());
            return;
        }
        if (path.startsWith("/v1/worker/") || path.equals("/v1/worker")) {
            if (!workerTokens.matches(bearer.get())) {
                Problems.write(response, mapper, ProblemType.UNAUTHORIZED, "the worker token is not valid",
                        request.getRequestURI());
                return;
            }
        } else {
            Optional<UUID> tenant = keys.tenantFor(bearer.get());
            if (tenant.isEmpty()) {
                Problems.write(response, mapper, ProblemType.UNAUTHORIZED, "the API key is not valid",
                        request.getRequestURI());
                return;
            }
            request.setAttribute(TenantId.REQUEST_ATTRIBUTE, new TenantId(tenant.get()));
        }
        chain.doFilter(request, response);
    }

    private static Optional<String> bearer(HttpServletRequest request) {
        String h = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (h == null || h.length() < 8 || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String token = h.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
