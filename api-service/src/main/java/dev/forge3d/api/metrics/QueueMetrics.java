package dev.forge3d.api.metrics;

import dev.forge3d.api.jobs.JobTypes;
import dev.forge3d.api.scheduling.PeriodicTask;
import dev.forge3d.api.workers.CapacityProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.HashMap;
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
    private final Map<String, AtomicLong> workers = new ConcurrentHashMap<>();
    private final MeterRegistry registry;

    public QueueMetrics(JdbcClient jdbc, MeterRegistry registry, MetricsProperties props, CapacityProperties capacity) {
        super("forge3d-queue-metrics");
        this.jdbc = jdbc;
        this.props = props;
        this.capacity = capacity;
        this.registry = registry;
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

        Map<String, Long> w = new HashMap<>();
        jdbc.sql("""
                select backend, count(*) as n from workers
                 where last_seen_at > now() - make_interval(secs => :window) group by backend""")
                .param("window", capacity.seenWindow().toSeconds())
                .query(rs -> {
                    w.put(rs.getString("backend"), rs.getLong("n"));
                });
        // One gauge per backend, registered once and then only set: re-registering rows on every refresh (a
        // MultiGauge with overwrite) let a scrape see the old and the new gauge at once, a duplicate-labels 500.
        // A backend no longer seen reads 0, as the queue gauges do.
        w.keySet().forEach(backend -> workers.computeIfAbsent(backend, b -> {
            AtomicLong v = new AtomicLong();
            Gauge.builder("forge3d.workers", v, AtomicLong::get).description("Workers that asked for work recently")
                    .tags("backend", b).register(registry);
            return v;
        }));
        workers.forEach((backend, v) -> v.set(w.getOrDefault(backend, 0L)));
    }
}
