package dev.forge3d.api.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiClient.Res;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Per-photo masks in an archive's {@code masks/} folder: stored as masks (never taken for photos), paired with their
 * photo by file name, and refused with {@code invalid-mask} when they do not fit.
 */
class MaskUploadTest extends ApiTestBase {
    String key;

    @BeforeEach
    void tenant() {
        key = newTenantKey("masks");
    }

    @Test
    void masksAreStoredAsMasksPairedWithTheirPhotosByEitherNamingRule() {
        var zip = new LinkedHashMap<String, byte[]>();
        // Masks first: they are paired once the whole upload is in.
        zip.put("scene/masks/v000.jpg.png", mask(96, 64, 48)); // COLMAP's <photo file name>.png
        zip.put("masks/v001.png", mask(64, 48, 10));           // <photo stem>.png
        zip.put("scene/images/v000.jpg", TestImages.jpeg(1));  // 96x64
        zip.put("scene/images/v001.png", TestImages.png(2));   // 64x48
        zip.put("scene/images/v002.png", TestImages.png(3));   // no mask: used whole
        Res r = archive(zip);
        assertThat(r.status()).as(body(r)).isEqualTo(202);
        assertThat(r.json().path("inputCount").asInt()).isEqualTo(5);
        assertThat(inputs(r)).containsExactly("images/v000.jpg", "images/v001.png", "images/v002.png",
                "masks/v000.jpg.png", "masks/v001.png");
        List<String> types = jdbc.sql("select media_type from job_inputs where job_id = cast(:id as uuid) and name like 'masks/%'")
                .param("id", r.json().path("id").asString()).query(String.class).list();
        assertThat(types).containsOnly("image/png");

        // Photos as image parts, their masks in an archive; and masks beside poses (SfM is skipped, they travel along).
        Res parts = api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("images", "a.jpg", "image/jpeg", TestImages.jpeg(4))
                .file("archive", "masks.zip", "application/zip", TestImages.zip(Map.of("masks/a.png", mask(96, 64, 1)))),
                Map.of());
        assertThat(parts.status()).as(body(parts)).isEqualTo(202);
        assertThat(inputs(parts)).containsExactly("images/a.jpg", "masks/a.png");
        var posed = new LinkedHashMap<String, byte[]>();
        posed.put("transforms.json", "{\"camera_angle_x\":0.7,\"frames\":[]}".getBytes(StandardCharsets.UTF_8));
        posed.put("images/r_0.png", TestImages.png(5));
        posed.put("masks/r_0.png.png", mask(64, 48, 32));
        assertThat(archive(posed).status()).isEqualTo(202);
    }

    @Test
    void aMaskMatchesItsPhotoAsDisplayedAfterTheExifOrientation() {
        // 96x64 as stored, orientation 6 (turned 90 degrees): 64x96 as displayed, which is how the worker reads it.
        byte[] turned = withOrientation(TestImages.jpeg(1), 6);
        Res ok = archive(Map.of("p.jpg", turned, "masks/p.jpg.png", mask(64, 96, 20)));
        assertThat(ok.status()).as(body(ok)).isEqualTo(202);
        Res stored = archive(Map.of("p.jpg", turned, "masks/p.jpg.png", mask(96, 64, 20)));
        expect(stored, 400, "invalid-mask");
        assertThat(detail(stored)).contains("is 96x64 but its photo p.jpg is 64x96 as displayed");
    }

    @Test
    void masksThatDoNotFitAreRefusedWithInvalidMask() {
        long jobsBefore = jobCount();
        byte[] photo = TestImages.jpeg(1); // 96x64
        expectMask(Map.of("a.jpg", photo, "masks/b.jpg.png", mask(96, 64, 10)), "matches no photo");
        var two = new LinkedHashMap<String, byte[]>();
        two.put("a.jpg", photo);
        two.put("masks/a.jpg.png", mask(96, 64, 10));
        two.put("other/masks/a.png", mask(96, 64, 10));
        expectMask(two, "has two masks");
        expectMask(Map.of("a.jpg", photo, "masks/a.png", mask(95, 64, 10)), "is 95x64 but its photo a.jpg is 96x64");
        expectMask(Map.of("a.jpg", photo, "masks/a.png", mask(96, 64, 0)), "all black");
        expectMask(Map.of("a.jpg", photo, "masks/a.png", TestImages.jpeg(2)), "not a PNG");
        expectMask(Map.of("a.jpg", photo, "masks/a.jpg", mask(96, 64, 10)), "is not a .png");
        expectMask(Map.of("a.jpg", photo, "masks/a.png", TestImages.truncated(mask(96, 64, 10))), "could not be decoded");
        expectMask(Map.of("a.jpg", photo, "masks/a.png", sixteenBit(96, 64)), "16-bit Grayscale PNG");
        // a.png could be the mask of a.jpg or of a.png: the full file name says which.
        expectMask(Map.of("a.jpg", photo, "a.png", TestImages.png(2), "masks/a.png", mask(96, 64, 10)), "could belong to");

        // Masks count against the archive budget like any entry: an uncompressed 5 MB mask expands past the 4 MB limit.
        Res big = archive(Map.of("a.jpg", photo, "masks/a.png", storedPng(2500, 2000)));
        expect(big, 413, "archive-too-large");
        assertThat(jobCount()).isEqualTo(jobsBefore);
    }

    /** An 8-bit grey mask, black left of column {@code whiteFrom} and white from there; 0 gives an all-black mask. */
    private static byte[] mask(int w, int h, int whiteFrom) {
        int from = whiteFrom == 0 ? w : whiteFrom;
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = from; x < w; x++) m.getRaster().setSample(x, y, 0, 255);
        return png(m);
    }

    private static byte[] sixteenBit(int w, int h) {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) m.getRaster().setSample(x, y, 0, 65535);
        return png(m);
    }

    /** A white grey PNG written without compression (zlib level 0): w*h bytes that zip to almost nothing. */
    private static byte[] storedPng(int w, int h) {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        java.util.Arrays.fill(((java.awt.image.DataBufferByte) m.getRaster().getDataBuffer()).getData(), (byte) 255);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        var out = new ByteArrayOutputStream();
        try (var ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(1.0f); // no compression
            writer.write(null, new IIOImage(m, null, null), p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] b = out.toByteArray();
        assertThat(b.length).isGreaterThan(4_500_000);
        return b;
    }

    private static byte[] png(BufferedImage m) {
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(m, "png", out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The JPEG with an EXIF APP1 segment (big-endian TIFF, one IFD0 entry: Orientation) right after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        byte[] tiff = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0,
                0, 0, 0, 0};
        byte[] exif = {'E', 'x', 'i', 'f', 0, 0};
        int len = 2 + exif.length + tiff.length;
        var out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >> 8);
        out.write(len & 255);
        out.writeBytes(exif);
        out.writeBytes(tiff);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    private void expectMask(Map<String, byte[]> entries, String detailPart) {
        Res r = archive(new LinkedHashMap<>(entries));
        expect(r, 400, "invalid-mask");
        assertThat(detail(r)).contains(detailPart);
    }

    private Res archive(Map<String, byte[]> entries) {
        return api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("archive", "photos.zip", "application/zip", TestImages.zip(entries)), Map.of());
    }

    private List<String> inputs(Res r) {
        return jdbc.sql("select name from job_inputs where job_id = cast(:id as uuid) order by name")
                .param("id", r.json().path("id").asString()).query(String.class).list();
    }

    private long jobCount() {
        return api.get("/v1/jobs", key).json().path("items").size();
    }

    private static String body(Res r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String detail(Res r) {
        return r.json().path("detail").asString();
    }

    private static void expect(Res r, int status, String type) {
        String body = body(r);
        assertThat(r.status()).as(body).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.problemType()).as(body).isEqualTo(type);
        assertThat(body).doesNotContain("Exception").doesNotContain("\tat ");
    }
}
