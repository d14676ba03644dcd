package dev.forge3d.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StreamTokensTest {
    private static final UUID JOB = UUID.randomUUID();
    private static final UUID TENANT = UUID.randomUUID();
    private final Instant t0 = Instant.parse("2026-12-06T18:00:00Z");
    private final StreamTokenProperties props = new StreamTokenProperties(Duration.ofMinutes(5), null);
    private final WorkerProperties workers = new WorkerProperties("worker-token", null);

    @Test
    void acceptedForItsJobUntilItExpires() {
        String token = tokens(t0).issue(JOB, TENANT).token();
        assertThat(tokens(t0.plusSeconds(299)).verify(token, JOB)).contains(TENANT);
        assertThat(tokens(t0.plusSeconds(300)).verify(token, JOB)).isEmpty();
        assertThat(tokens(t0).verify(token, UUID.randomUUID())).isEmpty();
    }

    @Test
    void anotherSecretOrAnEditedPayloadIsRefused() {
        String token = tokens(t0).issue(JOB, TENANT).token();
        var otherSecret = new StreamTokens(props, new WorkerProperties("another-worker-token", null),
                Clock.fixed(t0, ZoneOffset.UTC));
        assertThat(otherSecret.verify(token, JOB)).isEmpty();
        var configured = new StreamTokens(new StreamTokenProperties(Duration.ofMinutes(5), "s3cret"), workers,
                Clock.fixed(t0, ZoneOffset.UTC));
        assertThat(configured.verify(token, JOB)).isEmpty();
        // The same payload for a later expiry, with the old signature: refused.
        String later = tokens(t0.plusSeconds(3600)).issue(JOB, TENANT).token();
        String spliced = later.substring(0, later.indexOf('.')) + token.substring(token.indexOf('.'));
        assertThat(tokens(t0).verify(spliced, JOB)).isEmpty();
        assertThat(tokens(t0).verify("", JOB)).isEmpty();
        assertThat(tokens(t0).verify("%%.%%", JOB)).isEmpty();
        assertThat(tokens(t0).verify(null, JOB)).isEmpty();
    }

    private StreamTokens tokens(Instant now) {
        return new StreamTokens(props, workers, Clock.fixed(now, ZoneOffset.UTC));
    }
}
