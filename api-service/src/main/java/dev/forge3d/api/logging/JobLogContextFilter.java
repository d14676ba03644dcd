package dev.forge3d.api.logging;

import dev.forge3d.api.auth.TenantId;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts the tenant ({@code tenantId}) and the job ({@code jobId}) a request is about into the logging MDC, so every
 * log line written while the API handles it carries them (as fields of the JSON line with structured logging,
 * {@code LOGGING_STRUCTURED_FORMAT_CONSOLE=ecs}). Runs after {@code AuthFilter}, which resolves the tenant. The job
 * id of a new job is added by the controller once it exists ({@link #JOB_ID}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 15)
public class JobLogContextFilter extends OncePerRequestFilter {
    public static final String JOB_ID = "jobId";
    public static final String TENANT_ID = "tenantId";
    /** Client and worker routes about one job: /v1/jobs/{id}..., /v1/worker/jobs/{id}... */
    private static final Pattern JOB_PATH = Pattern.compile("^/v1/(?:worker/)?jobs/([0-9a-fA-F-]{36})(?:/.*)?$");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getAttribute(TenantId.REQUEST_ATTRIBUTE) instanceof TenantId tenant) {
            MDC.put(TENANT_ID, tenant.value().toString());
        }
        Matcher m = JOB_PATH.matcher(request.getRequestURI());
        if (m.matches()) MDC.put(JOB_ID, m.group(1).toLowerCase(java.util.Locale.ROOT));
        try {
            chain.doFilter(request, response);
        } finally {
            MDC.remove(TENANT_ID);
            MDC.remove(JOB_ID);
        }
    }
}
