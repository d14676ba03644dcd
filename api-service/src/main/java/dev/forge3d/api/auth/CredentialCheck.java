package dev.forge3d.api.auth;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.web.RefusedBodyValve;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Checks, on the handler the router matched, that the caller presented the credential that handler takes
 * ({@link RequiresCredential}): worker routes take only the worker token, tenant routes only API keys, share routes
 * ({@code /s/{token}/...}) a live share link in their {@code token} path variable (404 otherwise, like a missing
 * job), and the events route also a stream token signed for the job in its {@code id} path variable. A handler
 * method without the annotation is refused (fail closed); the error page is the one exception. Runs before any
 * argument of the handler (a JSON body) is read.
 */
@Configuration
class CredentialCheck implements HandlerInterceptor, WebMvcConfigurer {
    private static final Logger log = LoggerFactory.getLogger(CredentialCheck.class);

    private final ShareLinkResolver shareLinks;
    private final StreamTokens streamTokens;

    CredentialCheck(@Lazy ShareLinkResolver shareLinks, @Lazy StreamTokens streamTokens) {
        this.shareLinks = shareLinks;
        this.streamTokens = streamTokens;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (!(handler instanceof HandlerMethod method)) return true;
        if (method.getBeanType().isAnnotationPresent(OpenRoute.class)) return true;
        RequiresCredential rule = required(method);
        Caller caller = (Caller) request.getAttribute(Caller.REQUEST_ATTRIBUTE);
        if (rule == null) {
            log.error("route {} has no @RequiresCredential; refused", method.getShortLogMessage());
            throw new ApiException(ProblemType.UNAUTHORIZED, "this route takes no credential that was presented");
        }
        if (rule.value() == CredentialKind.SHARE_LINK) {
            // The credential is the path itself; whoever holds the link may read, whatever else they send.
            ShareGrant grant = shareLinks.resolve(pathVariable(request, "token"))
                    .orElseThrow(() -> new ApiException(ProblemType.NOT_FOUND,
                            "no such share link (it may have expired or been revoked)"));
            request.setAttribute(ShareGrant.REQUEST_ATTRIBUTE, grant);
            return true;
        }
        if (caller != null && caller.kind() == CredentialKind.STREAM_TOKEN && accepts(rule, CredentialKind.STREAM_TOKEN)) {
            UUID tenant = jobId(pathVariable(request, "id"))
                    .flatMap(job -> streamTokens.verify((String) request.getAttribute(StreamTokens.PRESENTED_ATTRIBUTE), job))
                    .orElseThrow(() -> new ApiException(ProblemType.UNAUTHORIZED,
                            "the stream token is not valid for this job (expired, forged or another job's)"));
            request.setAttribute(TenantId.REQUEST_ATTRIBUTE, new TenantId(tenant));
            return true;
        }
        if (caller == null || caller.kind() == null || !accepts(rule, caller.kind())
                || caller.kind() == CredentialKind.STREAM_TOKEN) {
            // Refused before its body is read: the connection closes instead of reading it (RefusedBodyValve).
            request.setAttribute(RefusedBodyValve.REFUSED, Boolean.TRUE);
            response.setHeader("Connection", "close");
            throw new ApiException(ProblemType.UNAUTHORIZED, caller == null || caller.kind() == null
                    ? "send 'Authorization: Bearer <key>'" : "this call takes " + rule.value().description());
        }
        return true;
    }

    private static boolean accepts(RequiresCredential rule, CredentialKind kind) {
        return rule.value() == kind || Arrays.asList(rule.alsoAccepts()).contains(kind);
    }

    @SuppressWarnings("unchecked")
    private static String pathVariable(HttpServletRequest request, String name) {
        Object vars = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return vars instanceof Map<?, ?> map ? ((Map<String, String>) map).get(name) : null;
    }

    private static Optional<UUID> jobId(String id) {
        try {
            return id == null ? Optional.empty() : Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static RequiresCredential required(HandlerMethod method) {
        RequiresCredential onMethod = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(),
                RequiresCredential.class);
        return onMethod != null ? onMethod
                : AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RequiresCredential.class);
    }
}
