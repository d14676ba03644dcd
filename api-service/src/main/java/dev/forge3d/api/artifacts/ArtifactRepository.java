package dev.forge3d.api.artifacts;

import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.query.Param;

public interface ArtifactRepository extends JpaRepository<Artifact, Artifact.Key> {

    /** The published artifacts of a tenant's job (none until the job SUCCEEDED). */
    @Query(value = """
            select a.* from artifacts a join jobs j on j.id = a.job_id and a.attempt = j.published_attempt
             where j.id = :jobId and j.tenant_id = :tenantId
             order by a.name""", nativeQuery = true)
    List<Artifact> findPublished(@Param("jobId") UUID jobId, @Param("tenantId") UUID tenantId);

    @Query(value = """
            select a.* from artifacts a join jobs j on j.id = a.job_id and a.attempt = j.published_attempt
             where j.id = :jobId and j.tenant_id = :tenantId and a.name = :name""", nativeQuery = true)
    Optional<Artifact> findPublished(@Param("jobId") UUID jobId, @Param("tenantId") UUID tenantId,
            @Param("name") String name);
}
