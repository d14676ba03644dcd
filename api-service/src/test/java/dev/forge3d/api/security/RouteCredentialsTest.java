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
 * (/v1/worker/...) only the worker token, every other /v1 route tenant keys (a job's events also a stream token of
 * that job), share routes (/s/{token}...) only the share link, and only for GET. A new controller without
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
                        ? CredentialKind.WORKER_TOKEN : pattern.startsWith("/s/") ? CredentialKind.SHARE_LINK
                        : CredentialKind.TENANT_KEY);
                // A share link's routes live under /s/{token}, whose token is the credential; nothing else.
                if (rule.value() == CredentialKind.SHARE_LINK) {
                    assertThat(pattern).as(pattern).startsWith("/s/{token}");
                    assertThat(info.getMethodsCondition().getMethods()).as(pattern + " is read-only")
                            .containsOnly(org.springframework.web.bind.annotation.RequestMethod.GET);
                }
                // A stream token opens exactly one route: a job's events.
                boolean streamToken = java.util.Arrays.asList(rule.alsoAccepts()).contains(CredentialKind.STREAM_TOKEN);
                assertThat(streamToken).as(pattern + " accepts stream tokens")
                        .isEqualTo(pattern.equals("/v1/jobs/{id}/events"));
            }
        });
        assertThat(rules.values()).contains(CredentialKind.WORKER_TOKEN, CredentialKind.TENANT_KEY,
                CredentialKind.SHARE_LINK);
        assertThat(rules).hasSizeGreaterThanOrEqualTo(32);
        assertThat(rules).containsEntry("[POST] /v1/jobs/{id}/shares", CredentialKind.TENANT_KEY)
                .containsEntry("[POST] /v1/jobs/{id}/stream-tokens", CredentialKind.TENANT_KEY)
                .containsEntry("[GET] /s/{token}/artifacts/{*name}", CredentialKind.SHARE_LINK);
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
