package dev.forge3d.api.webhooks;

import dev.forge3d.api.web.ApiException;
import dev.forge3d.api.web.ProblemType;
import java.sql.Array;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Endpoints a tenant registers to hear about all of its jobs (V8 webhook_endpoints). */
@Service
public class WebhookEndpoints {
    /** The events an endpoint may subscribe to; without a list it gets the three terminal ones. */
    public static final List<String> EVENTS = List.of("job.succeeded", "job.failed", "job.canceled",
            "job.stage_changed");
    public static final List<String> TERMINAL_EVENTS = EVENTS.subList(0, 3);

    private final JdbcClient jdbc;
    private final WebhookProperties props;

    public WebhookEndpoints(JdbcClient jdbc, WebhookProperties props) {
        this.jdbc = jdbc;
        this.props = props;
    }

    public record Endpoint(UUID id, String url, List<String> events, Instant createdAt) {}

    public Endpoint create(UUID tenant, String url, List<String> events) {
        UUID id = UUID.randomUUID();
        // The count and the insert in one statement; concurrent registrations may pass the bound by one each.
        return jdbc.sql("""
                insert into webhook_endpoints (id, tenant_id, url, events, created_at)
                select :id, :tenant, :url, string_to_array(:events, ','), now()
                 where (select count(*) from webhook_endpoints where tenant_id = :tenant) < :max
                returning id, url, events, created_at""")
                .param("id", id).param("tenant", tenant).param("url", url).param("events", String.join(",", events))
                .param("max", props.maxEndpointsPerTenant())
                .query((rs, n) -> endpoint(rs)).optional()
                .orElseThrow(() -> new ApiException(ProblemType.INVALID_PARAMETER, "a tenant may register at most "
                        + props.maxEndpointsPerTenant() + " webhook endpoints; delete one first"));
    }

    public List<Endpoint> list(UUID tenant) {
        return jdbc.sql("select id, url, events, created_at from webhook_endpoints where tenant_id = :tenant "
                        + "order by created_at, id")
                .param("tenant", tenant).query((rs, n) -> endpoint(rs)).list();
    }

    public void delete(UUID tenant, UUID id) {
        int n = jdbc.sql("delete from webhook_endpoints where id = :id and tenant_id = :tenant")
                .param("id", id).param("tenant", tenant).update();
        if (n == 0) throw new ApiException(ProblemType.NOT_FOUND, "no webhook endpoint " + id);
    }

    private static Endpoint endpoint(java.sql.ResultSet rs) throws SQLException {
        Array events = rs.getArray("events");
        return new Endpoint(rs.getObject("id", UUID.class), rs.getString("url"),
                Arrays.asList((String[]) events.getArray()),
                rs.getObject("created_at", OffsetDateTime.class).toInstant());
    }
}
