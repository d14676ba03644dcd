package dev.forge3d.api.limits;

import dev.forge3d.api.auth.TenantId;
import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.ObjectMapper;

/**
 * Requests per second per tenant: every call the auth filter (order +10) attributed to a tenant takes a token from
 * the tenant's bucket; without one it is answered 429 {@code rate-limited}. Calls with no tenant (worker protocol,
 * actuator) pass untouched. If the bucket store cannot be reached the call goes on (fail open) rather than failing.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
public class RateLimitFilter extends OncePerRequestFilter {
    private static final Logger log = LoggerFactory.getLogger(RateLimitFilter.class);

    private final LimitProperties props;
    private final TenantLimitsLookup limits;
    private final RateLimitBuckets buckets;
    private final ObjectMapper mapper;

    public RateLimitFilter(LimitProperties props, TenantLimitsLookup limits, RateLimitBuckets buckets,
            ObjectMapper mapper) {
        this.props = props;
        this.limits = limits;
        this.buckets = buckets;
        this.mapper = mapper;
    }

    /** Set once a request has taken its token, so that {@link CredentialedRateLimit} does not take a second. */
    static final String CHECKED = RateLimitFilter.class.getName() + ".checked";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!props.enabled() || !(request.getAttribute(TenantId.REQUEST_ATTRIBUTE) instanceof TenantId tenant)) {
            chain.doFilter(request, response);
            return;
        }
        if (limit(request, response, tenant.value())) chain.doFilter(request, response);
    }

    /**
     * Takes a token of the tenant's bucket for this request and writes the RateLimit headers; without one, answers
     * 429 {@code rate-limited} and returns false.
     */
    boolean limit(HttpServletRequest request, HttpServletResponse response, java.util.UUID tenant) throws IOException {
        request.setAttribute(CHECKED, Boolean.TRUE);
        TenantLimits tenantLimits;
        RateDecision decision;
        try {
            tenantLimits = limits.limitsOf(tenant);
            decision = buckets.take(tenant, tenantLimits);
        } catch (RuntimeException e) {
            log.warn("rate limit not checked for {} (bucket store failed): {}", request.getRequestURI(), e.toString());
            return true;
        }
        RateLimitHeaders.write(response, tenantLimits, decision);
        if (!decision.allowed()) {
            String detail = "this tenant may make " + tenantLimits.requestsPerSecond() + " requests per second "
                    + "(bursts of " + tenantLimits.burst() + "); retry after "
                    + RateLimitHeaders.retryAfterSeconds(decision) + " s";
            if (hasBody(request)) {
                // Refused before its body is read (an upload may be large): answer and close the connection.
                Problems.refuse(request, response, mapper, ProblemType.RATE_LIMITED, detail);
            } else {
                Problems.write(response, mapper, ProblemType.RATE_LIMITED, detail, request.getRequestURI());
            }
            return false;
        }
        return true;
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
    }
}
