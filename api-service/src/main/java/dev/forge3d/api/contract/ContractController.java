package dev.forge3d.api.contract;

import dev.forge3d.api.auth.CredentialKind;
import dev.forge3d.api.auth.RequiresCredential;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/openapi.yaml}: the contract this server was built with (the repository's openapi.yaml, copied onto
 * the class path by the build), so clients can be generated against the server one actually runs.
 */
@RestController
@RequiresCredential(CredentialKind.TENANT_KEY)
public class ContractController {
    /** Where the build puts openapi.yaml (api-service/pom.xml, resources). */
    static final String RESOURCE = "/forge3d/openapi.yaml";
    static final MediaType YAML = MediaType.parseMediaType("application/yaml");

    private final byte[] document;

    public ContractController() {
        try (InputStream in = ContractController.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is not on the class path (built without it?)");
            document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @GetMapping("/v1/openapi.yaml")
    ResponseEntity<byte[]> openApi() {
        return ResponseEntity.ok().contentType(YAML).body(document);
    }
}
