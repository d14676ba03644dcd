package dev.forge3d.api.jobs;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** {@code forge3d.jobs.*}: limits on JSON job requests and form fields, and page sizes of job listings. */
@ConfigurationProperties("forge3d.jobs")
public record JobProperties(int maxPromptChars, int maxJsonBytes, int maxFieldChars, int defaultPageSize,
        int maxPageSize) {}
