package dev.forge3d.api.jobs;

import java.util.List;
import java.util.UUID;
import org.springframework.data.jpa.repository.JpaRepository;

public interface JobInputRepository extends JpaRepository<JobInput, JobInput.Key> {
    List<JobInput> findByJobIdOrderByName(UUID jobId);
}
