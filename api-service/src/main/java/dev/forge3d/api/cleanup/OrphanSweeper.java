package dev.forge3d.api.cleanup;

import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.api.scheduling.PeriodicTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Every {@code forge3d.cleanup.interval}, removes what crashes and finished jobs leave behind:
 * <ul>
 * <li>finished jobs past their retention period ({@link JobDeletion#deleteExpired});
 * <li>upload spool files ({@code <data-dir>/spool}) and abandoned partial blob writes older than the grace period;
 * <li>blobs under {@code jobs/<id>/} whose job has no row, once the newest is older than the grace period (a create
 * stores its uploads before it inserts the row, so a crash in between, or a failed delete, leaves such blobs);
 * <li>of finished jobs: the artifacts of attempts that were never published, and all checkpoints (rows first, then
 * every such blob, including ones whose row was never written).
 * </ul>
 * Safe on many replicas at once: every step is idempotent. The blob scan lists all of {@code jobs/} each run, so
 * the interval should be minutes to hours, not seconds.
 */
@Component
public class OrphanSweeper extends PeriodicTask {
    private static final Logger log = LoggerFactory.getLogger(OrphanSweeper.class);
    private static final int JOBS_PER_QUERY = 200;

    private final BlobStore blobs;
    private final JdbcClient jdbc;
    private final JobDeletion deletion;
    private final CleanupProperties props;
    private final Path spoolDir;

    public OrphanSweeper(BlobStore blobs, JdbcClient jdbc, JobDeletion deletion, CleanupProperties props,
            @Value("${forge3d.data-dir}") Path dataDir) {
        super("orphan-sweeper");
        this.blobs = blobs;
        this.jdbc = jdbc;
        this.deletion = deletion;
        this.props = props;
        this.spoolDir = dataDir.resolve("spool");
    }

    /** What one sweep removed: jobs, files and blobs. */
    public record Report(int expiredJobs, int spoolFiles, int abandonedWrites, int orphanBlobs,
            int unpublishedArtifactBlobs, int checkpointBlobs) {}

    @Override
    protected Duration interval() {
        return props.interval();
    }

    @Override
    protected void runOnce() {
        Report r = sweep(Instant.now().minus(props.orphanGrace()));
        if (!r.equals(new Report(0, 0, 0, 0, 0, 0))) log.info("cleanup: {}", r);
    }

    /**
     * One sweep. Spool files, abandoned writes and blobs without a job are removed only when last written before
     * {@code cutoff} (now minus the grace period): younger ones may belong to an upload still in progress.
     */
    public Report sweep(Instant cutoff) {
        int expired = 0;
        for (int n; (n = deletion.deleteExpired(500)) > 0; ) expired += n;
        try {
            int spool = deleteOldSpoolFiles(cutoff);
            int abandoned = blobs.deleteAbandonedWrites(cutoff);
            deleteRowsOfFinishedJobs();
            BlobScan scan = new BlobScan(cutoff);
            blobs.list("jobs/", scan::accept);
            scan.flush();
            return new Report(expired, spool, abandoned, scan.orphans, scan.unpublished, scan.checkpoints);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private int deleteOldSpoolFiles(Instant cutoff) throws IOException {
        if (!Files.isDirectory(spoolDir)) return 0;
        int removed = 0;
        try (Stream<Path> files = Files.list(spoolDir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                try {
                    if (Files.isRegularFile(p) && Files.getLastModifiedTime(p).toInstant().isBefore(cutoff)
                            && Files.deleteIfExists(p)) {
                        removed++;
                    }
                } catch (NoSuchFileException e) {
                    // its upload finished and removed it meanwhile
                }
            }
        }
        return removed;
    }

    /** Rows first: an unpublished artifact or a checkpoint of a finished job is never read again. */
    private void deleteRowsOfFinishedJobs() {
        jdbc.sql("""
                delete from artifacts a using jobs j
                 where j.id = a.job_id and j.state in ('SUCCEEDED', 'FAILED', 'CANCELED')
                   and a.attempt is distinct from j.published_attempt""").update();
        jdbc.sql("""
                delete from checkpoints c using jobs j
                 where j.id = c.job_id and j.state in ('SUCCEEDED', 'FAILED', 'CANCELED')""").update();
    }

    private record JobRow(String state, Integer publishedAttempt) {
        boolean finished() {
            return state.equals("SUCCEEDED") || state.equals("FAILED") || state.equals("CANCELED");
        }
    }

    /** Groups the listed blobs by job and decides per job, {@value #JOBS_PER_QUERY} jobs per database query. */
    private final class BlobScan {
        private final Instant cutoff;
        private final Map<UUID, List<BlobStore.Entry>> pending = new LinkedHashMap<>();
        int orphans;
        int unpublished;
        int checkpoints;

        BlobScan(Instant cutoff) {
            this.cutoff = cutoff;
        }

        void accept(BlobStore.Entry e) {
            UUID job = jobOf(e.key());
            if (job == null) return; // not a key this API writes; leave it
            if (!pending.containsKey(job) && pending.size() >= JOBS_PER_QUERY) flush();
            pending.computeIfAbsent(job, k -> new ArrayList<>()).add(e);
        }

        void flush() {
            if (pending.isEmpty()) return;
            Map<UUID, JobRow> rows = new HashMap<>();
            jdbc.sql("select id, state, published_attempt from jobs where id = any(string_to_array(:ids, ',')::uuid[])")
                    .param("ids", pending.keySet().stream().map(UUID::toString).collect(Collectors.joining(",")))
                    .query(rs -> {
                        rows.put(rs.getObject(1, UUID.class),
                                new JobRow(rs.getString(2), (Integer) rs.getObject(3)));
                    });
            pending.forEach((job, entries) -> decide(job, entries, rows.get(job)));
            pending.clear();
        }

        private void decide(UUID job, List<BlobStore.Entry> entries, JobRow row) {
            if (row == null) {
                boolean allOld = entries.stream().allMatch(e -> e.lastModified().isBefore(cutoff));
                if (allOld && deletePrefix(BlobKeys.jobPrefix(job))) orphans += entries.size();
                return;
            }
            if (!row.finished()) return;
            String prefix = BlobKeys.jobPrefix(job);
            for (BlobStore.Entry e : entries) {
                String rest = e.key().substring(prefix.length());
                if (rest.startsWith("checkpoint-uploads/") || rest.startsWith("checkpoints/")) {
                    if (delete(e.key())) checkpoints++;
                } else if (rest.startsWith("attempts/")) {
                    Integer attempt = attemptOf(rest);
                    if (attempt != null && !attempt.equals(row.publishedAttempt()) && delete(e.key())) unpublished++;
                }
            }
        }
    }

    /** The job id of a {@code jobs/<uuid>/...} key, or null. */
    static UUID jobOf(String key) {
        if (!key.startsWith("jobs/")) return null;
        int end = key.indexOf('/', 5);
        if (end < 0) return null;
        try {
            return UUID.fromString(key.substring(5, end));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The attempt of an {@code attempts/<n>/...} key remainder, or null. */
    private static Integer attemptOf(String rest) {
        int end = rest.indexOf('/', 9);
        if (end < 0) return null;
        try {
            return Integer.valueOf(rest.substring(9, end));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private boolean delete(String key) {
        try {
            blobs.delete(key);
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("cleanup could not delete blob {}: {}", key, e.toString());
            return false;
        }
    }

    private boolean deletePrefix(String prefix) {
        try {
            blobs.deletePrefix(prefix);
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("cleanup could not delete {}: {}", prefix, e.toString());
            return false;
        }
    }
}
