package dev.forge3d.api.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** Registers {@code forge3d.auth.bootstrap-api-key} (env FORGE3D_API_KEY), if set, for the bootstrap tenant. */
@Component
class BootstrapTenant implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(BootstrapTenant.class);
    private final AuthProperties props;
    private final TenantService tenants;

    BootstrapTenant(AuthProperties props, TenantService tenants) {
        this.props = props;
        this.tenants = tenants;
    }

    @Override
    public void run(ApplicationArguments args) {
        String key = props.bootstrapApiKey();
        if (key == null || key.isBlank()) return;
        tenants.ensureTenantWithKey(props.bootstrapTenant(), key.trim());
        log.info("API key {}... registered for tenant '{}'", ApiKeys.displayPrefix(key.trim()), props.bootstrapTenant());
    }
}
