package dev.forge3d.api.limits;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Request buckets are rows in rate_limit_buckets; expired ones are swept and a later call starts a fresh bucket. */
class BucketSweepTest extends LimitsTestBase {
    @Autowired
    RateLimitBuckets buckets;

    @Test
    void anExpiredBucketIsDeletedAndTheTenantGetsAFreshOne() {
        Tenant t = tenant("sweep");
        limit(t, "requests_per_second", 1);
        limit(t, "burst", 1);
        assertThat(api.unchecked().get("/v1/jobs", t.key()).status()).isEqualTo(200);
        String id = t.id() + ":1:1";
        assertThat(rows(id)).isEqualTo(1);
        assertThat(jdbc.sql("select expires_at from rate_limit_buckets where id = :id").param("id", id)
                .query(Long.class).single()).isGreaterThan(System.currentTimeMillis());

        jdbc.sql("update rate_limit_buckets set expires_at = 0 where id = :id").param("id", id).update();
        buckets.removeExpired(1000);
        assertThat(rows(id)).isZero();
        // A fresh, full bucket: the next call is accepted at once although the old bucket was empty.
        assertThat(api.unchecked().get("/v1/jobs", t.key()).status()).isEqualTo(200);
        assertThat(rows(id)).isEqualTo(1);
    }

    private long rows(String id) {
        return jdbc.sql("select count(*) from rate_limit_buckets where id = :id").param("id", id)
                .query(Long.class).single();
    }
}
