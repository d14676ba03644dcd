package dev.forge3d.api.jobs;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/** An opaque position in a newest-first listing: the (createdAt, id) of the last job on the previous page. */
record PageCursor(Instant createdAt, UUID id) {
    /** Before every real job. */
    static final PageCursor START = new PageCursor(Instant.parse("9999-12-31T23:59:59Z"),
            new UUID(-1L, -1L));

    String encode() {
        String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + "." + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    static PageCursor decode(String cursor) {
        if (cursor == null || cursor.isBlank()) return START;
        try {
            String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            String[] p = raw.split("\\.", 3);
            Instant at = Instant.ofEpochSecond(Long.parseLong(p[0]), Long.parseLong(p[1]));
            // Only instants a job can have been created at: PostgreSQL's timestamptz ends before Java's Instant.
            if (at.isBefore(Instant.EPOCH) || at.isAfter(START.createdAt())) throw new IllegalArgumentException();
            return new PageCursor(at, UUID.fromString(p[2]));
        } catch (RuntimeException e) {
            throw new ApiException(ProblemType.INVALID_PARAMETER, "cursor is not one this API returned");
        }
    }
}
