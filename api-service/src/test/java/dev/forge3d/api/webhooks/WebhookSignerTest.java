package dev.forge3d.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Our signer against the Standard Webhooks test vector and the reference library (com.standardwebhooks). */
class WebhookSignerTest {
    // The vector the spec's reference libraries test against (libraries/java WebhookTest.verifyWebhookSignWorks).
    static final String VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long VECTOR_TIMESTAMP = 1614265330;
    static final String VECTOR_PAYLOAD = "{\"test\": 2432232314}";
    static final String VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    @Test
    void signsTheSpecTestVector() {
        byte[] key = WebhookSigner.decodeSecret(VECTOR_SECRET);
        assertThat(WebhookSigner.signature(key, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD))
                .isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void theReferenceLibraryAgreesOnTheVector() throws Exception {
        assertThat(new Webhook(VECTOR_SECRET).sign(VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_PAYLOAD))
                .isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void referenceLibraryVerifiesOurHeadersWithEitherKeyDuringARotation() throws Exception {
        byte[] current = new byte[32], previous = new byte[32];
        new SecureRandom().nextBytes(current);
        new SecureRandom().nextBytes(previous);
        String body = "{\"type\":\"job.succeeded\",\"data\":{\"id\":\"x\"}}";
        long now = Instant.now().getEpochSecond();
        String header = WebhookSigner.header(List.of(current, previous), "msg_1", now, body);
        assertThat(header.split(" ")).hasSize(2);
        Map<String, List<String>> headers = Map.of("webhook-id", List.of("msg_1"),
                "webhook-timestamp", List.of(Long.toString(now)), "webhook-signature", List.of(header));
        new Webhook(WebhookSigner.encodeSecret(current)).verify(body, headers);
        new Webhook(WebhookSigner.encodeSecret(previous)).verify(body, headers);
        byte[] other = new byte[32];
        new SecureRandom().nextBytes(other);
        assertThatThrownBy(() -> new Webhook(WebhookSigner.encodeSecret(other)).verify(body, headers))
                .isInstanceOf(WebhookVerificationException.class);
        assertThatThrownBy(() -> new Webhook(WebhookSigner.encodeSecret(current)).verify(body + " ", headers))
                .isInstanceOf(WebhookVerificationException.class);
    }
}
