package dev.forge3d.api.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The default schedule (application.yml) keeps trying for at least 24 h, with growing gaps. */
class RetryScheduleTest {
    static WebhookProperties defaults() {
        return new WebhookProperties(false, Duration.ofSeconds(1), 32,
                List.of(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10),
                        Duration.ofMinutes(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofHours(4)),
                Duration.ofHours(24), Duration.ofMinutes(2), Duration.ofSeconds(5), Duration.ofSeconds(10), 2048, 20,
                Duration.ofHours(24));
    }

    @Test
    void aReceiverThatIsAlwaysDownIsTriedForAtLeast24HoursThenGivenUp() {
        WebhookProperties p = defaults();
        Instant event = Instant.parse("2026-12-06T00:00:00Z");
        List<Instant> attempts = new ArrayList<>();
        Instant at = event;
        for (int attempt = 1; at != null; attempt++) {
            attempts.add(at);
            at = p.nextAttempt(event, at.plusSeconds(10), attempt); // each attempt times out after 10 s
        }
        Duration span = Duration.between(event, attempts.getLast());
        assertThat(span).isGreaterThanOrEqualTo(Duration.ofHours(24)).isLessThan(Duration.ofHours(29));
        assertThat(attempts).hasSize(14);
        assertThat(Duration.between(attempts.get(0), attempts.get(1))).isEqualTo(Duration.ofSeconds(15));
        for (int i = 2; i < attempts.size(); i++) {
            assertThat(Duration.between(attempts.get(i - 1), attempts.get(i)))
                    .isGreaterThanOrEqualTo(Duration.between(attempts.get(i - 2), attempts.get(i - 1)));
        }
    }
}
