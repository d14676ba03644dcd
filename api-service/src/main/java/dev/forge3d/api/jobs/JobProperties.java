package dev.forge3d.api.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code forge3d.jobs.*}: limits on JSON job requests and form fields, and page sizes of job listings. The prompt
 * limit is not here: it is TextTo3dJobOptions.MAX_PROMPT_CHARS, the one the worker enforces too.
 */
@ConfigurationProperties("forge3d.jobs")
public record JobProperties(int maxJsonBytes, int maxFieldChars, int defaultPageSize,
        int maxPageSize) {}
