package dev.forge3d.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.OpenRoute;
import dev.forge3d.api.auth.RequiresCredential;
import dev.forge3d.api.support.ApiTestBase;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Every route the router knows names the credential it takes, and it is the right one: the worker protocol
 * (/v1/worker/...) only the worker token, every other /v1 route only tenant keys. A new controller without
 * {@link RequiresCredential} fails here before it could ship (at run time it would be refused anyway).
 */
class RouteCredentialsTest extends ApiTestBase {
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mapping;

    @Test
    void everyRouteNamesItsCredential() {
        Map<String, CredentialKind> rules = new TreeMap<>();
        mapping.getHandlerMethods().forEach((info, method) -> {
            for (String pattern : info.getPatternValues()) {
                if (method.getBeanType().isAnnotationPresent(OpenRoute.class)) {
                    assertThat(pattern).isEqualTo("/error");
                    continue;
                }
                RequiresCredential rule = rule(method);
                assertThat(rule).as(pattern + " " + method.getShortLogMessage() + " has no @RequiresCredential").isNotNull();
                rules.put(info.getMethodsCondition() + " " + pattern, rule.value());
                assertThat(rule.value()).as(pattern).isEqualTo(pattern.startsWith("/v1/worker/")
                        ? CredentialKind.WORKER_TOKEN : CredentialKind.TENANT_KEY);
            }
        });
        assertThat(rules.values()).contains(CredentialKind.WORKER_TOKEN, CredentialKind.TENANT_KEY);
        assertThat(rules).hasSizeGreaterThanOrEqualTo(15);
        // The webhook routes (issue 16) take tenant keys.
        assertThat(rules).containsEntry("[POST] /v1/webhook-secrets", CredentialKind.TENANT_KEY)
                .containsEntry("[POST] /v1/webhook-endpoints", CredentialKind.TENANT_KEY)
                .containsEntry("[GET] /v1/webhook-endpoints", CredentialKind.TENANT_KEY)
                .containsEntry("[DELETE] /v1/webhook-endpoints/{id}", CredentialKind.TENANT_KEY)
                .containsEntry("[GET] /v1/jobs/{id}/deliveries", CredentialKind.TENANT_KEY);
    }

    private static RequiresCredential rule(HandlerMethod m) {
        RequiresCredential r = AnnotatedElementUtils.findMergedAnnotation(m.getMethod(), RequiresCredential.class);
        return r != null ? r : AnnotatedElementUtils.findMergedAnnotation(m.getBeanType(), RequiresCredential.class);
    }
}
