package dev.forge3d.api.limits;

import dev.forge3d.api.auth.TenantService;
import dev.forge3d.api.support.ApiTestBase;
import java.util.UUID;

/**
 * Tests of the per-tenant limits: each gives its own new tenants low limits through {@code tenant_limits} (the
 * shared test context has very high defaults, so other test classes are never limited).
 */
abstract class LimitsTestBase extends ApiTestBase {
    record Tenant(UUID id, String key) {}

    /** A new tenant with the default (test: very high) limits. */
    Tenant tenant(String name) {
        TenantService.IssuedKey issued = tenants.createTenant(name + "-" + UUID.randomUUID());
        return new Tenant(issued.tenantId(), issued.apiKey());
    }

    /** Sets one column of the tenant's override row (before its first request: rows are cached a short while). */
    void limit(Tenant t, String column, long value) {
        if (!column.matches("[a-z_]+")) throw new IllegalArgumentException(column);
        jdbc.sql("insert into tenant_limits (tenant_id, " + column + ") values (:t, :v) "
                + "on conflict (tenant_id) do update set " + column + " = :v, updated_at = now()")
                .param("t", t.id()).param("v", value).update();
    }
}
