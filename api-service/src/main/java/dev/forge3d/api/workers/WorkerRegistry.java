package dev.forge3d.api.workers;

import dev.forge3d.api.queue.JobChanged;
import dev.forge3d.api.queue.WorkerCapacity;
import dev.forge3d.api.scheduling.PeriodicTask;
import dev.forge3d.api.workers.WorkerMessages.Capabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The workers that asked for work lately (table {@code workers}: what each reported last), so a job that none of
 * them can run does not wait silently. Every {@code forge3d.workers.capacity.check-interval}, a QUEUED job that no
 * worker seen within {@code seen-window} can lease (its type, memory, GPU) gets the stage {@value #WAITING_STAGE}
 * and a message saying what it waits for; both are cleared when such a worker shows up (and by the claim).
 */
@Component
public class WorkerRegistry extends PeriodicTask {
    /** The stage of a QUEUED job that no recently seen worker can run. */
    public static final String WAITING_STAGE = "waiting-for-worker";
    /** A worker's row is rewritten at most this often while what it reports stays the same. */
    private static final long REFRESH_NANOS = Duration.ofSeconds(30).toNanos();
    private static final int MAX_REMEMBERED = 10_000;
    private static final int BATCH = 1000;

    private final JdbcClient jdbc;
    private final CapacityProperties props;
    private final ApplicationEventPublisher events;
    private final ConcurrentHashMap<String, Seen> written = new ConcurrentHashMap<>();

    private record Seen(String reported, long atNanos) {}

    public WorkerRegistry(JdbcClient jdbc, CapacityProperties props, ApplicationEventPublisher events) {
        super("capacity-check");
        this.jdbc = jdbc;
        this.props = props;
        this.events = events;
    }

    /** What the claim compares with a job's requirements; memory not reported means not checked. */
    public static WorkerCapacity capacity(Capabilities caps) {
        long memory = caps == null || caps.memoryBytes() == null ? Long.MAX_VALUE : caps.memoryBytes();
        return new WorkerCapacity(memory, caps != null && "cuda".equals(caps.backend()));
    }

    /** Records a lease request's worker; writes its row when it is new, changed, or last written 30 s ago. */
    public void seen(String workerId, Capabilities caps, List<String> types) {
        String backend = caps == null || caps.backend() == null ? "cpu" : caps.backend();
        Long memory = caps == null ? null : caps.memoryBytes();
        String jobTypes = String.join(",", types);
        String reported = backend + "|" + memory + "|" + jobTypes;
        long now = System.nanoTime();
        Seen last = written.get(workerId);
        if (last != null && last.reported().equals(reported) && now - last.atNanos() < REFRESH_NANOS) return;
        if (written.size() > MAX_REMEMBERED) written.clear();
        written.put(workerId, new Seen(reported, now));
        jdbc.sql("""
                insert into workers (worker_id, backend, memory_bytes, gpu, job_types, last_seen_at)
                values (:id, :backend, :memory, :gpu, :types, now())
                on conflict (worker_id) do update
                   set backend = excluded.backend, memory_bytes = excluded.memory_bytes, gpu = excluded.gpu,
                       job_types = excluded.job_types, last_seen_at = excluded.last_seen_at""")
                .param("id", workerId).param("backend", backend).param("memory", memory)
                .param("gpu", capacity(caps).gpu()).param("types", jobTypes)
                .update();
    }

    /**
     * One check: marks QUEUED jobs that no worker seen within the window can lease (when at least one worker was
     * seen), and unmarks those that one can now. Returns the jobs it changed.
     */
    public List<UUID> checkQueuedJobs() {
        long window = Math.max(1, props.seenWindow().toSeconds());
        String canRun = """
                exists (select 1 from workers w
                         where w.last_seen_at > now() - make_interval(secs => :window)
                           and j.type = any(string_to_array(w.job_types, ','))
                           and (w.memory_bytes is null or w.memory_bytes >= j.min_memory_bytes)
                           and (w.gpu or not j.requires_gpu))""";
        List<UUID> changed = new ArrayList<>(jdbc.sql("""
                with stuck as (
                    select id from jobs j
                     where j.state = 'QUEUED' and j.stage is distinct from :waiting
                       and exists (select 1 from workers w
                                    where w.last_seen_at > now() - make_interval(secs => :window))
                       and not CAN_RUN
                     limit :batch
                     for update skip locked)
                update jobs j
                   set stage = :waiting, updated_at = now(),
                       message = 'waiting for a worker that runs ' || j.type || ' with at least '
                                 || to_char(j.min_memory_bytes / 1073741824.0, 'FM999999990.0') || ' GiB of memory'
                                 || case when j.requires_gpu then ' and a CUDA GPU' else '' end
                                 || ': none of the workers seen in the last ' || :windowText || ' does'
                  from stuck
                 where j.id = stuck.id
                returning j.id""".replace("CAN_RUN", canRun))
                .param("waiting", WAITING_STAGE).param("window", window).param("windowText", describe(window))
                .param("batch", BATCH)
                .query(UUID.class).list());
        changed.addAll(jdbc.sql("""
                with runnable as (
                    select id from jobs j
                     where j.state = 'QUEUED' and j.stage = :waiting and CAN_RUN
                     limit :batch
                     for update skip locked)
                update jobs j
                   set stage = null, message = null, updated_at = now()
                  from runnable
                 where j.id = runnable.id
                returning j.id""".replace("CAN_RUN", canRun))
                .param("waiting", WAITING_STAGE).param("window", window).param("batch", BATCH)
                .query(UUID.class).list());
        for (UUID id : changed) events.publishEvent(new JobChanged(id));
        return changed;
    }

    static String describe(long seconds) {
        if (seconds % 3600 == 0) return seconds / 3600 + (seconds == 3600 ? " hour" : " hours");
        if (seconds % 60 == 0) return seconds / 60 + (seconds == 60 ? " minute" : " minutes");
        return seconds + (seconds == 1 ? " second" : " seconds");
    }

    @Override
    protected Duration interval() {
        return Duration.ofMillis(Math.max(100, props.checkInterval().toMillis()));
    }

    @Override
    protected void runOnce() {
        checkQueuedJobs();
    }
}
