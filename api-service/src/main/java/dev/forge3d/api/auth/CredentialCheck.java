package dev.forge3d.api.auth;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import dev.forge3d.api.web.RefusedBodyValve;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Checks, on the handler the router matched, that the caller presented the credential that handler takes
 * ({@link RequiresCredential}): worker routes take only the worker token, tenant routes only API keys. A handler
 * method without the annotation is refused (fail closed); the error page is the one exception. Runs before any
 * argument of the handler (a JSON body) is read.
 */
@Configuration
class CredentialCheck implements HandlerInterceptor, WebMvcConfigurer {
    private static final Logger log = LoggerFactory.getLogger(CredentialCheck.class);

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
        if (caller == null || caller.kind() != rule.value()) {
            // Refused before its body is read: the connection closes instead of reading it (RefusedBodyValve).
            request.setAttribute(RefusedBodyValve.REFUSED, Boolean.TRUE);
            response.setHeader("Connection", "close");
            throw new ApiException(ProblemType.UNAUTHORIZED, "this call takes " + rule.value().description());
        }
        return true;
    }

    static RequiresCredential required(HandlerMethod method) {
        RequiresCredential onMethod = AnnotatedElementUtils.findMergedAnnotation(method.getMethod(),
                RequiresCredential.class);
        return onMethod != null ? onMethod
                : AnnotatedElementUtils.findMergedAnnotation(method.getBeanType(), RequiresCredential.class);
    }
}
