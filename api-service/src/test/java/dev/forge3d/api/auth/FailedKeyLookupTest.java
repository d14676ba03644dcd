package dev.forge3d.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiTestBase;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Wrong API keys are refused from memory after the first lookup, and a key registered later works. */
class FailedKeyLookupTest extends ApiTestBase {
    @Autowired
    ApiKeyAuthenticator authenticator;
    @Autowired
    ApiKeyRepository keyRepository;

    @Test
    void repeatedWrongKeysReachTheDatabaseOnceOverHttp() {
        String wrong = ApiKeys.generate();
        long before = authenticator.databaseLookups();
        for (int i = 0; i < 20; i++) {
            var r = api.get("/v1/jobs", wrong);
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.problemType()).isEqualTo("unauthorized");
        }
        assertThat(authenticator.databaseLookups() - before).isEqualTo(1);
    }

    @Test
    void aKeyRegisteredAfterAMissWorksAtOnce() {
        String later = ApiKeys.generate();
        assertThat(api.get("/v1/jobs", later).status()).isEqualTo(401);
        UUID tenant = tenants.createTenant("late-key-" + UUID.randomUUID()).tenantId();
        tenants.registerKey(tenant, later);
        assertThat(api.get("/v1/jobs", later).status()).isEqualTo(200);
    }

    /** A key created on another replica (straight into the table here) works once the miss has expired. */
    @Test
    void aKeyCreatedElsewhereWorksAtMostTheTtlLater() throws InterruptedException {
        var props = new AuthProperties(null, "default", Duration.ofMinutes(1), Duration.ofMillis(300), 100);
        ApiKeyAuthenticator replica = new ApiKeyAuthenticator(keyRepository, props);
        String key = ApiKeys.generate();
        assertThat(replica.tenantFor(key)).isEmpty();
        UUID tenant = tenants.createTenant("other-replica-" + UUID.randomUUID()).tenantId();
        jdbc.sql("insert into api_keys (id, tenant_id, key_hash, key_prefix, created_at) "
                        + "values (:id, :tenant, :hash, :prefix, :at)")
                .param("id", UUID.randomUUID()).param("tenant", tenant).param("hash", ApiKeys.hash(key))
                .param("prefix", ApiKeys.displayPrefix(key))
                .param("at", java.sql.Timestamp.from(Instant.now())).update();
        assertThat(replica.tenantFor(key)).as("still the remembered miss").isEmpty();
        Thread.sleep(400);
        assertThat(replica.tenantFor(key)).contains(tenant);
    }
}
