package dev.forge3d.api.jobs;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.domain.Limit;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface JobRepository extends JpaRepository<Job, UUID> {

    Optional<Job> findByIdAndTenantId(UUID id, UUID tenantId);

    Optional<Job> findByTenantIdAndIdempotencyKey(UUID tenantId, String idempotencyKey);

    /** Newest first, strictly after the cursor position (createdAt, id). */
    @Query("""
            select j from Job j
             where j.tenantId = :tenantId
               and (j.createdAt < :beforeTime or (j.createdAt = :beforeTime and j.id < :beforeId))
             order by j.createdAt desc, j.id desc""")
    List<Job> page(@Param("tenantId") UUID tenantId, @Param("beforeTime") Instant beforeTime,
            @Param("beforeId") UUID beforeId, Limit limit);

    @Query("""
            select j from Job j
             where j.tenantId = :tenantId and j.state = :state
               and (j.createdAt < :beforeTime or (j.createdAt = :beforeTime and j.id < :beforeId))
             order by j.createdAt desc, j.id desc""")
    List<Job> pageInState(@Param("tenantId") UUID tenantId, @Param("state") JobState state,
            @Param("beforeTime") Instant beforeTime, @Param("beforeId") UUID beforeId, Limit limit);
}
