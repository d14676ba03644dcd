package dev.forge3d.api.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed with the secret's
 * bytes; secrets are shown as {@code whsec_<base64 of those bytes>}. Several keys (during a rotation) give
 * several space-separated signatures, any of which verifies.
 */
public final class WebhookSigner {
    public static final String SECRET_PREFIX = "whsec_";

    private WebhookSigner() {}

    public static String signature(byte[] key, String messageId, long timestampSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((messageId + "." + timestampSeconds + "." + body)
                    .getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The {@code webhook-signature} header: one signature per key, space-separated. */
    public static String header(List<byte[]> keys, String messageId, long timestampSeconds, String body) {
        return keys.stream().map(k -> signature(k, messageId, timestampSeconds, body))
                .collect(Collectors.joining(" "));
    }

    public static String encodeSecret(byte[] key) {
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    public static byte[] decodeSecret(String secret) {
        String b64 = secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret;
        return Base64.getDecoder().decode(b64);
    }
}
