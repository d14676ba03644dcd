package dev.forge3d.api.e2e;

import dev.forge3d.api.blobs.BlobKeys;
import dev.forge3d.api.blobs.BlobStore;
import dev.forge3d.launcher.LocalPipelineWorker;
import dev.forge3d.api.support.ApiClient;
import dev.forge3d.api.support.ApiClient.Multipart;
import dev.forge3d.api.support.ApiTestBase;
import dev.forge3d.api.support.TestImages;
import dev.forge3d.runtime.splat.GaussianModel;
import dev.forge3d.runtime.splat.io.PlyReader;
import dev.forge3d.runtime.splat.io.SpzReader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

import javax.imageio.ImageIO;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Photos to splat through the public API, in embedded mode: a real API on PostgreSQL with its in-process worker
 * running the real stages (ingest, SfM, 3DGS on the CPU, export). The photos are rendered by the test itself (a
 * richly textured synthetic room) or taken from the NeRF-synthetic lego scene in {@code ../shared/datasets}; tiny
 * images and iteration budgets keep every job to seconds or tens of seconds.
 */
@TestPropertySource(properties = {
        "forge3d.embedded-worker.enabled=true",
        "forge3d.queue.default-lease-seconds=10",
        "forge3d.worker.checkpoint-iterations=10",
        "forge3d.worker.max-iterations=5000",
        "forge3d.worker.lease-wait-seconds=" + PhotoToSplatEndToEndTest.LEASE_WAIT})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PhotoToSplatEndToEndTest extends ApiTestBase {

    static final int LEASE_WAIT = 2;
    private static final Set<String> ARTIFACTS = Set.of("scene.ply", "scene.splat", "scene.spz", "model.glb", "cameras/cameras.txt",
            "cameras/images.txt", "cameras/points3D.txt", "preview.png", "metrics.json");

    @Autowired
    LocalPipelineWorker worker;
    @Autowired
    BlobStore blobs;

    private String key;

    @BeforeEach
    void tenant() {
        key = newTenantKey("e2e");
    }

    @Test
    void photosBecomeASplatWithEveryArtifact(@TempDir Path tmp) throws Exception {
        drainQueue();
        SyntheticPhotos scene = new SyntheticPhotos(320, 240, 11);
        Multipart m = new Multipart().field("type", "photos-to-splat").field("preset", "preview").field("iterations", "150");
        // Where libheif's tools are installed, every other view is a HEIC as an iPhone writes a turned photo (pixels
        // stored turned, irot and EXIF orientation 6): the job must decode it and turn it upright exactly once.
        boolean heic = HeicEncoder.available() && dev.forge3d.runtime.image.heif.HeifDecoder.find(1).isPresent();
        if (!heic) System.out.println("libheif's tools (apt-get install libheif-examples) are not installed: all views sent as PNG");
        // Six of the eight photos come with a mask (an archive part, masks/<photo file name>.png, a HEIC's too)
        // hiding their left quarter; the other two are used whole.
        var masks = new LinkedHashMap<String, byte[]>();
        for (int i = 0; i < 8; i++) {
            String name;
            if (heic && i % 2 == 1) {
                name = SyntheticPhotos.name(i) + ".HEIC";
                m.file("images", name, "image/heic",
                        HeicEncoder.asIPhoneHeic(scene.render(SyntheticPhotos.camera(i, 8)), 26, tmp));
            } else {
                name = SyntheticPhotos.name(i) + ".png";
                m.file("images", name, "image/png", scene.png(i, 8));
            }
            if (i < 6) masks.put("masks/" + name + ".png", leftBlackMask(320, 240, 80));
        }
        m.file("archive", "masks.zip", "application/zip", TestImages.zip(masks));
        String id = create(m);

        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(4));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.path("attempt").asInt()).isEqualTo(1);
        assertThat(artifactNames(job)).isEqualTo(new TreeSet<>(ARTIFACTS));

        GaussianModel model = PlyReader.read(new ByteArrayInputStream(download(id, "scene.ply")), "scene.ply");
        JsonNode metrics = ApiClient.JSON.readTree(download(id, "metrics.json"));
        assertThat(model.size()).isPositive().isEqualTo(metrics.path("gaussiansDelivered").asInt());
        assertThat(download(id, "scene.splat")).hasSize(32 * model.size());
        assertThat(SpzReader.read(new ByteArrayInputStream(download(id, "scene.spz")), "scene.spz").size()).isEqualTo(model.size());
        // the mesh: a binary glTF with a texture, in the frame the splat was moved to
        byte[] glb = download(id, "model.glb");
        assertThat(new String(glb, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("glTF");
        assertThat(metrics.path("mesh").path("colour").asString()).isEqualTo("texture");
        assertThat(metrics.path("crop").path("modelFromScene").size()).isEqualTo(16);
        assertThat(metrics.path("files").path("model.glb").asLong()).isEqualTo(glb.length);
        // the preview is rendered at the training size: the 320 px photos shrunk to the preset's 200 px
        BufferedImage preview = ImageIO.read(new ByteArrayInputStream(download(id, "preview.png")));
        assertThat(metrics.path("train").path("resolution").asString()).isEqualTo("200x150");
        assertThat(preview.getWidth()).isEqualTo(200);
        assertThat(new String(download(id, "cameras/images.txt"))).contains("view_00.png", "view_07.png");
        if (heic) {
            assertThat(metrics.path("heic").path("photos").asInt()).isEqualTo(4);
            // every photo upright once, landscape as rendered at the training size (a HEIC turned twice: 150x200)
            List<String> sizes = new String(download(id, "cameras/cameras.txt")).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank()).map(l -> l.split(" ")[2] + "x" + l.split(" ")[3])
                    .distinct().toList();
            assertThat(sizes).containsExactly("200x150");
        }

        System.out.printf("photos: %s; heic %s%n", summary(metrics), metrics.path("heic"));
        assertThat(metrics.path("imagesRegistered").asInt()).isEqualTo(8);
        // The masks were not taken for photos, and SfM dropped the keypoints under their black quarter.
        JsonNode maskCounts = metrics.path("sfm").path("masks");
        System.out.printf("masks: %s%n", maskCounts);
        assertThat(job.path("inputCount").asInt()).isEqualTo(14);
        assertThat(metrics.path("ingest").path("imagesGiven").asInt()).isEqualTo(8);
        assertThat(maskCounts.path("photos").asInt()).isEqualTo(6);
        assertThat(maskCounts.path("keypointsDropped").asLong()).isPositive()
                .isLessThan(maskCounts.path("keypointsOnMaskedPhotos").asLong());
        // Training saw those six photos composited over the background, and the mesh was carved to the masks' hull
        // (view_00 is held out: five of the training views have a mask).
        assertThat(metrics.path("ingest").path("photosMasked").asInt()).isEqualTo(6);
        assertThat(maskCounts.path("trainingImagesMasked").asInt()).isEqualTo(6);
        assertThat(metrics.path("crop").path("maskedViews").asInt()).isEqualTo(5);
        // their coverage reached training (written beside SfM's undistorted images)
        assertThat(metrics.path("train").path("maskedViews").asInt()).isEqualTo(5);
        assertThat(metrics.path("train").path("maskedBackground").asString()).isEqualTo("fixed");
        assertThat(metrics.path("posesSupplied").asBoolean()).isFalse();
        assertThat(metrics.path("meanReprojectionErrorPx").asDouble()).isBetween(0.0, 1.0);
        // 9.9 dB before training (1 iteration); 16.9 dB after 150 iterations, measured with 2 threads
        assertThat(metrics.path("psnr").asDouble()).isGreaterThan(15.0);
        assertThat(metrics.path("ssim").asDouble()).isBetween(0.0, 1.0);
        assertThat(metrics.path("backend").asString()).isEqualTo("cpu");
        assertThat(metrics.path("workerId").asString()).isEqualTo("embedded");
        for (String stage : List.of("ingest", "sfm", "train", "export")) {
            assertThat(metrics.path("stages").path(stage).path("seconds").asDouble()).as(stage).isPositive();
        }
        assertThat(job.path("metrics").path("psnr").asDouble()).isEqualTo(metrics.path("psnr").asDouble());
    }

    @Test
    void masksThatLeaveTooLittleToRegisterAreIgnoredByStructureFromMotionWithANote() throws Exception {
        drainQueue();
        SyntheticPhotos scene = new SyntheticPhotos(320, 240, 11);
        Multipart m = new Multipart().field("type", "photos-to-splat").field("preset", "preview").field("iterations", "60");
        // Every photo's mask keeps a 24 x 24 px square in its middle: too few keypoints to tie the photos together.
        var masks = new LinkedHashMap<String, byte[]>();
        for (int i = 0; i < 8; i++) {
            String name = SyntheticPhotos.name(i) + ".png";
            m.file("images", name, "image/png", scene.png(i, 8));
            masks.put("masks/" + name + ".png", centreSquareMask(320, 240, 24));
        }
        m.file("archive", "masks.zip", "application/zip", TestImages.zip(masks));
        String id = create(m);

        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(4));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = ApiClient.JSON.readTree(download(id, "metrics.json"));
        JsonNode sfmMasks = metrics.path("sfm").path("masks");
        System.out.printf("masks ignored by SfM: %s%n", sfmMasks);
        assertThat(sfmMasks.path("photos").asInt()).isEqualTo(8);
        assertThat(sfmMasks.path("ignoredAfter").asString()).isNotBlank();
        assertThat(metrics.path("imagesRegistered").asInt()).isEqualTo(8);
        // training still saw the masked photos (the images SfM wrote for it, composited)
        assertThat(sfmMasks.path("trainingImagesMasked").asInt()).isEqualTo(8);
    }

    /** An 8-bit grey mask, white only in a centred square of {@code side} pixels. */
    private static byte[] centreSquareMask(int w, int h, int side) throws IOException {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = (h - side) / 2; y < (h + side) / 2; y++) {
            for (int x = (w - side) / 2; x < (w + side) / 2; x++) m.getRaster().setSample(x, y, 0, 255);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(m, "png", out);
        return out.toByteArray();
    }

    /** An 8-bit grey mask: black left of column {@code blackUntil}, white from there. */
    private static byte[] leftBlackMask(int w, int h, int blackUntil) throws IOException {
        BufferedImage m = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = blackUntil; x < w; x++) m.getRaster().setSample(x, y, 0, 255);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(m, "png", out);
        return out.toByteArray();
    }

    @Test
    void aHeicWhoseImageDataIsDamagedFailsTheJobNamingIt() throws Exception {
        assumeTrue(dev.forge3d.runtime.image.heif.HeifDecoder.find(1).isPresent(),
                "libheif's tools are not installed (apt-get install libheif-examples): skipping the damaged-HEIC test");
        drainQueue();
        // A whole container (the API accepts it) whose HEVC data is garbage: only the decoder can tell.
        byte[] heic = TestImages.heif("portrait-irot.heic");
        int mdat = new String(heic, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("mdat");
        java.util.Arrays.fill(heic, mdat + 16, heic.length, (byte) 0x5A);
        Multipart m = new Multipart().field("type", "photos-to-splat").file("images", "IMG_0042.HEIC", "image/heic", heic);
        new SyntheticPhotos(320, 240, 11).views(3).forEach((name, png) -> m.file("images", name, "image/png", png));
        String id = create(m);
        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(2));
        assertThat(job.path("state").asString()).isEqualTo("FAILED");
        assertThat(job.path("error").path("detail").asString()).contains("IMG_0042.HEIC cannot be decoded as HEIC/HEIF",
                "heif-", "send it as JPEG");
    }

    @Test
    void aVideoBecomesFramesChosenByMotionThenASplat(@TempDir Path tmp) throws Exception {
        assumeTrue(dev.forge3d.runtime.image.video.Ffmpeg.find().isPresent(),
                "FFmpeg is not installed (apt-get install ffmpeg): skipping the video job test");
        drainQueue();
        // 3 s at 30 fps along the arc, encoded by FFmpeg as a phone would (H.264 in MP4).
        SyntheticPhotos scene = new SyntheticPhotos(320, 240, 11);
        Path frames = Files.createDirectories(tmp.resolve("frames"));
        int n = 90;
        for (int i = 0; i < n; i++) ImageIO.write(scene.walkFrame(i, n), "png", frames.resolve(String.format("%03d.png", i)).toFile());
        Path video = tmp.resolve("walk.mp4");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-v", "error", "-nostdin", "-y", "-framerate", "30", "-i",
                frames.resolve("%03d.png").toString(), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-crf", "16", video.toString())
                .redirectErrorStream(true).start();
        assertThat(ffmpeg.waitFor()).as(new String(ffmpeg.getInputStream().readAllBytes())).isZero();

        String id = create(new Multipart().field("type", "photos-to-splat").field("preset", "preview").field("iterations", "100")
                .field("outputFormats", "ply").file("video", "walk.mp4", "video/mp4", Files.readAllBytes(video)));
        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(4));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = ApiClient.JSON.readTree(download(id, "metrics.json"));
        JsonNode v = metrics.path("video");
        System.out.printf("video: %s; registered %d%n", v, metrics.path("imagesRegistered").asInt());
        assertThat(v.path("framesDecoded").asInt()).isEqualTo(n);
        assertThat(v.path("size").asString()).isEqualTo("320x240");
        int chosen = v.path("framesChosen").asInt();
        assertThat(chosen).isBetween(8, 40);
        assertThat(metrics.path("ingest").path("imagesAccepted").asInt()).isEqualTo(chosen);
        assertThat(metrics.path("imagesRegistered").asInt()).isEqualTo(chosen);
        assertThat(new String(download(id, "cameras/images.txt"))).contains("walk_f000000.jpg");
    }

    @Test
    void aDamagedVideoFailsTheJobWithTheDecodersReason() throws Exception {
        assumeTrue(dev.forge3d.runtime.image.video.Ffmpeg.find().isPresent(),
                "FFmpeg is not installed (apt-get install ffmpeg): skipping the damaged-video test");
        drainQueue();
        byte[] mp4 = new byte[4096];
        System.arraycopy("\0\0\0\u0018ftypisom".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1), 0, mp4, 0, 12);
        String id = create(new Multipart().field("type", "photos-to-splat").file("video", "cut.mp4", "video/mp4", mp4));
        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(2));
        assertThat(job.path("state").asString()).isEqualTo("FAILED");
        assertThat(job.path("error").path("detail").asString()).contains("video/cut.mp4", "cannot be read");
    }

    @Test
    void uploadWithPosesSkipsSfm() throws Exception {
        Path lego = dataset("nerf-synthetic-lego");
        assumeTrue(lego != null, "../shared/datasets/nerf-synthetic-lego is absent: skipping the posed-upload test");
        drainQueue();
        String id = create(new Multipart().field("type", "photos-to-splat").field("preset", "preview")
                .field("iterations", "150").field("maxResolution", "100")
                .file("archive", "lego.zip", "application/zip", legoSubset(lego, 10, 200)));

        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(3));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = ApiClient.JSON.readTree(download(id, "metrics.json"));
        System.out.printf("lego: %s%n", summary(metrics));
        assertThat(metrics.path("sfm").path("skipped").asBoolean()).isTrue();
        assertThat(metrics.path("posesSupplied").asBoolean()).isTrue();
        assertThat(metrics.path("imagesRegistered").asInt()).isEqualTo(10);
        assertThat(metrics.path("train").path("resolution").asString()).isEqualTo("100x100");
        assertThat(metrics.path("psnr").asDouble()).isGreaterThan(16.0); // 18.5 dB measured
        assertThat(artifactNames(job)).isEqualTo(new TreeSet<>(ARTIFACTS));
        assertThat(PlyReader.read(new ByteArrayInputStream(download(id, "scene.ply")), "scene.ply").size()).isPositive();
        assertThat(new String(download(id, "cameras/cameras.txt"))).contains("PINHOLE 100 100");
        // transparent PNGs carry their own masks: none is estimated
        assertThat(metrics.path("ingest").path("autoMasks").path("used").asBoolean()).isFalse();
        assertThat(metrics.path("ingest").path("autoMasks").path("notPlain").get(0).path("reason").asString())
                .contains("transparency");
    }

    @Test
    void photosOnAPlainBackdropGetTheObjectsMasksEstimated() throws Exception {
        drainQueue();
        // a ball on a white sweep, posed, no masks uploaded
        byte[] zip = TestImages.zip(BallOnSweep.zipEntries(12, 160));
        String id = create(new Multipart().field("type", "photos-to-splat").field("preset", "preview")
                .field("iterations", "150").field("maxResolution", "100").field("outputFormats", "ply,glb")
                .file("archive", "ball.zip", "application/zip", zip));

        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(3));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        JsonNode metrics = ApiClient.JSON.readTree(download(id, "metrics.json"));
        JsonNode auto = metrics.path("ingest").path("autoMasks");
        assertThat(auto.path("used").asBoolean()).as(auto.toString()).isTrue();
        assertThat(auto.path("plainBackdrop").asInt()).isEqualTo(12);
        // the ball's disc (radius 44.7 px of 160) covers 24.5 % of each photo
        assertThat(auto.path("meanObjectShare").asDouble()).isBetween(0.235, 0.28);
        assertThat(metrics.path("ingest").path("photosMasked").asInt()).isEqualTo(12);
        assertThat(metrics.path("crop").path("maskedViews").asInt()).isPositive();
        // posed: the coverage went from ingest through the scene folder to training and the mesh
        assertThat(metrics.path("train").path("maskedViews").asInt()).isEqualTo(metrics.path("crop").path("maskedViews").asInt());
        assertThat(metrics.path("train").path("maskedBackground").asString()).isEqualTo("fixed");

        // the same photos with autoMasks=off are used whole
        JsonNode offMetrics = shortBallJobMetrics(zip, "autoMasks", "off");
        assertThat(offMetrics.path("ingest").has("autoMasks")).isFalse();
        assertThat(offMetrics.path("ingest").path("photosMasked").asInt()).isZero();
        assertThat(offMetrics.path("train").path("maskedViews").asInt()).isZero();
        assertThat(offMetrics.path("train").has("maskedBackground")).isFalse();

        // crop=none asks for the whole scene: no masks take the backdrop out
        JsonNode wholeMetrics = shortBallJobMetrics(zip, "crop", "none");
        assertThat(wholeMetrics.path("ingest").path("autoMasks").path("reason").asString()).contains("crop=none");
        assertThat(wholeMetrics.path("ingest").path("photosMasked").asInt()).isZero();
    }

    /** A 50-iteration job on the ball's photos with one option set; it must succeed; its metrics.json. */
    private JsonNode shortBallJobMetrics(byte[] zip, String option, String value) throws Exception {
        String id = create(new Multipart().field("type", "photos-to-splat").field("preset", "preview")
                .field("iterations", "50").field("maxResolution", "100").field("outputFormats", "ply").field(option, value)
                .file("archive", "ball.zip", "application/zip", zip));
        JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(3));
        assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
        return ApiClient.JSON.readTree(download(id, "metrics.json"));
    }

    @Test
    void aWorkerKilledMidTrainingIsResumedFromItsCheckpointByAnother(@TempDir Path tmp) throws Exception {
        drainQueue();
        worker.stop(); // the job must go to the worker process below
        // The API answers a long poll that is already waiting even when its client has gone: let it time out.
        Thread.sleep(LEASE_WAIT * 1000L + 1500);
        Process first = null;
        try {
            String id = create(posedRoom(8, "160").field("iterations", "150"));
            first = startWorkerProcess(tmp.resolve("worker-1"));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            // Mid-training, with a checkpoint saved (the job's stage shows at the next heartbeat, <= 2 s later).
            JsonNode before;
            while (true) {
                before = api.get("/v1/jobs/" + id, key).json();
                if (checkpointRecorded(id, "train/state.bin") && "train".equals(before.path("stage").asString())) break;
                assertThat(first.isAlive()).as("worker process exited early").isTrue();
                assertThat(System.nanoTime()).as("no training checkpoint within 3 minutes").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(before.path("state").asString()).isEqualTo("RUNNING");
            first.destroyForcibly().waitFor();

            worker.start(java.net.URI.create("http://127.0.0.1:" + port), WORKER_TOKEN); // the second worker
            JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(4));
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("attempt").asInt()).isEqualTo(2);
            JsonNode metrics = ApiClient.JSON.readTree(download(id, "metrics.json"));
            assertThat(metrics.path("attempt").asInt()).isEqualTo(2);
            assertThat(metrics.path("workerId").asString()).isEqualTo("embedded");
            assertThat(metrics.path("train").path("resumedFromIteration").asInt()).isGreaterThanOrEqualTo(10);
            assertThat(metrics.path("train").path("iterations").asInt()).isEqualTo(150);
            // One set of artifacts, all from the second attempt; the killed worker published nothing.
            assertThat(artifactNames(job)).isEqualTo(new TreeSet<>(ARTIFACTS));
            assertThat(blobs.size(BlobKeys.artifact(UUID.fromString(id), 1, "metrics.json"))).isEmpty();
            assertThat(blobs.size(BlobKeys.artifact(UUID.fromString(id), 1, "scene.ply"))).isEmpty();
        } finally {
            if (first != null) first.destroyForcibly();
            worker.start(java.net.URI.create("http://127.0.0.1:" + port), WORKER_TOKEN);
        }
    }

    @Test
    void aWorkerSentSigtermMidTrainingCheckpointsAndHandsTheJobBackForAnotherToResume(@TempDir Path tmp)
            throws Exception {
        drainQueue();
        worker.stop(); // the job must go to the worker process below
        Thread.sleep(LEASE_WAIT * 1000L + 1500); // the stopped worker's waiting long poll times out
        Process first = null;
        try {
            String id = create(posedRoom(8, "160").field("iterations", "120"));
            // No periodic checkpoints: whatever the next attempt resumes from was saved on SIGTERM.
            first = startWorkerProcess(tmp.resolve("worker-1"), List.of(
                    "-Dforge3d.worker.checkpoint-iterations=1000000", "-Dforge3d.worker.checkpoint-seconds=1000000"),
                    List.of("--shutdown-grace", "0"));
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (true) { // training iterations reported ("it N  loss ...", at the next heartbeat)
                JsonNode j = api.get("/v1/jobs/" + id, key).json();
                if ("train".equals(j.path("stage").asString()) && j.path("message").asString().startsWith("it ")) break;
                assertThat(first.isAlive()).as("worker process exited early").isTrue();
                assertThat(System.nanoTime()).as("no training within 3 minutes").isLessThan(deadline);
                Thread.sleep(100);
            }
            long sigterm = System.nanoTime();
            first.destroy(); // SIGTERM: the worker's shutdown hook checkpoints and hands the job back
            assertThat(first.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("worker exits").isTrue();
            double handBackSeconds = (System.nanoTime() - sigterm) / 1e9;
            JsonNode handedBack = api.get("/v1/jobs/" + id, key).json();
            // QUEUED again by the worker's retryable fail, not by the lease sweeper (10 s leases here).
            assertThat(handedBack.path("state").asString()).as(handedBack.toString()).isEqualTo("QUEUED");
            assertThat(handedBack.path("message").asString()).contains("attempt 1 failed, will retry");
            assertThat(handBackSeconds).isLessThan(10);
            assertThat(checkpointRecorded(id, "train/state.bin")).isTrue();

            worker.start(java.net.URI.create("http://127.0.0.1:" + port), WORKER_TOKEN); // the second worker
            JsonNode job = await(id, j -> terminal(j), Duration.ofMinutes(4));
            assertThat(job.path("state").asString()).as(job.toString()).isEqualTo("SUCCEEDED");
            assertThat(job.path("attempt").asInt()).isEqualTo(2);
            JsonNode metrics = ApiClient.JSON.readTree(download(id, "metrics.json"));
            assertThat(metrics.path("workerId").asString()).isEqualTo("embedded");
            assertThat(metrics.path("train").path("resumedFromIteration").asInt()).isPositive();
            assertThat(metrics.path("train").path("iterations").asInt()).isEqualTo(120);
            System.out.printf("SIGTERM hand-back: worker exited and job QUEUED %.2f s after SIGTERM; resumed from "
                    + "iteration %d of 120%n", handBackSeconds, metrics.path("train").path("resumedFromIteration").asInt());
        } finally {
            if (first != null) first.destroyForcibly();
            worker.start(java.net.URI.create("http://127.0.0.1:" + port), WORKER_TOKEN);
        }
    }

    @Test
    void cancelStopsTrainingWithinSecondsAndTheWorkerTakesTheNextJob() throws Exception {
        drainQueue();
        String id = create(posedRoom(8, "160").field("iterations", "100000"));
        JsonNode training = await(id, j -> "train".equals(j.path("stage").asString()) && j.path("progress").asDouble() > 0.2
                && !j.path("etaSeconds").isNull() || terminal(j), Duration.ofMinutes(2));
        assertThat(training.path("state").asString()).isEqualTo("RUNNING");
        // The worker ran the job at its cap and said so; the ETA is finite.
        assertThat(training.path("etaSeconds").asDouble()).isPositive();

        long t0 = System.nanoTime();
        assertThat(api.postJson("/v1/jobs/" + id + "/cancel", key, "{}").status()).isEqualTo(202);
        JsonNode canceled = await(id, j -> terminal(j), Duration.ofSeconds(30));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertThat(canceled.path("state").asString()).isEqualTo("CANCELED");
        assertThat(seconds).isLessThan(10);
        System.out.printf("cancel -> CANCELED in %.2f s%n", seconds);

        String next = create(posedRoom(6, "96").field("iterations", "20"));
        JsonNode done = await(next, j -> terminal(j), Duration.ofMinutes(2));
        assertThat(done.path("state").asString()).as(done.toString()).isEqualTo("SUCCEEDED");
    }

    @Test
    void badPhotosAreSetAsideOrFailTheJobWithAReason() throws Exception {
        drainQueue();
        // A photo too small to use among good ones: set aside, named in the metrics, the job succeeds.
        Multipart withSmall = posedRoom(6, "96").field("iterations", "20")
                .file("images", "thumb.png", "image/png", TestImages.image("png", 16, 12, 3));
        String ok = create(withSmall);

        // A corrupt photo is refused at upload, naming the file.
        byte[] good = new SyntheticPhotos(160, 120, 5).png(0, 4);
        ApiClient.Res corrupt = api.postMultipart(key, new Multipart().field("type", "photos-to-splat")
                .file("images", "a.png", "image/png", good)
                .file("images", "broken.png", "image/png", TestImages.truncated(good)), Map.of());
        assertThat(corrupt.status()).isEqualTo(400);
        assertThat(corrupt.json().path("detail").asString()).contains("broken.png");

        // Every photo unusable: FAILED with the reasons.
        String allBad = create(new Multipart().field("type", "photos-to-splat")
                .file("images", "t1.png", "image/png", TestImages.image("png", 16, 12, 1))
                .file("images", "t2.jpg", "image/jpeg", TestImages.image("jpg", 20, 10, 2)));

        // Unrelated photos: SfM cannot register them.
        Multipart noise = new Multipart().field("type", "photos-to-splat").field("preset", "preview");
        for (int i = 0; i < 4; i++) noise.file("images", "noise" + i + ".png", "image/png", SyntheticPhotos.noisePng(240, 180, 300 + i));
        String unrelated = create(noise);

        JsonNode okJob = await(ok, j -> terminal(j), Duration.ofMinutes(2));
        assertThat(okJob.path("state").asString()).as(okJob.toString()).isEqualTo("SUCCEEDED");
        JsonNode rejected = okJob.path("metrics").path("ingest").path("rejectedImages");
        assertThat(rejected).hasSize(1);
        assertThat(rejected.get(0).path("name").asString()).isEqualTo("thumb.png");
        assertThat(rejected.get(0).path("reason").asString()).contains("too small");
        assertThat(okJob.path("metrics").path("imagesRejected").asInt()).isEqualTo(1);

        JsonNode bad = await(allBad, j -> terminal(j), Duration.ofMinutes(1));
        assertThat(bad.path("state").asString()).isEqualTo("FAILED");
        assertThat(bad.path("error").path("detail").asString()).contains("none of the 2 photos could be used", "t1.png", "too small");

        JsonNode unrel = await(unrelated, j -> terminal(j), Duration.ofMinutes(2));
        assertThat(unrel.path("state").asString()).isEqualTo("FAILED");
        assertThat(unrel.path("error").path("detail").asString()).contains("could not register", "noise0.png");
    }

    @Test
    void badOptionsAreRefusedAtCreation() {
        byte[] png = new SyntheticPhotos(96, 72, 1).png(0, 2);
        for (String[] bad : new String[][] {{"preset", "ultra"}, {"iterations", "0"}, {"iterations", "lots"},
                {"maxResolution", "10"}, {"seed", "1.5"}, {"background", "purple"}, {"outputFormats", "obj"},
                {"crop", "tight"}, {"autoMasks", "sometimes"}, {"meshTriangles", "10"}, {"meshTriangles", "9999999"}, {"scaleMeters", "-1"},
                {"scaleMeters", "Infinity"}}) {
            ApiClient.Res r = api.postMultipart(key, new Multipart().field("type", "photos-to-splat").field(bad[0], bad[1])
                    .file("images", "a.png", "image/png", png), Map.of());
            assertThat(r.status()).as(bad[0] + "=" + bad[1]).isEqualTo(400);
            assertThat(r.header("Content-Type")).startsWith("application/problem+json");
            assertThat(r.json().path("detail").asString()).contains("'" + bad[0] + "'");
        }
    }

    // ---- helpers

    /** The synthetic room, posed by a transforms.json in the archive, at {@code maxResolution}. */
    private Multipart posedRoom(int views, String maxResolution) {
        SyntheticPhotos scene = new SyntheticPhotos(160, 120, 21);
        Map<String, byte[]> zip = new LinkedHashMap<>();
        zip.put("transforms.json", scene.transformsJson(views).getBytes());
        scene.views(views).forEach((n, b) -> zip.put("train/" + n, b));
        return new Multipart().field("type", "photos-to-splat").field("preset", "preview").field("maxResolution", maxResolution)
                .file("archive", "room.zip", "application/zip", TestImages.zip(zip));
    }

    private static String summary(JsonNode m) {
        return "registered " + m.path("imagesRegistered") + ", reprojection " + m.path("meanReprojectionErrorPx")
                + " px, psnr " + m.path("psnr") + ", ssim " + m.path("ssim") + ", gaussians " + m.path("gaussians")
                + ", stages " + m.path("stages");
    }

    private String create(Multipart m) {
        ApiClient.Res r = api.postMultipart(key, m, Map.of());
        assertThat(r.status()).as(r.text()).isEqualTo(202);
        return r.json().path("id").asString();
    }

    private static boolean terminal(JsonNode j) {
        return Set.of("SUCCEEDED", "FAILED", "CANCELED").contains(j.path("state").asString());
    }

    private JsonNode await(String id, Predicate<JsonNode> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode j;
        while (true) {
            j = api.get("/v1/jobs/" + id, key).json();
            if (done.test(j)) return j;
            if (System.nanoTime() > deadline) throw new AssertionError("job " + id + " not there after " + timeout + ": " + j);
            Thread.sleep(250);
        }
    }

    private static Set<String> artifactNames(JsonNode job) {
        Set<String> names = new TreeSet<>();
        List<String> all = new ArrayList<>();
        for (JsonNode a : job.path("artifacts")) {
            names.add(a.path("name").asString());
            all.add(a.path("name").asString());
        }
        assertThat(all).hasSameSizeAs(names);
        return names;
    }

    private byte[] download(String id, String name) {
        // unchecked: the contract says any media type, as bytes; metrics.json is JSON but not a JSON schema's business
        ApiClient.Res r = api.unchecked().get("/v1/jobs/" + id + "/artifacts/" + name, key);
        assertThat(r.status()).as(name).isEqualTo(200);
        return r.body();
    }

    /** {@code forge3d worker} in a JVM of its own, on the test's classpath. */
    private Process startWorkerProcess(Path workDir) throws IOException {
        return startWorkerProcess(workDir, List.of("-Dforge3d.worker.checkpoint-iterations=10"), List.of());
    }

    /** A `forge3d worker` process (its own JVM) with extra system properties and options; its log in target/. */
    private Process startWorkerProcess(Path workDir, List<String> properties, List<String> options) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector", "-Xmx1g"));
        cmd.addAll(properties);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
                "dev.forge3d.worker.cli.Forge3dCli", "worker", "--api", "http://127.0.0.1:" + port,
                "--token", WORKER_TOKEN, "--work-dir", workDir.toString(), "--id", "process-1", "--lease-wait", "2"));
        cmd.addAll(options);
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Files.createDirectories(Path.of("target")).resolve("e2e-worker-process.log").toFile()).start();
    }

    /** Walks up from the working directory to find {@code ../shared/datasets/<name>}. */
    static Path dataset(String name) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path d = p.resolve("shared/datasets").resolve(name);
            if (Files.isDirectory(d)) return d;
        }
        return null;
    }

    /** The first {@code n} lego training views, downscaled to {@code size} px (alpha kept), with their poses. */
    private static byte[] legoSubset(Path lego, int n, int size) throws IOException {
        JsonNode t = ApiClient.JSON.readTree(lego.resolve("transforms_train.json").toFile());
        var root = ApiClient.JSON.createObjectNode();
        root.put("camera_angle_x", t.path("camera_angle_x").asDouble());
        var frames = root.putArray("frames");
        Map<String, byte[]> zip = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            JsonNode f = t.path("frames").get(i);
            frames.add(f);
            String rel = f.path("file_path").asString().replaceFirst("^\\./", "") + ".png";
            BufferedImage src = ImageIO.read(new File(lego.toFile(), rel));
            BufferedImage small = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
            var g = small.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, size, size, null);
            g.dispose();
            var out = new ByteArrayOutputStream();
            ImageIO.write(small, "png", out);
            zip.put(rel, out.toByteArray());
        }
        zip.put("transforms_train.json", ApiClient.JSON.writeValueAsBytes(root));
        return TestImages.zip(zip);
    }

    /** A checkpoint row exists (checkpoints are recorded in the table, each upload under its own blob key). */
    private boolean checkpointRecorded(String jobId, String name) {
        return jdbc.sql("select count(*) from checkpoints where job_id = :id and name = :name")
                .param("id", UUID.fromString(jobId)).param("name", name).query(Long.class).single() > 0;
    }
}
