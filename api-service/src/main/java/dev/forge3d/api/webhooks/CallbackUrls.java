package dev.forge3d.api.webhooks;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The check a webhook URL passes when it is given (a job's {@code callbackUrl}, an endpoint's {@code url}): a
 * well-formed http(s) URL whose host resolves to allowed addresses (400 {@code callback-url-not-allowed} saying
 * why), and a tenant that has a signing secret (400 {@code webhook-secret-missing}: a secret is not made
 * silently, since it is shown only by the call that makes it).
 */
@Component
public class CallbackUrls {
    private final CallbackUrlGuard guard;
    private final WebhookSecrets secrets;

    public CallbackUrls(CallbackUrlGuard guard, WebhookSecrets secrets) {
        this.guard = guard;
        this.secrets = secrets;
    }

    /** The URL as given, once it passed; throws a 400 {@link ApiException} otherwise. */
    public String check(UUID tenant, String field, String url) {
        try {
            guard.resolve(url);
        } catch (CallbackUrlGuard.Refused e) {
            throw new ApiException(ProblemType.CALLBACK_URL_NOT_ALLOWED, field + ": " + e.getMessage());
        }
        if (!secrets.exists(tenant)) {
            throw new ApiException(ProblemType.WEBHOOK_SECRET_MISSING, "create the tenant's webhook secret with "
                    + "POST /v1/webhook-secrets before giving a " + field + ": deliveries are signed with it");
        }
        return url;
    }
}
