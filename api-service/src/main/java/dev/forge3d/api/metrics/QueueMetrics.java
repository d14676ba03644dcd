package dev.forge3d.api.metrics;

import dev.forge3d.api.jobs.JobTypes;
import dev.forge3d.api.scheduling.PeriodicTask;
import dev.forge3d.api.workers.CapacityProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Gauges read from PostgreSQL, the state every API replica shares (so each replica reports the same values:
 * aggregate them with {@code max}, not {@code sum}): queued jobs and the oldest one's wait per job type and
 * requirement ({@code gpu}: the job asks for a CUDA worker), running jobs per type, and workers seen within
 * {@code forge3d.workers.capacity.seen-window} per backend. Refreshed every {@code forge3d.metrics.refresh-interval}
 * by one query each, so a scrape never touches the database. Every type and requirement is reported, zeros
 * included: an autoscaler reading the queue must see it empty, not missing.
 */
@Component
public class QueueMetrics extends PeriodicTask {
    private final JdbcClient jdbc;
    private final MetricsProperties props;
    private final CapacityProperties capacity;
    private final Map<String, AtomicLong> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> oldestSeconds = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> running = new ConcurrentHashMap<>();
    private final MultiGauge workers;

    public QueueMetrics(JdbcClient jdbc, MeterRegistry registry, MetricsProperties props, CapacityProperties capacity) {
        super("forge3d-queue-metrics");
        this.jdbc = jdbc;
        this.props = props;
        this.capacity = capacity;
        for (String type : JobTypes.ALL) {
            for (boolean gpu : new boolean[] {false, true}) {
                Tags tags = Tags.of("type", type, "gpu", Boolean.toString(gpu));
                Gauge.builder("forge3d.queue.depth", queued.computeIfAbsent(key(type, gpu), k -> new AtomicLong()),
                                AtomicLong::get)
                        .description("Jobs waiting for a worker").tags(tags).register(registry);
                Gauge.builder("forge3d.queue.oldest.age",
                                oldestSeconds.computeIfAbsent(key(type, gpu), k -> new AtomicLong()), AtomicLong::get)
                        .description("How long the oldest queued job has waited").baseUnit("seconds").tags(tags)
                        .register(registry);
            }
            Gauge.builder("forge3d.jobs.running", running.computeIfAbsent(type, k -> new AtomicLong()), AtomicLong::get)
                    .description("Jobs a worker holds a lease on").tags("type", type).register(registry);
        }
        workers = MultiGauge.builder("forge3d.workers").description("Workers that asked for work recently")
                .register(registry);
    }

    private static String key(String type, boolean gpu) {
        return type + "|" + gpu;
    }

    @Override
    protected Duration interval() {
        return props.refreshInterval();
    }

    @Override
    protected void runOnce() {
        refresh();
    }

    /** Reads the queue and the workers now (the periodic task calls this). */
    public void refresh() {
        Map<String, long[]> q = new HashMap<>();
        jdbc.sql("""
                select type, requires_gpu, count(*) as n,
                       coalesce(extract(epoch from now() - min(created_at)), 0)::bigint as oldest
                  from jobs where state = 'QUEUED' group by type, requires_gpu""")
                .query(rs -> {
                    q.put(key(rs.getString("type"), rs.getBoolean("requires_gpu")),
                            new long[] {rs.getLong("n"), rs.getLong("oldest")});
                });
        queued.forEach((k, v) -> v.set(q.getOrDefault(k, new long[2])[0]));
        oldestSeconds.forEach((k, v) -> v.set(q.getOrDefault(k, new long[2])[1]));

        Map<String, Long> r = new HashMap<>();
        jdbc.sql("select type, count(*) as n from jobs where state = 'RUNNING' group by type")
                .query(rs -> {
                    r.put(rs.getString("type"), rs.getLong("n"));
                });
        running.forEach((type, v) -> v.set(r.getOrDefault(type, 0L)));

        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        jdbc.sql("""
                select backend, count(*) as n from workers
                 where last_seen_at > now() - make_interval(secs => :window) group by backend""")
                .param("window", capacity.seenWindow().toSeconds())
                .query(rs -> {
                    rows.add(MultiGauge.Row.of(Tags.of("backend", rs.getString("backend")), rs.getLong("n")));
                });
        workers.register(rows, true);
    }
}
