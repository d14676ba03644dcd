package dev.forge3d.api.limits;

import dev.forge3d.api.auth.ShareGrant;
import dev.forge3d.api.auth.TenantId;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The rate limit of calls whose tenant is known only on the matched route: share links ({@code /s/{token}/...}) and
 * event streams opened with a stream token. They carry no API key, so {@link RateLimitFilter} saw no tenant; once
 * the route's credential check has found the job's tenant, the call takes a token of that tenant's bucket (the
 * same bucket as its own calls: a link on a busy page spends the tenant's rate).
 */
@Configuration
class CredentialedRateLimit implements HandlerInterceptor, WebMvcConfigurer {
    private final RateLimitFilter filter;
    private final LimitProperties props;

    CredentialedRateLimit(@Lazy RateLimitFilter filter, LimitProperties props) {
        this.filter = filter;
        this.props = props;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // After the credential check (order 0), which establishes the tenant.
        registry.addInterceptor(this).order(100);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler)
            throws IOException {
        if (!props.enabled() || request.getAttribute(RateLimitFilter.CHECKED) != null) return true;
        UUID tenant = request.getAttribute(ShareGrant.REQUEST_ATTRIBUTE) instanceof ShareGrant g ? g.tenantId()
                : request.getAttribute(TenantId.REQUEST_ATTRIBUTE) instanceof TenantId t ? t.value() : null;
        return tenant == null || filter.limit(request, response, tenant);
    }
}
