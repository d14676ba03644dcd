package dev.forge3d.worker.cli;

import dev.forge3d.worker.client.PublicApiClient;
import picocli.CommandLine.Option;

import java.net.URI;

/** {@code --api} and {@code --key} of the commands that talk to a forge3d server as a user. */
final class ApiOptions {

    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:FORGE3D_API_URL:-http://localhost:8080}",
            description = "the API (default: env FORGE3D_API_URL or ${DEFAULT-VALUE})")
    URI api;

    @Option(names = "--key", paramLabel = "KEY", defaultValue = "${env:FORGE3D_API_KEY}",
            description = "API key (default: env FORGE3D_API_KEY)")
    String key;

    PublicApiClient client() {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("an API key is needed: --key or env FORGE3D_API_KEY");
        if (api.getScheme() == null || api.getHost() == null) throw new IllegalArgumentException("--api must be http(s)://host[:port], got '" + api + "'");
        return new PublicApiClient(api, key);
    }
}
