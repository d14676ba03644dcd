package dev.forge3d.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Photos in the encodings product photographers produce (CMYK JPEG with an Adobe marker, progressive JPEG, 16-bit
 * PNG) are accepted at upload, decoded by the same ImageIO plugins the worker uses.
 */
class PhotoVariantsTest extends ApiTestBase {
    private static final Path VARIANTS = Path.of("../gpu-runtime/src/test/resources/photos-variants");

    @Test
    void cmykProgressiveAndSixteenBitPhotosAreAccepted() throws IOException {
        String key = newTenantKey("variants");
        Multipart m = new Multipart().field("type", "photos-to-splat");
        m.file("images", "cmyk.jpg", "image/jpeg", Files.readAllBytes(VARIANTS.resolve("cmyk.jpg")));
        m.file("images", "progressive.jpg", "image/jpeg", Files.readAllBytes(VARIANTS.resolve("progressive.jpg")));
        m.file("images", "png16.png", "image/png", Files.readAllBytes(VARIANTS.resolve("png16.png")));
        var r = api.postMultipart(key, m, Map.of());
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        assertThat(r.json().path("inputCount").asInt()).isEqualTo(3);
        drainQueue();
    }
}
