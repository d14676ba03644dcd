package dev.forge3d.api.auth;

import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/** Refuses, before anything else runs, every request whose path is not in {@link CanonicalPaths canonical form}. */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class CanonicalPathFilter extends OncePerRequestFilter {
    private final ObjectMapper mapper;

    public CanonicalPathFilter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String problem = CanonicalPaths.problem(request.getRequestURI().substring(request.getContextPath().length()));
        if (problem != null) {
            Problems.refuse(request, response, mapper, ProblemType.NON_CANONICAL_PATH, problem);
            return;
        }
        chain.doFilter(request, response);
    }
}
