package dev.forge3d.api.events;

import dev.forge3d.api.jobs.JobService;
import dev.forge3d.api.jobs.JobView;
import dev.forge3d.api.queue.JobChanged;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Open server-sent-event streams, one or more per job. A stream gets the job as an {@code event: job} whenever
 * its {@code updatedAt} moves, and ends after a terminal state. Changes on this replica arrive as
 * {@link JobChanged} events; a poll every {@code forge3d.events.poll-interval} catches other replicas' changes.
 */
@Component
public class JobEventStreams implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(JobEventStreams.class);

    private final class Stream {
        final SseEmitter emitter;
        final UnaryOperator<JobView> presenter;
        volatile Instant lastSent;

        Stream(SseEmitter emitter, UnaryOperator<JobView> presenter) {
            this.emitter = emitter;
            this.presenter = presenter;
        }
    }

    private final Map<UUID, List<Stream>> streams = new ConcurrentHashMap<>();
    private final JobService jobs;
    private final JdbcClient jdbc;
    private final EventProperties props;
    private ScheduledExecutorService timer;

    public JobEventStreams(JobService jobs, JdbcClient jdbc, EventProperties props) {
        this.jobs = jobs;
        this.jdbc = jdbc;
        this.props = props;
    }

    /** Opens a stream that starts with the job's current state. */
    public SseEmitter open(JobView current) {
        return open(current, UnaryOperator.identity());
    }

    /** The same, each view passed through {@code presenter} before it is sent (share links rewrite the links). */
    public SseEmitter open(JobView current, UnaryOperator<JobView> presenter) {
        SseEmitter emitter = new SseEmitter(props.timeout().toMillis());
        Stream s = new Stream(emitter, presenter);
        UUID id = current.id();
        Runnable remove = () -> streams.computeIfPresent(id, (k, list) -> {
            list.remove(s);
            return list.isEmpty() ? null : list;
        });
        emitter.onCompletion(remove);
        emitter.onTimeout(remove);
        emitter.onError(e -> remove.run());
        streams.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(s);
        send(s, current);
        return emitter;
    }

    @EventListener
    public void onChanged(JobChanged changed) {
        List<Stream> list = streams.get(changed.jobId());
        if (list == null || list.isEmpty()) return;
        Thread.ofVirtual().start(() -> jobs.find(changed.jobId()).ifPresent(v -> list.forEach(s -> send(s, v))));
    }

    /** Looks for changes made by other replicas. */
    void poll() {
        Set<UUID> ids = Set.copyOf(streams.keySet());
        if (ids.isEmpty()) return;
        List<UUID> changed = jdbc.sql("""
                        select id from jobs
                         where id = any(cast(string_to_array(:ids, ',') as uuid[])) and updated_at > :since""")
                .param("ids", String.join(",", ids.stream().map(UUID::toString).toList()))
                .param("since", java.sql.Timestamp.from(oldestSent(ids)))
                .query(UUID.class).list();
        for (UUID id : changed) {
            List<Stream> list = streams.get(id);
            if (list != null) jobs.find(id).ifPresent(v -> list.forEach(s -> send(s, v)));
        }
    }

    private Instant oldestSent(Set<UUID> ids) {
        Instant oldest = Instant.now();
        for (UUID id : ids) {
            for (Stream s : streams.getOrDefault(id, List.of())) {
                if (s.lastSent != null && s.lastSent.isBefore(oldest)) oldest = s.lastSent;
            }
        }
        return oldest;
    }

    private void send(Stream s, JobView v) {
        synchronized (s) {
            if (s.lastSent != null && !v.updatedAt().isAfter(s.lastSent)) return;
            try {
                s.emitter.send(SseEmitter.event().name("job").id(v.updatedAt().toString()).data(s.presenter.apply(v)));
                s.lastSent = v.updatedAt();
                if (v.state().terminal()) s.emitter.complete();
            } catch (IOException | IllegalStateException e) {
                s.emitter.completeWithError(e);
            }
        }
    }

    @Override
    public void start() {
        timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("sse-poll").daemon().factory());
        long ms = props.pollInterval().toMillis();
        timer.scheduleWithFixedDelay(() -> {
            try {
                poll();
            } catch (RuntimeException e) {
                log.debug("event poll failed: {}", e.toString());
            }
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        if (timer != null) timer.shutdownNow();
        timer = null;
        streams.values().forEach(list -> list.forEach(s -> s.emitter.complete()));
        streams.clear();
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
